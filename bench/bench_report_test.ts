import assert from "node:assert/strict";
import { type BenchRound, renderSummary, summarize } from "./bench_report.ts";
import type { RampResult } from "./rate_ramp.ts";
import type { StepResult } from "./rate_step.ts";

function step(
  target: StepResult["target"],
  rate: number,
  verdict: StepResult["verdict"],
  p99 = 10,
  broker = 50,
): StepResult {
  return {
    target,
    offeredRate: rate,
    sent: rate * 6,
    sentRate: rate,
    receivedRate: rate,
    lagAtEnd: 0,
    drainMs: 1,
    lost: 0,
    undrained: 0,
    latency: { count: rate, p50: p99 / 4, p99, max: p99 },
    rssMiB: 100,
    peakRssMiB: 120,
    diskMBps: 0,
    cpu: { target: 40, broker, generator: 20, bench: 5, others: 0, steal: 0 },
    verdict,
    disturbed: false,
  };
}

function ramp(steps: StepResult[]): RampResult {
  const good = steps.filter((s) => s.verdict === "ok").at(-1);
  return { steps, sustainedRate: good?.offeredRate ?? 0, sustainedStep: good };
}

function round(rawCeiling: number, engineCeiling: number, engineP99: number): BenchRound {
  const rawSteps = [step("raw", 20_000, "ok"), step("raw", 40_000, "ok")];
  if (rawCeiling < 40_000) rawSteps[1] = step("raw", 40_000, "under-offered", 10, 97);
  return {
    raw: ramp(rawSteps),
    engine: ramp([
      step("engine", 20_000, "ok"),
      step("engine", 40_000, engineCeiling >= 40_000 ? "ok" : "lagging", 300, 60),
    ]),
    halfRate: 10_000,
    rawAtHalf: step("raw", 10_000, "ok", 5),
    engineAtHalf: step("engine", 10_000, "ok", engineP99),
  };
}

const CEILING = { rate: 200_000, generatorCpu: 30, brokerCpu: 99 };

Deno.test("renderSummary gives the medians, the verdicts and the broker at each ramp's failure", () => {
  const rounds = [round(20_000, 20_000, 40), round(40_000, 20_000, 120), round(40_000, 20_000, 60)];
  const summary = summarize(rounds);
  assert.equal(summary.rawRate, 40_000);
  assert.equal(summary.engineRate, 20_000);
  assert.equal(summary.engineP99, 60);
  const text = renderSummary(rounds, summary, CEILING);
  assert.match(text, /\| 40,000 \| 20,000 \| \*\*0\.50\*\* \|/);
  assert.match(text, /engine ≥ 0\.6 × raw — \*\*missed\*\* \(0\.50\)/);
  assert.match(text, /at half the raw rate — \*\*met\*\* \(60 ms\)/);
  assert.match(text, /raw subscriber 97 %, none failed, none failed; engine 60 %, 60 %, 60 %\./);
});

Deno.test("renderSummary says why there is no ratio when the raw subscriber sustained nothing", () => {
  const rounds = [round(20_000, 20_000, 40)];
  rounds[0] = { ...rounds[0], raw: ramp([step("raw", 20_000, "lost")]) };
  const text = renderSummary(rounds, summarize(rounds), CEILING);
  assert.doesNotMatch(text, /NaN/);
  assert.match(text, /\*\*missed\*\* \(n\/a \(the raw subscriber sustained no rate\)\)/);
});
