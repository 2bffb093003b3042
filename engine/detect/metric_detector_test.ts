import assert from "node:assert/strict";
import { unpackFloats } from "./packed.ts";
import { seededRandom } from "./prng.ts";
import { DEFAULT_METRIC_DETECTOR_OPTIONS, MetricDetector } from "./metric_detector.ts";

function noisy(detector: MetricDetector, n: number, seed = 1): void {
  const r = seededRandom(seed);
  for (let i = 0; i < n; i++) detector.update(50 + r());
}

Deno.test("MetricDetector flags a spike with its explanation", () => {
  const d = new MetricDetector();
  noisy(d, 500);
  const r = d.update(60);
  assert.equal(r.flagged, true);
  assert.equal(r.detector, "sigma");
  assert.ok(r.score > 0.6 && r.score <= 1);
  assert.ok(r.expected.low > 49 && r.expected.high < 51.5, JSON.stringify(r.expected));
});

Deno.test("MetricDetector flags ordinary noise only when a bin transition is new", () => {
  const d = new MetricDetector();
  const r = seededRandom(2);
  const at: number[] = [];
  for (let i = 0; i < 5000; i++) if (d.update(50 + r()).flagged) at.push(i);
  // All from the contextual detector: right after its warm-up, then rare new
  // transitions or extremes, fewer as it learns (8 in 100,000 points).
  assert.deepEqual(at, [50, 491, 765, 1781, 3129]);
  const quiet = new MetricDetector({ ...DEFAULT_METRIC_DETECTOR_OPTIONS, contextWeight: 0 });
  const r2 = seededRandom(2);
  for (let i = 0; i < 5000; i++) assert.equal(quiet.update(50 + r2()).flagged, false);
});

Deno.test("MetricDetector flags a stuck sensor", () => {
  const d = new MetricDetector();
  noisy(d, 500);
  let flagged = null;
  for (let i = 0; i < 200 && flagged === null; i++) {
    const r = d.update(50.5);
    if (r.flagged) flagged = { i, r };
  }
  assert.ok(flagged !== null);
  assert.equal(flagged.r.detector, "flatline");
  // Flagged just past minRun (30) repeats, once the likelihood sees the run as unusual.
  assert.equal(flagged.i, 32);
});

Deno.test("MetricDetector snapshot stays under 6 KB of JSON after a long run", () => {
  const d = new MetricDetector();
  const r = seededRandom(5);
  for (let i = 0; i < 20_000; i++) d.update(1480 + 30 * Math.sin(i / 97) + r(), i * 60_000);
  const size = JSON.stringify(d.snapshot()).length;
  assert.ok(size <= 6_000, `${size} bytes`);
});

Deno.test("MetricDetector sensitivity > 1 silences a moderate spike; it is clamped", () => {
  const d = new MetricDetector();
  noisy(d, 500);
  const copy = MetricDetector.restore(d.snapshot());
  copy.sensitivity = 2;
  assert.equal(d.update(56).flagged, true);
  assert.equal(copy.update(56).flagged, false);
  copy.sensitivity = 10;
  assert.equal(copy.sensitivity, 3);
  assert.throws(() => (copy.sensitivity = NaN), /finite number/);
});

Deno.test("MetricDetector restored from a JSON snapshot gives the same next scores", () => {
  const d = new MetricDetector();
  noisy(d, 1500, 3);
  d.update(70); // a flag: the refractory period is part of the state
  const copy = MetricDetector.restore(JSON.parse(JSON.stringify(d.snapshot())));
  const r = seededRandom(4);
  for (let i = 0; i < 300; i++) {
    const v = 50 + r() + (i === 150 ? 30 : 0);
    assert.deepEqual(copy.update(v), d.update(v));
  }
});

Deno.test("MetricDetector.restore rejects an unknown state", () => {
  // deno-lint-ignore no-explicit-any
  assert.throws(() => MetricDetector.restore({ version: 9 } as any), /unknown state version 9/);
});

Deno.test("MetricDetector grows less sensitive while a metric keeps flagging (fatigue)", () => {
  const options = { ...DEFAULT_METRIC_DETECTOR_OPTIONS, fatigueStep: 0.2, fatigueHalfLife: 1000 };
  const tired = new MetricDetector(options);
  const fresh = new MetricDetector({ ...options, fatigueStep: 0 });
  const r = seededRandom(8);
  let tiredFlags = 0;
  let freshFlags = 0;
  for (let i = 0; i < 3000; i++) {
    // A spike every 250 points: the first ones are news, the later ones are the metric's habit.
    const v = 50 + r() + (i % 250 === 249 ? 15 : 0);
    if (tired.update(v).flagged) tiredFlags++;
    if (fresh.update(v).flagged) freshFlags++;
  }
  assert.ok(freshFlags >= 10, `fresh ${freshFlags}`);
  assert.ok(tiredFlags < freshFlags, `tired ${tiredFlags} vs fresh ${freshFlags}`);
});

Deno.test("MetricDetector restores an older snapshot (plain arrays, no contextual state)", () => {
  const d = new MetricDetector();
  noisy(d, 1500, 6);
  // deno-lint-ignore no-explicit-any
  const state = JSON.parse(JSON.stringify(d.snapshot())) as any;
  delete state.context;
  const legacy = {
    ...state,
    sigma: { ...state.sigma, values: Array.from(unpackFloats(state.sigma.values, Float32Array)) },
    mad: { ...state.mad, values: Array.from(unpackFloats(state.mad.values, Float64Array)) },
    likelihood: {
      ...state.likelihood,
      averages: Array.from(unpackFloats(state.likelihood.averages, Float32Array)),
    },
  };
  const old = MetricDetector.restore(legacy);
  const packed = MetricDetector.restore(state);
  const r = seededRandom(7);
  let flags = 0;
  for (let i = 0; i < 1500; i++) {
    const v = 50 + r();
    const a = old.update(v);
    assert.deepEqual(a, packed.update(v));
    if (a.flagged) flags++;
  }
  // The contextual detector restarted, but learns silently: no burst of flags.
  assert.equal(flags, 0);
});
