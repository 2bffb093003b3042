import assert from "node:assert/strict";
import { ascendingRates, climb } from "./rate_ramp.ts";
import type { StepResult } from "./rate_step.ts";

/** A step at `rate` with the given verdict; the other fields do not steer a ramp. */
function stepAt(rate: number, verdict: StepResult["verdict"]): StepResult {
  return {
    target: "raw",
    offeredRate: rate,
    sent: rate,
    sentRate: rate,
    receivedRate: rate,
    lagAtEnd: 0,
    drainMs: 0,
    lost: verdict === "lost" ? 1 : 0,
    undrained: 0,
    latency: { count: 0, p50: 0, p99: 0, max: 0 },
    rssMiB: 0,
    peakRssMiB: 0,
    diskMBps: 0,
    cpu: {},
    verdict,
    disturbed: false,
  };
}

/** A target that passes every rate up to `ceiling` and fails above it with `failure`. */
function targetUpTo(ceiling: number, failure: StepResult["verdict"] = "lagging") {
  const offered: number[] = [];
  const runStep = (rate: number) => {
    offered.push(rate);
    return Promise.resolve([stepAt(rate, rate <= ceiling ? "ok" : failure)]);
  };
  return { offered, runStep };
}

Deno.test("ascendingRates goes past the list by its last gap, or by the one rate listed", () => {
  assert.deepEqual([...ascendingRates([5_000, 10_000, 40_000, 60_000], 2)], [
    5_000,
    10_000,
    40_000,
    60_000,
    80_000,
    100_000,
  ]);
  assert.deepEqual([...ascendingRates([40_000], 2)], [40_000, 80_000, 120_000]);
  assert.deepEqual([...ascendingRates([40_000], 0)], [40_000]);
  assert.deepEqual([...ascendingRates([], 3)], []);
});

Deno.test("climb finds a ceiling above the listed rates on a target that passes them all", async () => {
  const target = targetUpTo(87_000);
  const ramp = await climb(target.runStep, {
    rates: [20_000, 40_000, 60_000],
    stepsPast: 12,
    refine: 2,
  });
  // 80,000 passes, 100,000 fails; bisected to 90,000 (fails), then 85,000 (passes).
  assert.deepEqual(target.offered, [20_000, 40_000, 60_000, 80_000, 100_000, 90_000, 85_000]);
  assert.equal(ramp.sustainedRate, 85_000);
  assert.equal(ramp.sustainedStep?.offeredRate, 85_000);
  assert.equal(ramp.steps.length, 7);
});

Deno.test("climb stops at the last step it may take when every step passes", async () => {
  const target = targetUpTo(Infinity);
  const ramp = await climb(target.runStep, { rates: [10_000, 20_000], stepsPast: 3, refine: 2 });
  assert.deepEqual(target.offered, [10_000, 20_000, 30_000, 40_000, 50_000]);
  assert.equal(ramp.sustainedRate, 50_000);
});

Deno.test("climb bisects below a rate the generator could not offer, like any failure", async () => {
  const target = targetUpTo(30_000, "under-offered");
  const ramp = await climb(target.runStep, { rates: [20_000, 40_000], stepsPast: 5, refine: 2 });
  assert.deepEqual(target.offered, [20_000, 40_000, 30_000, 35_000]);
  assert.equal(ramp.sustainedRate, 30_000);
});

Deno.test("climb counts the last attempt at a rate and keeps every attempt", async () => {
  // A disturbed failure re-run that passes: the ramp goes on.
  const runStep = (rate: number) =>
    Promise.resolve(
      rate === 20_000
        ? [{ ...stepAt(rate, "lagging"), disturbed: true }, stepAt(rate, "ok")]
        : [stepAt(rate, rate <= 20_000 ? "ok" : "lost")],
    );
  const ramp = await climb(runStep, { rates: [10_000, 20_000, 30_000], stepsPast: 0, refine: 0 });
  assert.equal(ramp.sustainedRate, 20_000);
  assert.equal(ramp.steps.length, 4);
  assert.equal(ramp.steps[1].verdict, "lagging");
});

Deno.test("climb bisects below the first rate when it fails, and may sustain nothing", async () => {
  const slow = targetUpTo(1_500);
  const ramp = await climb(slow.runStep, { rates: [5_000, 10_000], stepsPast: 12, refine: 2 });
  // Between 0 and 5,000: 2,500 fails, then 1,250 rounded to the 500 grain passes.
  assert.deepEqual(slow.offered, [5_000, 2_500, 1_500]);
  assert.equal(ramp.sustainedRate, 1_500);

  const stalled = targetUpTo(0);
  const none = await climb(stalled.runStep, { rates: [5_000], stepsPast: 12, refine: 2 });
  assert.equal(none.sustainedRate, 0);
  assert.equal(none.sustainedStep, undefined);
});
