import assert from "node:assert/strict";
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

Deno.test("MetricDetector does not flag ordinary noise", () => {
  const d = new MetricDetector();
  const r = seededRandom(2);
  let flags = 0;
  for (let i = 0; i < 5000; i++) if (d.update(50 + r()).flagged) flags++;
  assert.equal(flags, 0);
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
  assert.equal(flagged.i, 33);
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
