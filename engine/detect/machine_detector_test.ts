import assert from "node:assert/strict";
import { MachineDetector } from "./machine_detector.ts";
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
