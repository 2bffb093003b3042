import assert from "node:assert/strict";
import { DEFAULT_PERIOD_OPTIONS, PeriodDetector } from "./period_detector.ts";

function detectOver(values: (t: number) => number, steps: number): (number | null)[] {
  const d = new PeriodDetector(DEFAULT_PERIOD_OPTIONS);
  const found: (number | null)[] = [];
  for (let t = 0; t < steps; t++) if (d.push(values(t))) found.push(d.detect());
  return found;
}

/** Deterministic noise in [-0.5, 0.5). */
function noise(t: number): number {
  const x = Math.sin(t * 12.9898) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

Deno.test("PeriodDetector finds the period of a sinusoid at full resolution", () => {
  const found = detectOver((t) => Math.sin((2 * Math.PI * t) / 50), 255);
  // Checks at 64 and 128 steps see fewer than three cycles; the one at 192 does.
  assert.deepEqual(found, [null, null, 50]);
});

Deno.test("PeriodDetector refines a coarse period to the step on a noisy ramp", () => {
  const found = detectOver(
    (t) => 0.01 * t + 10 * Math.sin((2 * Math.PI * t) / 360) + noise(t),
    20_000,
  );
  assert.ok(found.length > 10);
  assert.equal(found.at(-1), 360);
});

Deno.test("PeriodDetector finds nothing in noise or a ramp", () => {
  assert.deepEqual(new Set(detectOver(noise, 5_000)), new Set([null]));
  assert.deepEqual(new Set(detectOver((t) => 3 * t, 5_000)), new Set([null]));
});

Deno.test("PeriodDetector keeps its memory bounded", () => {
  const d = new PeriodDetector(DEFAULT_PERIOD_OPTIONS);
  for (let t = 0; t < 100_000; t++) d.push(t % 7);
  const state = d.toJSON();
  assert.ok(state.values.length < DEFAULT_PERIOD_OPTIONS.capacity);
  assert.equal(state.factor, 8); // 512 / (256 / 3) rounded up to a power of two
  assert.equal(state.recent.length, 2 * DEFAULT_PERIOD_OPTIONS.maxPeriod);
});

Deno.test("PeriodDetector profile is the zero-mean seasonal shape", () => {
  const d = new PeriodDetector(DEFAULT_PERIOD_OPTIONS);
  const shape = [3, -1, -1, -1];
  for (let t = 0; t < 200; t++) d.push(shape[t % 4]);
  const profile = d.profile(4);
  // The linear detrend leaves a slope of a few 1e-4 from the pattern's phase.
  profile.forEach((v, i) => assert.ok(Math.abs(v - shape[i]) < 1e-3, `${v} vs ${shape[i]}`));
});

Deno.test("PeriodDetector without its recent steps gives the coarse period and says how coarse", () => {
  const d = new PeriodDetector(DEFAULT_PERIOD_OPTIONS);
  const value = (t: number) => 10 * Math.sin((2 * Math.PI * t) / 100) + noise(t);
  let t = 0, found: number | null = null;
  for (; t < 20_000; t++) if (d.push(value(t))) found = d.detect();
  assert.equal(d.factor, 8);
  assert.equal(found, 100);
  assert.equal(d.uncertainty, 0); // refined on the full-resolution steps
  // Restored (without the full-resolution steps) just before the next check.
  while (d.toJSON().sinceCheck < 510) d.push(value(t++));
  const restored = new PeriodDetector(DEFAULT_PERIOD_OPTIONS, {
    ...d.toJSON(),
    recent: [],
    recentCount: 0,
  });
  for (; !restored.push(value(t)); t++);
  const coarse = restored.detect()!;
  assert.ok(Math.abs(coarse - 100) <= 8, `coarse period ${coarse}`);
  assert.equal(restored.uncertainty, 8);
});
