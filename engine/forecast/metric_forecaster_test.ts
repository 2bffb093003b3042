import assert from "node:assert/strict";
import type { ForecastPath } from "./forecast_path.ts";
import { unpackForecasterState } from "./forecaster_snapshot.ts";
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

Deno.test("MetricForecaster keeps the error of every (h/8)th forecast at long horizons", () => {
  const f = new MetricForecaster();
  let level = 50;
  for (let i = 0; i < 3_000; i++) {
    level += noise(i);
    f.push(i * 7_500, level); // one sample per step (30 min / 240 steps)
  }
  const { errorCounts } = f.toJSON();
  const horizons = [1, 2, 4, 8, 16, 32, 64, 128, 240];
  const checked = errorCounts[0]; // h = 1: every forecast since the first checked
  horizons.forEach((h, i) => {
    const stride = Math.max(1, Math.floor(h / 8));
    const expected = (checked - h + 1) / stride;
    assert.ok(Math.abs(errorCounts[i] - expected) <= 1, `h=${h}: ${errorCounts[i]} vs ${expected}`);
  });
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

/**
 * Asserts two paths match point by point: same times, means within
 * `tolerance` and bounds within `boundTolerance` (relative).
 */
function assertNearPath(
  actual: ForecastPath | null,
  expected: ForecastPath | null,
  tolerance: number,
  boundTolerance: number,
) {
  assert.ok(actual !== null && expected !== null);
  assert.deepEqual(
    { ...actual, value: 0, points: actual.points.map((p) => p.ts) },
    { ...expected, value: 0, points: expected.points.map((p) => p.ts) },
  );
  const near = (a: number, e: number, what: string, tol = tolerance) =>
    assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${what}: ${a} vs ${e}`);
  near(actual.value, expected.value, "value");
  actual.points.forEach((p, i) => {
    const e = expected.points[i];
    near(p.mean, e.mean, `mean ${i}`);
    near(p.low, e.low, `low ${i}`, boundTolerance);
    near(p.high, e.high, `high ${i}`, boundTolerance);
  });
}

const wave = (i: number) => 20 + Math.sin(i / 10) + noise(i);

Deno.test("MetricForecaster restored from its snapshot forecasts the same", () => {
  const a = new MetricForecaster();
  for (let i = 0; i < 500; i++) a.push(i * 2 * SECOND, wave(i));
  const snapshot = JSON.parse(JSON.stringify(a.toJSON()));
  assert.equal(snapshot.version, 2);
  const b = new MetricForecaster({}, snapshot);
  assert.equal(a.period, 127_500); // seasonal: the q16 season terms are in use
  // Restoring and snapshotting again gives the very same snapshot.
  assert.deepEqual(b.toJSON(), snapshot);
  // The next forecast: means to the season's q16 rounding; bounds to the q16
  // rounding of the error windows (no quantiles were cached: none was asked for).
  assertNearPath(b.forecast(), a.forecast(), 1e-6, 1e-5);
  for (let i = 500; i < 700; i++) {
    a.push(i * 2 * SECOND, wave(i));
    b.push(i * 2 * SECOND, wave(i));
  }
  // 53 steps on, the means still agree to 5e-5 (the season's q16 step) and
  // the intervals to the error windows' q16 rounding: windows still filling
  // kept their pending forecasts.
  const pa = a.forecast()!, pb = b.forecast()!;
  let worst = 0;
  pb.points.forEach((p, i) => {
    const e = pa.points[i];
    assert.ok(Math.abs(p.mean - e.mean) < 5e-5, `mean ${i}: ${p.mean} vs ${e.mean}`);
    const ratio = (p.high - p.low) / (e.high - e.low);
    worst = Math.max(worst, Math.abs(ratio - 1));
  });
  assert.ok(worst < 1e-3, `interval widths differ by ${worst}`);
});

Deno.test("MetricForecaster still restores a version 1 (full JSON) state", () => {
  const a = new MetricForecaster();
  for (let i = 0; i < 500; i++) a.push(i * 2 * SECOND, wave(i));
  const snapshot = a.toJSON();
  const full = JSON.parse(JSON.stringify(unpackForecasterState(snapshot, 241)));
  assert.equal(full.version, 1);
  assert.equal(full.errors.length, 9); // horizons 1, 2, 4, … 128, 240
  assert.equal(full.errors[0].length, 64);
  const fromFull = new MetricForecaster({}, full),
    fromSnapshot = new MetricForecaster({}, snapshot);
  for (let i = 500; i < 600; i++) {
    fromFull.push(i * 2 * SECOND, wave(i));
    fromSnapshot.push(i * 2 * SECOND, wave(i));
  }
  assert.deepEqual(fromFull.forecast(), fromSnapshot.forecast());
  assert.deepEqual(fromFull.toJSON(), fromSnapshot.toJSON());
});

Deno.test("MetricForecaster snapshot stays small after a long run", () => {
  const f = new MetricForecaster({ horizonMs: 30 * MINUTE });
  const value = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / 400) + noise(i);
  for (let i = 0; i < 20_000; i++) f.push(i * 10 * SECOND, value(i));
  assert.equal(f.period, 400 * 10 * SECOND);
  const json = JSON.stringify(f.toJSON());
  assert.ok(json.length <= 6_144, `snapshot of ${json.length} characters`);
  const g = new MetricForecaster({ horizonMs: 30 * MINUTE }, JSON.parse(json));
  assertNearPath(g.forecast(), f.forecast(), 1e-5, 1e-5);
  // A restore without the detector's full-resolution steps keeps the period;
  // the full error windows skipped a few errors but give near-same intervals.
  for (let i = 20_000; i < 24_000; i++) {
    f.push(i * 10 * SECOND, value(i));
    g.push(i * 10 * SECOND, value(i));
  }
  assert.equal(g.period, f.period);
  const pf = f.forecast()!, pg = g.forecast()!;
  let worst = 0;
  pg.points.forEach((p, i) => {
    const e = pf.points[i];
    worst = Math.max(worst, Math.abs((p.high - p.low) / (e.high - e.low) - 1));
  });
  assert.ok(worst < 1e-3, `interval widths differ by ${worst}`);
  pg.points.forEach((p, i) => assert.ok(Math.abs(p.mean - pf.points[i].mean) < 2e-4, `mean ${i}`));
});

Deno.test("MetricForecaster restored just before a period check keeps its period", () => {
  // Long enough that the detector's history is at 8 steps per value: a
  // check right after a restore sees the period only to ±8 steps.
  const f = new MetricForecaster({ horizonMs: 30 * MINUTE });
  const value = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / 100) + noise(i);
  let i = 0;
  for (; i < 20_000; i++) f.push(i * 10 * SECOND, value(i));
  // Snapshot just before a check is due (every 64 × 8 steps).
  while (f.toJSON().detector!.sinceCheck < 510) f.push(i * 10 * SECOND, value(i++));
  assert.equal(f.period, 100 * 10 * SECOND);
  const g = new MetricForecaster(
    { horizonMs: 30 * MINUTE },
    JSON.parse(JSON.stringify(f.toJSON())),
  );
  const periods = new Set<number | null>();
  for (const end = i + 1_500; i < end; i++) {
    g.push(i * 10 * SECOND, value(i));
    periods.add(g.period);
  }
  assert.deepEqual([...periods], [100 * 10 * SECOND]);
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
