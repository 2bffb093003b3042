import assert from "node:assert/strict";
import { type ResampledEvent, StepResampler } from "./step_resampler.ts";

const OPTIONS = { warmupGaps: 4, minStepMs: 100, maxFillSteps: 3 };

function run(points: Array<[number, number]>, minStep = 0) {
  const r = new StepResampler(OPTIONS);
  const events: ResampledEvent[] = [];
  for (const [ts, v] of points) r.push(ts, v, (e) => events.push(e), minStep);
  return { r, events };
}

Deno.test("StepResampler fixes the step at the median gap and averages each step", () => {
  const { r, events } = run([[0, 1], [900, 2], [1_000, 3], [2_100, 4], [3_000, 5], [4_050, 7]]);
  // gaps 900, 100, 1100, 900: median 900.
  assert.equal(r.step, 900);
  assert.deepEqual(events, [
    { kind: "step", ts: 0, value: 1 },
    { kind: "step", ts: 950, value: 2.5 }, // stamped with the mean time of its samples
    { kind: "step", ts: 2_100, value: 4 },
    { kind: "step", ts: 3_000, value: 5 },
  ]);
});

Deno.test("StepResampler with a phase shifts its step grid by phase × step", () => {
  // Samples every 125 ms, steps of at least 250 ms: two samples per step.
  const stepTimes = (phase?: number) => {
    const r = new StepResampler({ ...OPTIONS, minStepMs: 250, phase });
    const events: ResampledEvent[] = [];
    for (let ts = 1_000; ts <= 3_000; ts += 125) r.push(ts, ts, (e) => events.push(e));
    assert.equal(r.step, 250);
    return events.filter((e) => e.kind === "step").map((e) => e.ts);
  };
  // Grid at multiples of 250 ms: steps hold 1,000 + 1,125, 1,250 + 1,375, …
  assert.deepEqual(stepTimes().slice(0, 3), [1_062.5, 1_312.5, 1_562.5]);
  // Shifted by half a step: 1,125 + 1,250, 1,375 + 1,500, … (the first step has 1,000 alone).
  assert.deepEqual(stepTimes(0.5).slice(0, 4), [1_000, 1_187.5, 1_437.5, 1_687.5]);
  assert.throws(
    () => new StepResampler({ ...OPTIONS, phase: 1 }),
    /'phase' must be in \[0, 1\): current value is 1/,
  );
});

Deno.test("StepResampler fills short gaps by a line and restarts after long ones", () => {
  const points: Array<[number, number]> = [[0, 0], [1_000, 1], [2_000, 2], [3_000, 3], [4_000, 4]];
  points.push([7_000, 7], [8_000, 8], [20_000, 20], [21_000, 21]);
  const { events } = run(points);
  assert.deepEqual(events.map((e) => e.kind === "step" ? e.value : "restart"), [
    0,
    1,
    2,
    3,
    4,
    5, // filled
    6, // filled
    7,
    8,
    "restart", // 8 → 20 is 12 steps, more than 3
    20,
  ]);
});

Deno.test("StepResampler takes a larger minimum step and ignores old points", () => {
  const { r, events } = run(
    [[0, 1], [100, 2], [200, 3], [300, 4], [400, 5], [-100, 9], [1_000, 6], [1_500, 7]],
    500,
  );
  assert.equal(r.step, 500);
  assert.deepEqual(events, [
    { kind: "step", ts: 200, value: 3 },
    { kind: "step", ts: 750, value: 4.5 }, // filled: the step's middle
    { kind: "step", ts: 1_000, value: 6 },
  ]);
});

Deno.test("StepResampler state survives JSON", () => {
  const { r } = run([[0, 1], [100, 2], [200, 3], [300, 4], [400, 5]]);
  const copy = new StepResampler(OPTIONS, JSON.parse(JSON.stringify(r.toJSON())));
  const a: ResampledEvent[] = [], b: ResampledEvent[] = [];
  r.push(500, 6, (e) => a.push(e));
  copy.push(500, 6, (e) => b.push(e));
  assert.deepEqual(a, b);
  assert.deepEqual(a, [{ kind: "step", ts: 400, value: 5 }]);
});

Deno.test("StepResampler rejects a bad option", () => {
  assert.throws(
    () => new StepResampler({ ...OPTIONS, warmupGaps: 0 }),
    /'warmupGaps' must be a positive integer: current value is 0/,
  );
});
