import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import type { ClassifierTrainer } from "./classifier_trainer.ts";
import { inProcessTrainer } from "./classifier_trainer.ts";
import { TrainingRefusedError } from "./fault_classifier.ts";
import type { FaultClass, LabelKind } from "./label.ts";
import { LabelTable } from "./label_table.ts";
import { ModelTable } from "./model_table.ts";
import { TrainingQueue } from "./training_queue.ts";
import { testWindow } from "./_test_windows.ts";

const T0 = 1_800_000_000_000;

function setup(trainer: ClassifierTrainer = inProcessTrainer) {
  const clock = new FakeClock(T0);
  const db = openMetadataDb(":memory:");
  const labels = new LabelTable(db, clock);
  const models = new ModelTable(db, clock);
  const queue = new TrainingQueue(labels, models, {
    trainer,
    training: { folds: 3, trees: 30, minPerClass: 3 },
    onError: () => {},
  });
  const add = (label: LabelKind, n: number, faultClass?: FaultClass, type = "press") => {
    for (let i = 0; i < n; i++) {
      labels.add(
        {
          factory: "f1",
          machine: `${type}-0${i % 3}`,
          ts: T0 + i,
          label,
          ...(faultClass === undefined ? {} : { faultClass }),
          by: "ana",
        },
        type,
        testWindow(label === "fault" ? faultClass! : "normal", i * 7 + (faultClass?.length ?? 0)),
      );
    }
  };
  return { clock, db, labels, models, queue, add };
}

Deno.test("TrainingQueue answers with a queued version at once and trains it off the request", async () => {
  const { clock, db, models, queue, add } = setup();
  add("normal", 3);
  add("false_alarm", 2);
  add("fault", 5, "overheating");
  add("fault", 5, "sensor_fault", "cnc");
  const version = queue.request("f1", "press", "bo");
  assert.equal(version.version, 1);
  assert.equal(version.state, "queued");
  assert.equal(version.labelCount, 10, "only the press labels");
  assert.equal(queue.pending, 1);
  clock.tick(5_000);
  await queue.idle();
  const ready = models.version("f1", "press", 1)!;
  assert.equal(ready.state, "ready");
  assert.equal(ready.finishedAt, T0 + 5_000);
  assert.equal(ready.requestedBy, "bo");
  assert.deepEqual(ready.evaluation!.classes, ["normal", "overheating"]);
  assert.equal(ready.evaluation!.macroF1, 1);
  assert.deepEqual(ready.evaluation!.confusion, [[5, 0], [0, 5]]);
  assert.equal(ready.active, false);
  assert.equal(models.model("f1", "press", 1)!.kind, "random_forest");
  db.close();
});

Deno.test("TrainingQueue refuses too few labels per class before creating a version", () => {
  const { db, models, queue, add } = setup();
  add("normal", 4);
  add("fault", 2, "bearing");
  assert.throws(
    () => queue.request("f1", "press", "bo"),
    (error: Error) =>
      error instanceof TrainingRefusedError && /'bearing' has 2/.test(error.message),
  );
  assert.deepEqual(models.versions("f1", "press"), []);
  db.close();
});

Deno.test("a failing trainer leaves a failed version with the reason", async () => {
  const { db, models, queue, add } = setup(() => Promise.reject(new Error("worker died")));
  add("normal", 3);
  add("fault", 3, "bearing");
  queue.request("f1", "press", "bo");
  await queue.idle();
  const failed = models.version("f1", "press", 1)!;
  assert.equal(failed.state, "failed");
  assert.equal(failed.error, "worker died");
  assert.throws(() => models.activate("f1", "press", 1, "bo"), /it is failed \(worker died\)/);
  db.close();
});

Deno.test("ModelTable activates a version and rolls back to an older one, audited", async () => {
  const { clock, db, models, queue, add } = setup();
  add("normal", 3);
  add("fault", 3, "bearing");
  queue.request("f1", "press", "bo");
  queue.request("f1", "press", "cy");
  await queue.idle();
  assert.equal(models.activeVersion("f1", "press"), null);
  models.activate("f1", "press", 2, "ana");
  clock.tick(60_000);
  const rollback = models.activate("f1", "press", 1, "bo");
  assert.deepEqual(rollback, { version: 1, previous: 2, by: "bo", at: T0 + 60_000 });
  assert.equal(models.activeVersion("f1", "press"), 1);
  assert.deepEqual(models.versions("f1", "press").map((v) => [v.version, v.active]), [
    [2, false],
    [1, true],
  ]);
  assert.deepEqual(
    models.summary("f1").map((s) => [s.machineType, s.activeVersion, s.versionCount]),
    [
      ["press", 1, 2],
    ],
  );
  assert.deepEqual(models.activations("f1", "press").map((a) => [a.version, a.previous, a.by]), [
    [1, 2, "bo"],
    [2, null, "ana"],
  ]);
  assert.throws(() => models.activate("f1", "press", 9, "bo"), /has no model version 9/);
  db.close();
});

Deno.test("ModelTable fails versions a stopped engine left queued or training", () => {
  const { db, models } = setup();
  models.create("f1", "press", "bo", 10);
  models.markTraining("f1", "press", models.create("f1", "press", "bo", 10).version);
  assert.equal(models.failInterrupted(), 2);
  assert.match(models.version("f1", "press", 2)!.error!, /^interrupted/);
  db.close();
});
