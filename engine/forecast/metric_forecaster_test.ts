import assert from "node:assert/strict";
import { MetricForecaster } from "./metric_forecaster.ts";
import { timeToThreshold } from "./time_to_threshold.ts";

const SECOND = 1_000, MINUTE = 60_000;

/** Deterministic noise in [-0.5, 0.5). */
function noise(t: number): number {
  const x = Math.sin(t * 12.9898) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

Deno.test("MetricForecaster forecasts a ramp and its time to a threshold", () => {
  // One sample a second; 4 min in 240 steps keeps the step at 1 s.
  const f = new MetricForecaster({ horizonMs: 4 * MINUTE });
  for (let i = 0; i < 1_000; i++) f.push(i * SECOND, 20 + 0.05 * i);
  assert.equal(f.step, SECOND);
  const path = f.forecast(4 * MINUTE, 240)!;
  assert.equal(path.ts, 998 * SECOND); // the step at 999 s completes with a later sample
  assert.equal(path.points.length, 240);
  assert.ok(Math.abs(path.points[59].mean - (20 + 0.05 * 1_058)) < 1e-6);
  const crossing = timeToThreshold(path, { op: ">", value: 75 });
  // 20 + 0.05 s = 75 at s = 1100: 102 s after the origin at 998 s.
  assert.ok(Math.abs(crossing.expectedMs! - 102 * SECOND) < 1);
  assert.ok(
    crossing.earliestMs! <= crossing.expectedMs! && crossing.expectedMs! <= crossing.latestMs!,
  );
});

Deno.test("MetricForecaster resamples irregular samples to the median gap", () => {
  const f = new MetricForecaster({ horizonMs: 10 * MINUTE });
  let ts = 0;
  for (let i = 0; i < 2_000; i++) {
    ts += i % 3 === 0 ? 4 * SECOND : i % 3 === 1 ? 5 * SECOND : 6 * SECOND;
    f.push(ts, 100 + noise(i));
  }
  assert.equal(f.step, 5 * SECOND);
  const path = f.forecast(10 * MINUTE, 12)!;
  assert.equal(path.points.length, 12);
  assert.equal(path.points[11].ts - path.ts, 10 * MINUTE);
  for (const p of path.points) {
    assert.ok(Math.abs(p.mean - 100) < 0.3, `mean ${p.mean}`);
    // The empirical 80 % interval of uniform ±0.5 noise is about ±0.4.
    assert.ok(p.low < 100 && p.high > 100 && p.high - p.low < 1.6, `${p.low}…${p.high}`);
  }
});

Deno.test("MetricForecaster switches to Holt–Winters on a sinusoid", () => {
  const f = new MetricForecaster({ horizonMs: 30 * MINUTE });
  const period = 100; // steps of 10 s
  const value = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / period) + 0.2 * noise(i);
  for (let i = 0; i < 6_000; i++) f.push(i * 10 * SECOND, value(i));
  assert.equal(f.step, 10 * SECOND);
  assert.equal(f.period, period * 10 * SECOND);
  const path = f.forecast()!;
  let worst = 0;
  for (const p of path.points) {
    const i = p.ts / (10 * SECOND);
    worst = Math.max(worst, Math.abs(p.mean - (50 + 10 * Math.sin((2 * Math.PI * i) / period))));
  }
  assert.ok(worst < 1, `worst error ${worst}`);
});

Deno.test("MetricForecaster restored from JSON continues identically", () => {
  const a = new MetricForecaster();
  for (let i = 0; i < 500; i++) a.push(i * 2 * SECOND, 20 + Math.sin(i / 10) + noise(i));
  const b = new MetricForecaster({}, JSON.parse(JSON.stringify(a.toJSON())));
  for (let i = 500; i < 700; i++) {
    a.push(i * 2 * SECOND, 20 + Math.sin(i / 10) + noise(i));
    b.push(i * 2 * SECOND, 20 + Math.sin(i / 10) + noise(i));
  }
  assert.deepEqual(b.forecast(), a.forecast());
  assert.deepEqual(b.toJSON(), a.toJSON());
});

Deno.test("MetricForecaster gives nothing before it has 8 steps, and rejects bad options", () => {
  const f = new MetricForecaster();
  for (let i = 0; i < 8; i++) f.push(i * 60 * SECOND, i);
  assert.equal(f.step, null);
  f.push(8 * 60 * SECOND, 8); // the step is fixed: 8 steps done, the 9th in progress
  assert.equal(f.step, 60 * SECOND);
  assert.equal(f.forecast()?.points.length, 30); // 30 min of 1 min steps
  assert.throws(
    () => new MetricForecaster({ coverage: 1.5 }),
    /'coverage' must be in \(0, 1\): current value is 1.5/,
  );
});
