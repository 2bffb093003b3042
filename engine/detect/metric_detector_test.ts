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
  // Without the minimum relative deviation (noise of ±1 % around 50.5 is inside it).
  const d = new MetricDetector({ ...DEFAULT_METRIC_DETECTOR_OPTIONS, minRelDeviation: 0 });
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
  // Flagged at minRun (30) repeats: inside the minimum relative deviation the
  // deviation detectors are silent, so only the flatline feeds the score.
  assert.equal(flagged.i, 30);
});

Deno.test("MetricDetector: values within minRelDeviation of the mean are never anomalous", () => {
  const at = (options = DEFAULT_METRIC_DETECTOR_OPTIONS) => {
    const d = new MetricDetector(options);
    const r = seededRandom(2);
    const flags: number[] = [];
    for (let i = 0; i < 5000; i++) if (d.update(50 + r()).flagged) flags.push(i);
    return { d, flags };
  };
  assert.deepEqual(at({ ...DEFAULT_METRIC_DETECTOR_OPTIONS, minRelDeviation: 0 }).flags, [
    50,
    491,
    765,
    1781,
    3129,
  ]);
  const { d, flags } = at();
  // Only the extreme 51.0 (1.05 % above the rolling mean 50.47) is outside the band.
  assert.deepEqual(flags, [3129]);
  // Beyond the band the stack judges as before.
  const spike = d.update(56);
  assert.equal(spike.flagged, true);
  assert.equal(spike.detector, "sigma");
});

Deno.test("MetricDetector settle: no flags during the grace period, then judged again", () => {
  const d = new MetricDetector();
  noisy(d, 500);
  d.settle(300);
  assert.equal(d.grace, 300);
  d.settle(3);
  assert.equal(d.grace, 300, "a shorter grace does not cut the one under way");
  const during = Array.from({ length: 300 }, () => d.update(0));
  assert.deepEqual(during.filter((r) => r.flagged || r.score !== 0 || r.continuing), []);
  assert.equal(during[0].detector, "sigma", "the explanation still names the step");
  assert.equal(d.grace, 0);
  // The flatline that began in the grace period is expected: a stopped machine reads 0.
  for (let i = 0; i < 200; i++) assert.equal(d.update(0).flagged, false, `flatline at ${i}`);
  assert.throws(() => d.settle(-1), /points must be a non-negative integer: current value is -1/);
  assert.throws(() => d.settle(1.5), /current value is 1.5/);
});

Deno.test("MetricDetector settle: the value moving again ends the flatline exemption", () => {
  const d = new MetricDetector({ ...DEFAULT_METRIC_DETECTOR_OPTIONS, minRelDeviation: 0 });
  noisy(d, 500);
  d.settle(2);
  for (let i = 0; i < 100; i++) d.update(0);
  noisy(d, 300, 3);
  let flaggedAt = -1;
  for (let i = 0; i < 200 && flaggedAt < 0; i++) if (d.update(50.5).flagged) flaggedAt = i;
  assert.ok(flaggedAt >= 29 && flaggedAt < 60, `stuck flagged at ${flaggedAt}`);
  assert.equal(d.update(50.5).detector, "flatline");
});

Deno.test("MetricDetector snapshot keeps the grace period exactly", () => {
  const d = new MetricDetector();
  noisy(d, 400);
  d.settle(10);
  for (let i = 0; i < 4; i++) d.update(0);
  const copy = MetricDetector.restore(JSON.parse(JSON.stringify(d.snapshot())));
  assert.equal(copy.grace, 6);
  assert.deepEqual(copy.snapshot(), d.snapshot());
  for (let i = 0; i < 100; i++) assert.deepEqual(copy.update(i % 7), d.update(i % 7));
  // Older snapshots have no grace fields.
  const { grace: _g, flatExempt: _f, ...old } = d.snapshot();
  assert.equal(MetricDetector.restore(old).grace, 0);
});

Deno.test("MetricDetector keeps a rolling-σ baseline per operating mode", () => {
  // Running at 50 ± 0.5, stopped at 5 ± 0.5: one window over both would have σ ≈ 20.
  const running = (d: MetricDetector, n: number, seed: number) => noisy(d, n, seed);
  const stopped = (d: MetricDetector, n: number, seed: number) => {
    const r = seededRandom(seed);
    for (let i = 0; i < n; i++) d.update(5 + r());
  };
  const spikeAfterRestart = (perMode: boolean) => {
    // Without the contextual novelty, which flags a level never seen whatever the baseline.
    const d = new MetricDetector({ ...DEFAULT_METRIC_DETECTOR_OPTIONS, contextWeight: 0 });
    running(d, 300, 1);
    if (perMode) d.enterMode("running=0", "running=1");
    stopped(d, 150, 2);
    if (perMode) d.enterMode("running=1", "running=0");
    running(d, 100, 3);
    // +3 is 10σ of the running noise but well inside a window mixing both modes.
    return d.update(53);
  };
  assert.equal(spikeAfterRestart(false).flagged, false, "one mixed window misses it");
  const judged = spikeAfterRestart(true);
  assert.equal(judged.flagged, true, "the running baseline, taken up again, flags it");
  assert.equal(judged.detector, "sigma");
  assert.ok(judged.expected.high < 52, JSON.stringify(judged.expected));
});

Deno.test("MetricDetector snapshot keeps the current mode and the parked baselines", () => {
  const d = new MetricDetector();
  noisy(d, 300, 1);
  d.enterMode("running=0", "running=1");
  for (let i = 0; i < 50; i++) d.update(5 + (i % 3) / 10);
  const copy = MetricDetector.restore(JSON.parse(JSON.stringify(d.snapshot())));
  assert.equal(copy.mode, "running=0");
  copy.enterMode("running=1", "running=0");
  d.enterMode("running=1", "running=0");
  for (let i = 0; i < 50; i++) {
    assert.deepEqual(copy.update(50 + (i % 5) / 10), d.update(50 + (i % 5) / 10));
  }
  // At most three other modes are kept besides the current one.
  for (let m = 0; m < 6; m++) d.enterMode(`mode=${m}`, "");
  assert.deepEqual(Object.keys(d.snapshot().parked ?? {}), ["mode=2", "mode=3", "mode=4"]);
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

Deno.test("MetricDetector scores and flags alike whether it explains every point or flags only", () => {
  const all = new MetricDetector();
  const lazy = new MetricDetector();
  const r = seededRandom(5);
  let flags = 0;
  let madExplained = 0;
  for (let i = 0; i < 6_000; i++) {
    // Noise with level shifts, spikes and a stuck stretch: every detector gets a say.
    const value = i > 4_000 && i < 4_100
      ? 61.25
      : 50 + (i > 2_000 ? 4 : 0) + r() + (i % 487 === 0 ? 15 * r() : 0);
    const a = all.update(value, i * 1_000);
    const b = lazy.update(value, i * 1_000, false);
    assert.equal(b.score, a.score, `score at ${i}`);
    assert.equal(b.flagged, a.flagged, `flag at ${i}`);
    assert.equal(b.continuing, a.continuing, `continuing at ${i}`);
    if (!a.flagged) continue;
    flags++;
    // The lazy MAD is fresh where the eager one may be a few points old: same detector named.
    assert.equal(b.detector, a.detector, `detector at ${i}`);
    if (a.detector === "mad") madExplained++;
    else assert.deepEqual(b.expected, a.expected, `expected band at ${i}`);
  }
  assert.ok(flags >= 5, `${flags} flags`);
  // Restored from a snapshot taken mid-run, the lazy one goes on alike.
  const copy = MetricDetector.restore(JSON.parse(JSON.stringify(lazy.snapshot())));
  assert.deepEqual(copy.update(70, 6_000_000, false), lazy.update(70, 6_000_000, false));
  assert.ok(madExplained >= 1, "some flags are the MAD's to explain: the lazy score is exercised");
});

Deno.test("MetricDetector.judge gives update's verdict in one object of its own; update's results are kept", () => {
  const viaUpdate = new MetricDetector();
  const viaJudge = new MetricDetector();
  const r = seededRandom(9);
  const kept = [];
  let first;
  for (let i = 0; i < 1_500; i++) {
    const value = 50 + r() + (i % 300 === 299 ? 12 : 0);
    const a = viaUpdate.update(value, i * 1_000);
    const b = viaJudge.judge(value, i * 1_000);
    assert.deepEqual({ ...b, expected: { ...b.expected } }, a, `verdict at ${i}`);
    first ??= b;
    assert.equal(b, first, "judge refills one object");
    if (a.flagged) kept.push({ result: a, copy: structuredClone(a) });
  }
  assert.ok(kept.length >= 3, `${kept.length} flags`);
  for (const { result, copy } of kept) {
    assert.deepEqual(result, copy, "update's results stay as given");
  }
});
