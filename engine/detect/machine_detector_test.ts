import assert from "node:assert/strict";
import { DEFAULT_MACHINE_DETECTOR_OPTIONS, MachineDetector } from "./machine_detector.ts";
import { packFloats, unpackFloats } from "./packed.ts";
import { seededRandom } from "./prng.ts";

function feed(d: MachineDetector, n: number, seed = 1): void {
  const r = seededRandom(seed);
  for (let i = 0; i < n; i++) {
    const load = r();
    const row = { temp: 60 + 20 * load + r(), rpm: 1000 + 400 * load + 5 * r() };
    let normal = true;
    for (const m in row) {
      if (d.metric(m).update(row[m as keyof typeof row]).flagged) normal = false;
    }
    d.observeRow(row, normal);
  }
}

Deno.test("MachineDetector trains its forest in slices and scores broken correlations", () => {
  const d = new MachineDetector();
  feed(d, 100);
  assert.equal(d.generation, 0, "32 sampled rows are needed before the first forest");
  feed(d, 200, 2);
  assert.equal(d.generation, 1);
  const ordinary = d.observeRow({ temp: 70, rpm: 1200 }, true)!;
  const odd = d.observeRow({ temp: 80, rpm: 1000 }, false)!;
  assert.ok(ordinary.score < odd.score, `${ordinary.score} vs ${odd.score}`);
  assert.ok(odd.score > 0.55, `odd ${odd.score}`);
  assert.equal(d.observeRow({ temp: 70, rpm: 1200 }, true, false), null, "not scored");
});

Deno.test("MachineDetector retrains in the background every retrainEvery rows", () => {
  const d = new MachineDetector();
  feed(d, 300);
  const first = d.generation;
  feed(d, 1100, 5);
  assert.equal(d.generation, first + 1);
});

Deno.test("MachineDetector's phase delays its second forest by phase × retrainEvery rows", () => {
  const options = { ...DEFAULT_MACHINE_DETECTOR_OPTIONS, retrainEvery: 400 };
  const rowsToSecondForest = (phase: number) => {
    const d = new MachineDetector(options, undefined, phase);
    let rows = 0;
    while (d.generation < 1) feed(d, 1, ++rows);
    const first = rows;
    while (d.generation < 2) feed(d, 1, ++rows);
    return rows - first;
  };
  const inPhase = rowsToSecondForest(0);
  assert.equal(rowsToSecondForest(0.5) - inPhase, 200);
  assert.equal(rowsToSecondForest(0.25) - inPhase, 100);
  assert.throws(() => new MachineDetector(options, undefined, 1), RangeError);
});

Deno.test("MachineDetector's phase delays its first forest by up to 32 kept rows", () => {
  // Every 4th normal row is kept for training, so 32 kept rows are 128 observed.
  const rowsToFirstForest = (phase: number) => {
    const d = new MachineDetector(DEFAULT_MACHINE_DETECTOR_OPTIONS, undefined, phase);
    let rows = 0;
    while (d.generation < 1) feed(d, 1, ++rows);
    return rows;
  };
  const inPhase = rowsToFirstForest(0);
  assert.equal(rowsToFirstForest(0.5) - inPhase, 64);
  assert.equal(rowsToFirstForest(0.99) - inPhase, 124);
});

Deno.test("MachineDetector restored from a JSON snapshot scores the same", () => {
  const d = new MachineDetector();
  feed(d, 600);
  const copy = new MachineDetector(undefined, JSON.parse(JSON.stringify(d.snapshot())));
  assert.deepEqual(
    copy.observeRow({ temp: 85, rpm: 1010 }, false),
    d.observeRow({ temp: 85, rpm: 1010 }, false),
  );
  assert.deepEqual(copy.metric("temp").update(90), d.metric("temp").update(90));
});

Deno.test("MachineDetector's forest part of the snapshot stays under 8 KB after a long run", () => {
  const d = new MachineDetector();
  const metrics = ["temp", "rpm", "vibration", "power"];
  for (let i = 0; i < 20_000; i++) {
    const row: Record<string, number> = {};
    for (const m of metrics) row[m] = 50 + 10 * Math.sin(i / 97 + m.length) + (i % 13) / 13;
    d.observeRow(row, true, false);
  }
  const { metrics: _, ...forestPart } = d.snapshot();
  const size = JSON.stringify(forestPart).length;
  assert.ok(size <= 8_000, `${size} bytes`);
  assert.ok(d.generation >= 19, `generation ${d.generation}`);
});

Deno.test("MachineDetector restores an older snapshot with rows as arrays", () => {
  const d = new MachineDetector();
  feed(d, 600);
  // deno-lint-ignore no-explicit-any
  const state = JSON.parse(JSON.stringify(d.snapshot())) as any;
  const rows = (packed: string) => {
    const flat = unpackFloats(packed, Float32Array);
    return Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i], flat[2 * i + 1]]);
  };
  const legacy = {
    ...state,
    rows: rows(state.rows),
    forest: { ...state.forest, rows: rows(state.forest.rows) },
  };
  const copy = new MachineDetector(undefined, legacy);
  assert.deepEqual(
    copy.observeRow({ temp: 85, rpm: 1010 }, false),
    d.observeRow({ temp: 85, rpm: 1010 }, false),
  );
  assert.throws(
    () => new MachineDetector(undefined, { ...state, rows: packFloats(new Float32Array(3)) }),
    /3 row values do not fit 2 columns/,
  );
});

Deno.test("MachineDetector.observeMode moves every metric to the new mode's baseline", () => {
  const d = new MachineDetector();
  d.metric("rpm").update(1500);
  for (let i = 0; i < 40; i++) d.observeMode("running", 1);
  assert.equal(d.metric("rpm").mode, undefined, "no change seen yet");
  assert.equal(d.observeMode("running", 0), true);
  assert.equal(d.metric("rpm").mode, "running=0");
  assert.deepEqual(Object.keys(d.metric("rpm").snapshot().parked ?? {}), ["running=1"]);
});

Deno.test("MachineDetector.observeMode settles the metric detectors on a mode change only", () => {
  const d = new MachineDetector();
  d.metric("rpm").update(1500);
  d.metric("load").update(55);
  assert.equal(d.observeMode("running", 1), false, "the first value is no change");
  for (let i = 0; i < 28; i++) assert.equal(d.observeMode("running", 1), false);
  // Held 29 points: a toggle (e.g. a heater's switch) is no mode change.
  assert.equal(d.observeMode("running", 0), false);
  assert.equal(d.metric("rpm").grace, 0);
  for (let i = 0; i < 29; i++) d.observeMode("running", 0);
  assert.equal(d.observeMode("running", 1), true, "held 30 points, then flipped");
  assert.equal(d.metric("rpm").grace, 60);
  assert.equal(d.metric("load").grace, 60);
  const off = new MachineDetector({ ...DEFAULT_MACHINE_DETECTOR_OPTIONS, modes: undefined });
  off.metric("rpm").update(1500);
  for (let i = 0; i < 40; i++) off.observeMode("running", 1);
  assert.equal(off.observeMode("running", 0), false);
  assert.equal(off.metric("rpm").grace, 0);
});

Deno.test("MachineDetector snapshot keeps the two-state metrics' runs", () => {
  const d = new MachineDetector();
  d.metric("rpm").update(1500);
  for (let i = 0; i < 100; i++) d.observeMode("running", 1);
  const json = JSON.parse(JSON.stringify(d.snapshot()));
  assert.deepEqual(json.modes, { running: [1, 30] });
  const copy = new MachineDetector(DEFAULT_MACHINE_DETECTOR_OPTIONS, json);
  assert.deepEqual(copy.snapshot(), d.snapshot());
  assert.equal(copy.observeMode("running", 0), true);
  // A snapshot from before operating modes: the run starts afresh.
  const { modes: _m, ...old } = d.snapshot();
  assert.equal(
    new MachineDetector(DEFAULT_MACHINE_DETECTOR_OPTIONS, old).observeMode("running", 0),
    false,
  );
});
