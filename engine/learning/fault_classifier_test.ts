import assert from "node:assert/strict";
import {
  checkTrainable,
  FaultModel,
  scoreConfusion,
  stratifiedFolds,
  trainFaultClassifier,
  type TrainingExample,
  TrainingRefusedError,
} from "./fault_classifier.ts";
import { metricFeatures } from "./feature_window.ts";
import type { TrainingClass } from "./label.ts";

function noise(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
}

function example(cls: TrainingClass, seed: number): TrainingExample {
  const r = noise(seed + 1);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < 60; i++) {
    const base = 50 + r();
    const value = cls === "overheating" ? base + i * 0.5 : cls === "sensor_fault" ? 50 : base;
    points.push([i * 10_000, value]);
  }
  return { window: { metrics: { temp: metricFeatures(points) } }, cls };
}

const examples: TrainingExample[] = (["normal", "overheating", "sensor_fault"] as const).flatMap(
  (cls, c) => Array.from({ length: 8 }, (_, i) => example(cls, c * 100 + i)),
);

Deno.test("trainFaultClassifier separates clearly different classes and reports a perfect CV", () => {
  const { model, evaluation } = trainFaultClassifier(examples, { folds: 4, trees: 15 });
  assert.deepEqual(evaluation.classes, ["normal", "overheating", "sensor_fault"]);
  assert.deepEqual(evaluation.confusion, [[8, 0, 0], [0, 8, 0], [0, 0, 8]]);
  assert.equal(evaluation.macroF1, 1);
  assert.equal(evaluation.folds, 4);
  assert.equal(evaluation.labelCount, 24);
  assert.equal(evaluation.features[0], "temp.count");
  const loaded = FaultModel.load(JSON.parse(JSON.stringify(model)));
  const hot = loaded.predict(example("overheating", 999).window);
  assert.equal(hot.class, "overheating");
  assert.equal(hot.top.length, 3);
  assert.equal(hot.top.reduce((sum, t) => sum + t.p, 0).toFixed(6), "1.000000");
  assert.equal(loaded.predict(example("sensor_fault", 998).window).class, "sensor_fault");
});

Deno.test("trainFaultClassifier is deterministic for a seed", () => {
  const a = trainFaultClassifier(examples, { folds: 3, trees: 5, seed: 7 });
  const b = trainFaultClassifier(examples, { folds: 3, trees: 5, seed: 7 });
  assert.deepEqual(a.evaluation, b.evaluation);
  assert.equal(JSON.stringify(a.model), JSON.stringify(b.model));
});

Deno.test("checkTrainable refuses too few labels per class and a single class, naming them", () => {
  const few = [...examples.slice(0, 8), example("overheating", 1), example("overheating", 2)];
  assert.throws(
    () => checkTrainable(few, 5),
    (error: Error) =>
      error instanceof TrainingRefusedError &&
      error.message === "Cannot train: each class needs at least 5 labels; 'overheating' has 2. " +
          "Label more events of these classes, or delete their labels",
  );
  assert.throws(() => checkTrainable(examples.slice(0, 8), 5), /only 'normal'/);
  assert.throws(() => checkTrainable([], 5), /name no class/);
});

Deno.test("scoreConfusion computes macro F1 from a confusion matrix", () => {
  const score = scoreConfusion(["a", "b"], [[2, 0], [1, 1]]);
  // a: p 2/3, r 1 → 0.8; b: p 1, r 0.5 → 2/3.
  assert.equal(score.perClass.a.f1.toFixed(6), "0.800000");
  assert.equal(score.perClass.b.f1.toFixed(6), "0.666667");
  assert.equal(score.macroF1.toFixed(6), "0.733333");
  assert.equal(score.accuracy, 0.75);
});

Deno.test("stratifiedFolds deals every class evenly over the folds", () => {
  const y = [0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
  const folds = stratifiedFolds(y, 2, 3);
  for (const cls of [0, 1]) {
    const members = folds.filter((_, i) => y[i] === cls);
    assert.equal(members.filter((f) => f === 0).length, members.length / 2);
  }
});

Deno.test("FaultModel.load refuses a model of another kind", () => {
  assert.throws(
    () => FaultModel.load({ kind: "svm" } as never),
    /expected kind 'random_forest', got 'svm'/,
  );
});
