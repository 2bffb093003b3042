import assert from "node:assert/strict";
import type { TrainingClass } from "../../../engine/learning/mod.ts";
import { testPoints, testWindow } from "../../../engine/learning/_test_windows.ts";
import { learningFixture } from "./_learning_fixture.ts";
import { NOW } from "./_route_fixture.ts";

function labelled(f: ReturnType<typeof learningFixture>, cls: TrainingClass, n: number) {
  for (let i = 0; i < n; i++) {
    f.learning.labels.add(
      {
        factory: "f1",
        machine: "press-01",
        ts: NOW - i * 60_000,
        label: cls === "normal" ? "normal" : "fault",
        ...(cls === "normal" ? {} : { faultClass: cls }),
        by: "ana",
      },
      "press",
      testWindow(cls, i * 13 + cls.length),
    );
  }
}

Deno.test("train answers 202 with a queued version; the version becomes ready with F1 and confusion", async () => {
  const f = learningFixture();
  labelled(f, "normal", 4);
  labelled(f, "overheating", 4);
  const train = await f.call("POST", "/factories/f1/models/press/train", { by: "bo" });
  assert.equal(train.status, 202);
  assert.equal(train.body.version, 1);
  assert.equal(train.body.state, "queued");
  assert.equal(train.body.labelCount, 8);
  await f.learning.training.idle();
  const poll = await f.call("GET", "/factories/f1/models/press/versions/1");
  assert.equal(poll.status, 200);
  assert.equal(poll.body.state, "ready");
  assert.equal(poll.body.requestedBy, "bo");
  assert.equal(poll.body.evaluation.macroF1, 1);
  assert.deepEqual(poll.body.evaluation.confusion, [[4, 0], [0, 4]]);
  const list = await f.call("GET", "/factories/f1/models");
  assert.deepEqual(
    list.body.types.map((t: { machineType: string; labelCount: number; versionCount: number }) => [
      t.machineType,
      t.labelCount,
      t.versionCount,
    ]),
    [["press", 8, 1]],
  );
  await f.close();
});

Deno.test("train refuses too few labels per class with 422 and the reason", async () => {
  const f = learningFixture();
  labelled(f, "normal", 4);
  labelled(f, "overheating", 1);
  const train = await f.call("POST", "/factories/f1/models/press/train", {});
  assert.equal(train.status, 422);
  assert.equal(
    train.body.error.message,
    "Cannot train: each class needs at least 3 labels; 'overheating' has 1. " +
      "Label more events of these classes, or delete their labels",
  );
  assert.equal(
    (await f.call("GET", "/factories/f1/models/press/versions")).body.versions.length,
    0,
  );
  await f.close();
});

Deno.test("activate and roll back; the prediction endpoint serves the active model's verdict", async () => {
  const f = learningFixture();
  f.seen("f1", "press-01");
  labelled(f, "normal", 4);
  labelled(f, "overheating", 4);
  await f.call("POST", "/factories/f1/models/press/train", {});
  await f.call("POST", "/factories/f1/models/press/train", {});
  await f.learning.training.idle();
  const before = await f.call("GET", "/factories/f1/machines/press-01/prediction");
  assert.deepEqual(before.body, {
    factory: "f1",
    machine: "press-01",
    machineType: "press",
    activeVersion: null,
    prediction: null,
  });
  const on = await f.call("POST", "/factories/f1/models/press/versions/2/activate", { by: "cy" });
  assert.equal(on.status, 200);
  assert.deepEqual(on.body.activation, { version: 2, previous: null, by: "cy", at: NOW });
  assert.equal(on.body.version.active, true);
  const back = await f.call("POST", "/factories/f1/models/press/versions/1/activate", {});
  assert.deepEqual([back.body.activation.version, back.body.activation.previous], [1, 2]);
  const versions = await f.call("GET", "/factories/f1/models/press/versions");
  assert.equal(versions.body.activeVersion, 1);
  assert.equal(versions.body.activations.length, 2);
  assert.equal(
    (await f.call("POST", "/factories/f1/models/press/versions/9/activate", {})).status,
    404,
  );

  await f.store.write(
    testPoints("overheating", 3, NOW - 600_000).map(([ts, value]) => ({
      factory: "f1",
      machine: "press-01",
      metric: "temp",
      ts,
      value,
    })),
  );
  await f.learning.predictor.predict(
    { factory: "f1", machine: "press-01" },
    NOW - 120_000,
    "periodic",
  );
  const after = await f.call("GET", "/factories/f1/machines/press-01/prediction");
  assert.equal(after.body.activeVersion, 1);
  assert.equal(after.body.prediction.class, "overheating");
  assert.equal(after.body.prediction.modelVersion, 1);
  assert.equal((await f.call("GET", "/factories/f1/machines/nope/prediction")).status, 404);
  await f.close();
});

Deno.test("activating a version that is not ready answers 409 with its state", async () => {
  const f = learningFixture();
  f.learning.models.create("f1", "press", "bo", 10);
  const answer = await f.call("POST", "/factories/f1/models/press/versions/1/activate", {});
  assert.equal(answer.status, 409);
  assert.equal(answer.body.error.message, "Cannot activate version 1 of 'press': it is queued");
  await f.close();
});
