import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { PredictionEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { machineTypeOf } from "../rules/rule_scope.ts";
import { SqliteStore } from "../store/sqlite_store.ts";
import { trainFaultClassifier } from "./fault_classifier.ts";
import { LivePredictor } from "./live_predictor.ts";
import { ModelTable } from "./model_table.ts";
import { testPoints, testWindow } from "./_test_windows.ts";

const NOW = 1_800_000_000_000;
const press = { factory: "f1", machine: "press-01" };
const cnc = { factory: "f1", machine: "cnc-01" };

async function setup() {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const bus = new EventBus();
  const store = new SqliteStore({ path: ":memory:" });
  const models = new ModelTable(db, clock);
  const examples = (["normal", "overheating", "sensor_fault"] as const).flatMap((cls) =>
    Array.from({ length: 6 }, (_, i) => ({ window: testWindow(cls, 50 + i), cls }))
  );
  const version = models.create("f1", "press", "ana", examples.length);
  models.finish("f1", "press", version.version, trainFaultClassifier(examples, { trees: 15 }));
  models.activate("f1", "press", version.version, "ana");
  await store.write(
    testPoints("overheating", 7, NOW - 600_000).map(([ts, value]) => ({
      ...press,
      metric: "temp",
      ts,
      value,
    })),
  );
  const events: PredictionEvent[] = [];
  bus.subscribe((event) => {
    if (event.type === "prediction") events.push(event);
  });
  const predictor = new LivePredictor(
    {
      store,
      bus,
      clock,
      models,
      typeOf: (ref) => machineTypeOf(ref.machine),
      machines: () => [press, cnc],
    },
    { intervalMs: 30_000, sweepMs: 1_000 },
  );
  return {
    clock,
    bus,
    events,
    predictor,
    async close() {
      await predictor.stop();
      await store.close();
      db.close();
    },
  };
}

Deno.test("LivePredictor predicts every interval for machines whose type has an active model", async () => {
  const { clock, events, predictor, close } = await setup();
  predictor.start();
  clock.tick(1_000); // first sweep: machines get their staggered due time
  assert.equal(events.length, 0);
  clock.tick(30_000);
  await predictor.settled();
  assert.equal(events.length, 1, "one prediction, for the press only");
  const [event] = events;
  assert.equal(event.machine, "press-01");
  assert.equal(event.machineType, "press");
  assert.equal(event.modelVersion, 1);
  assert.equal(event.class, "overheating");
  assert.equal(event.trigger, "periodic");
  assert.equal(event.top[0].class, "overheating");
  assert.equal(event.confidence, event.top[0].p);
  assert.deepEqual(predictor.latest(press), event);
  assert.equal(predictor.latest(cnc), undefined);
  clock.tick(30_000);
  await predictor.settled();
  assert.equal(events.length, 2, "again one interval later");
  await close();
});

Deno.test("LivePredictor predicts afterMs after an anomaly, once per burst", async () => {
  const { clock, bus, events, predictor, close } = await setup();
  predictor.start();
  const anomaly = {
    type: "anomaly" as const,
    ...press,
    ts: NOW - 120_000,
    metric: "temp",
    value: 80,
    reason: "sigma" as const,
    score: 4,
    expected: { low: 40, high: 60 },
  };
  bus.publish(anomaly);
  bus.publish({ ...anomaly, ts: NOW - 119_000 });
  clock.tick(0);
  await predictor.settled();
  const anomalyEvents = events.filter((e) => e.trigger === "anomaly");
  assert.equal(anomalyEvents.length, 1);
  assert.equal(anomalyEvents[0].ts, NOW, "window −10 min … +2 min around the anomaly");
  assert.equal(anomalyEvents[0].class, "overheating");
  await close();
});

Deno.test("LivePredictor does not predict for a type without an active model", async () => {
  const { events, predictor, close } = await setup();
  assert.equal(await predictor.predict(cnc, NOW, "periodic"), undefined);
  assert.equal(events.length, 0);
  await close();
});
