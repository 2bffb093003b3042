import assert from "node:assert/strict";
import { averagePathLength, IsolationForest } from "./isolation_forest.ts";
import { seededRandom } from "./prng.ts";

function normalRows(n: number, seed: number): number[][] {
  const r = seededRandom(seed);
  // Two correlated metrics (temperature follows load) plus an independent one.
  return Array.from({ length: n }, () => {
    const load = r();
    return [60 + 20 * load + r(), 1000 + 400 * load + 5 * r(), 2 + 0.1 * r()];
  });
}

function trained(seed = 1): IsolationForest {
  const forest = new IsolationForest(normalRows(256, 9), { trees: 50, sampleSize: 64, seed });
  while (!forest.complete) forest.buildTree();
  return forest;
}

Deno.test("averagePathLength follows c(n) of the isolation forest paper", () => {
  assert.equal(averagePathLength(1), 0);
  assert.equal(averagePathLength(2), 1);
  assert.ok(Math.abs(averagePathLength(256) - 10.2448) < 1e-3);
});

Deno.test("IsolationForest scores a broken correlation high and names the metric", () => {
  const forest = trained();
  const ordinary = forest.score([70, 1200, 2.05]);
  // Hot at low load: each value is in range on its own, the combination is not.
  const odd = forest.score([80, 1000, 2.05]);
  assert.ok(ordinary.score < 0.55, `ordinary ${ordinary.score}`);
  assert.ok(odd.score > ordinary.score + 0.05, `odd ${odd.score}`);
  assert.ok(odd.topFeature === 0 || odd.topFeature === 1);
  const vibration = forest.score([70, 1200, 9]);
  assert.equal(vibration.topFeature, 2);
});

Deno.test("IsolationForest is deterministic for a seed and built one tree per call", () => {
  const a = trained(5);
  const b = trained(5);
  assert.equal(a.score([75, 1100, 2.01]).score, b.score([75, 1100, 2.01]).score);
  const partial = new IsolationForest(normalRows(100, 1), { trees: 3, sampleSize: 32, seed: 1 });
  partial.buildTree();
  assert.equal(partial.complete, false);
  partial.buildTree();
  partial.buildTree();
  assert.equal(partial.complete, true);
});

Deno.test("IsolationForest refuses fewer than two rows", () => {
  assert.throws(
    () => new IsolationForest([[1]], { trees: 1, sampleSize: 8, seed: 1 }),
    /needs ≥ 2 rows/,
  );
});
