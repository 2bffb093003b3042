import assert from "node:assert/strict";
import { fitForest, forestProbabilities, seededRandom } from "./random_forest.ts";

Deno.test("fitForest learns a threshold and an XOR that one split cannot", () => {
  const x: number[][] = [];
  const y: number[] = [];
  const random = seededRandom(1);
  for (let i = 0; i < 200; i++) {
    const a = random();
    const b = random();
    x.push([a, b, random()]);
    y.push((a > 0.5) !== (b > 0.5) ? 1 : 0);
  }
  const forest = fitForest(x, y, 2, { trees: 30, featuresPerSplit: 2, seed: 3 });
  const right = [[0.2, 0.2, 0.5, 0], [0.8, 0.8, 0.5, 0], [0.2, 0.8, 0.5, 1], [0.8, 0.2, 0.5, 1]]
    .filter(([a, b, c, cls]) => {
      const p = forestProbabilities(forest, [a, b, c]);
      return (p[1] > 0.5 ? 1 : 0) === cls;
    });
  assert.equal(right.length, 4);
});

Deno.test("forestProbabilities averages the trees' leaf frequencies", () => {
  const forest = {
    classCount: 2,
    featureCount: 1,
    trees: [
      { f: 0, t: 5, l: { p: [1, 0] }, r: { p: [0.25, 0.75] } },
      { p: [0.5, 0.5] },
    ],
  };
  assert.deepEqual(forestProbabilities(forest, [1]), [0.75, 0.25]);
  assert.deepEqual(forestProbabilities(forest, [9]), [0.375, 0.625]);
});

Deno.test("fitForest is deterministic for a seed and refuses mismatched input", () => {
  const x = [[0], [1], [2], [3], [10], [11], [12], [13]];
  const y = [0, 0, 0, 0, 1, 1, 1, 1];
  assert.deepEqual(
    fitForest(x, y, 2, { trees: 4, seed: 9 }),
    fitForest(x, y, 2, { trees: 4, seed: 9 }),
  );
  assert.deepEqual(forestProbabilities(fitForest(x, y, 2, { trees: 9 }), [20]), [0, 1]);
  assert.throws(() => fitForest([], [], 2), /need as many classes as rows/);
  assert.throws(() => fitForest([[1]], [0, 1], 2), /rows 1, classes 2/);
});
