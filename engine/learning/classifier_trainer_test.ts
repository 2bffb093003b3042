import assert from "node:assert/strict";
import { inProcessTrainer, workerTrainer } from "./classifier_trainer.ts";
import { type TrainingExample, TrainingRefusedError } from "./fault_classifier.ts";
import { testWindow } from "./_test_windows.ts";

const examples: TrainingExample[] = (["normal", "overheating"] as const).flatMap((cls) =>
  Array.from({ length: 4 }, (_, i) => ({ window: testWindow(cls, i), cls }))
);

Deno.test("workerTrainer trains in a Worker and gives the same model as in process", async () => {
  const options = { folds: 2, trees: 5, minPerClass: 2, seed: 3 };
  const inWorker = await workerTrainer(examples, options);
  const inProcess = await inProcessTrainer(examples, options);
  assert.deepEqual(inWorker.evaluation, inProcess.evaluation);
  assert.equal(JSON.stringify(inWorker.model), JSON.stringify(inProcess.model));
});

Deno.test("workerTrainer passes a refusal back as TrainingRefusedError", async () => {
  await assert.rejects(
    () => workerTrainer(examples.slice(0, 4), { minPerClass: 2 }),
    (error: Error) => error instanceof TrainingRefusedError && /only 'normal'/.test(error.message),
  );
});
