import assert from "node:assert/strict";
import type { AlertEvent, EngineEvent, ForecastEvent } from "../../engine/events.ts";
import type { Rule } from "../../engine/rules/mod.ts";
import { handleMachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineState,
  newMachineState,
  restoreMachine,
  snapshotMachine,
} from "./machine_state.ts";
import { forecastThresholds, ruleForecasts } from "./metric_forecast.ts";

const ref = { factory: "plant-1", machine: "oven-01" };
const options = DEFAULT_MACHINE_OPTIONS;
const T0 = Date.parse("2026-05-04T10:00:00Z");
const hotSoon: Rule = {
  id: "hot-soon",
  name: "Oven hot within 5 min",
  version: 1,
  enabled: true,
  scope: { factory: "plant-1" },
  condition: { kind: "forecast_crosses", metric: "temp", op: ">", value: 90, withinMs: 300_000 },
  forMs: 0,
  severity: "high",
  cooldownMs: 0,
  flapping: false,
};

/** 1 Hz: temp rising 0.1/s from 20 (90 at 700 s), door flag 0/1, for `seconds` from `from`. */
function run(state: MachineState, from: number, to: number): EngineEvent[] {
  const events: EngineEvent[] = [];
  for (let s = from; s < to; s++) {
    const ts = T0 + s * 1_000;
    const message = {
      kind: "telemetry" as const,
      ts,
      metrics: { temp: 20 + 0.1 * s, door: s % 2 },
    };
    events.push(...handleMachineMessage(state, message, ts, options).events);
  }
  return events;
}

const forecastsOf = (events: EngineEvent[]) =>
  events.filter((e): e is ForecastEvent => e.type === "forecast");

Deno.test("machine actor emits a forecast event per new step, at most every 5 s, not per point", () => {
  const state = newMachineState(ref, { thresholds: { temp: { high: 90 } }, rules: [] });
  const forecasts = forecastsOf(run(state, 0, 300));
  assert.ok(forecasts.every((e) => e.metric === "temp")); // a 0/1 metric gets none
  const gaps = forecasts.slice(1).map((e, i) => e.ts - forecasts[i].ts);
  // The step is 7.5 s (30 min in 240 steps): one event per completed step.
  assert.ok(gaps.every((gap) => gap === 7_500), `gaps ${gaps}`);
  // About 39 steps complete by 299 s (one more or less by where the machine's
  // phase puts the step grid); forecasts start once 8 are in.
  assert.ok(forecasts.length >= 31 && forecasts.length <= 33, `${forecasts.length} forecasts`);
  const last = forecasts.at(-1)!;
  assert.equal(last.step, 7_500); // 30 min in 240 steps
  assert.equal(last.horizon.length, 60);
  assert.equal(last.horizon.at(-1)!.ts - last.ts, 30 * 60_000);
  // At ~297 s the ramp is 403 s (6.7 min) from 90.
  assert.equal(last.crossings.length, 1);
  const [crossing] = last.crossings;
  assert.equal(crossing.op, ">");
  const expected = (T0 + 700_000 - last.ts) / 60_000;
  assert.ok(Math.abs(crossing.expectedMs! / 60_000 - expected) < 0.1, `${crossing.expectedMs}`);
  // Only 32 steps in, the longer-horizon errors still carry the warm-up: the
  // interval is wide and its low bound does not reach 90 within 30 min.
  assert.ok(crossing.earliestMs! <= crossing.expectedMs!);
  assert.equal(crossing.latestMs, null);
  assert.match(crossing.text, /^temp reaches 90 in about 6\.\d min \(80 % from [\d.]+ min\)$/);
});

Deno.test("machine actor raises a forecast_crosses rule before the value gets there", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [hotSoon] });
  const raised = run(state, 0, 500).filter((e): e is AlertEvent =>
    e.type === "alert" && e.action === "raised"
  );
  assert.equal(raised.length, 1);
  const at = (raised[0].ts - T0) / 1_000;
  assert.ok(at >= 400 && at <= 413, `raised at ${at} s`);
  assert.match(raised[0].explanation, /^temp reaches 90 in about (4\.\d|5) min/);
});

Deno.test("machine snapshot keeps the forecasters: a restored actor forecasts the same", () => {
  const state = newMachineState(ref, { thresholds: { temp: { high: 90 } }, rules: [] });
  run(state, 0, 200);
  const snapshot = JSON.parse(JSON.stringify(snapshotMachine(state)));
  assert.ok(snapshot.forecasts.temp.forecaster.model !== null);
  const restored = restoreMachine(
    ref,
    snapshot,
    { thresholds: { temp: { high: 90 } }, rules: [] },
    options,
  );
  // The compact snapshot rounds the error windows to 16 bits: bounds agree to ~1e-7.
  assertNear(forecastsOf(run(restored, 200, 260)), forecastsOf(run(state, 200, 260)), 1e-6);
  assertNear(
    restored.forecasts.get("temp")!.current(),
    state.forecasts.get("temp")!.current(),
    1e-6,
  );
  // Compact: 2.4 KB here (the full state was 9 KB); ≤ 6 KB after a long run.
  assert.ok(JSON.stringify(snapshot.forecasts.temp).length < 3_000);
});

/** Deep equality, numbers within `tolerance` relative (strings, keys and lengths exact). */
function assertNear(actual: unknown, expected: unknown, tolerance: number, at = "value"): void {
  if (typeof expected === "number" && typeof actual === "number") {
    assert.ok(
      Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
      `${at}: ${actual} vs ${expected}`,
    );
  } else if (typeof expected === "object" && expected !== null) {
    assert.ok(typeof actual === "object" && actual !== null, `${at}: ${actual}`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), at);
    for (const [key, value] of Object.entries(expected)) {
      assertNear((actual as Record<string, unknown>)[key], value, tolerance, `${at}.${key}`);
    }
  } else assert.equal(actual, expected, at);
}

Deno.test("forecastThresholds takes configured limits and forecast rules", () => {
  assert.deepEqual(forecastThresholds("temp", { low: 5, high: 90 }, [hotSoon]), [
    { op: ">", value: 90 },
    { op: "<", value: 5 },
  ]);
  assert.deepEqual(forecastThresholds("temp", undefined, [{ ...hotSoon, enabled: false }]), []);
  assert.deepEqual(
    forecastThresholds("temp", undefined, [{
      ...hotSoon,
      condition: {
        all: [hotSoon.condition, {
          kind: "forecast_crosses",
          metric: "temp",
          op: "<",
          value: 3,
          withinMs: 60_000,
        }],
      },
    }]),
    [{ op: ">", value: 90 }, { op: "<", value: 3 }],
  );
});

Deno.test("ruleForecasts copies only the paths a forecast_crosses rule reads", () => {
  const path = {
    ts: 0,
    step: 7_500,
    value: 80,
    coverage: 0.8,
    period: null,
    points: [{ ts: 7_500, mean: 81, low: 80, high: 82 }],
  };
  const both = [["temp", path], ["rpm", path]] as const;
  assert.deepEqual(ruleForecasts(both, []), []);
  assert.deepEqual(ruleForecasts(both, [hotSoon]), [
    { metric: "temp", points: [{ ts: 7_500, value: 81, low: 80, high: 82 }] },
  ]);
  // A clear condition on rpm's forecast counts too, and so does a disabled rule.
  const clearing: Rule = {
    ...hotSoon,
    enabled: false,
    clear: { kind: "forecast_crosses", metric: "rpm", op: "<", value: 100, withinMs: 60_000 },
  };
  assert.deepEqual(ruleForecasts(both, [clearing]).map((f) => f.metric), ["temp", "rpm"]);
});
