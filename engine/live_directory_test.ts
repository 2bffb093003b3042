import assert from "node:assert/strict";
import { EventBus } from "./bus.ts";
import { FakeClock } from "./fake_clock.ts";
import { LiveDirectory } from "./live_directory.ts";
import { openMetadataDb } from "./metadata/metadata_db.ts";

const m = { factory: "demo", machine: "cnc-01" };

Deno.test("LiveDirectory follows telemetry, anomalies and status from the bus", () => {
  const clock = new FakeClock(10_000);
  const bus = new EventBus();
  const directory = new LiveDirectory(openMetadataDb(":memory:"), bus, { clock, recentValues: 2 });
  bus.publish({ type: "registered", ...m, ts: 9_000, metrics: [] });
  bus.publish({ type: "registered", ...m, ts: 9_000, metrics: ["rpm", "vib"] });
  for (const [ts, rpm] of [[9_000, 1], [9_500, 2], [10_000, 3]]) {
    bus.publish({
      type: "telemetry",
      ...m,
      ts,
      values: { rpm },
      anomalous: rpm === 3 ? ["rpm"] : [],
    });
  }
  bus.publish({
    type: "anomaly",
    ...m,
    ts: 10_000,
    metric: "rpm",
    value: 3,
    reason: "sigma",
    score: 4,
    expected: { low: 0, high: 2.5 },
  });
  bus.publish({
    type: "status",
    ...m,
    ts: 10_000,
    status: "anomalous",
    previous: "normal",
    reason: "x",
  });
  const view = directory.machine("demo", "cnc-01")!;
  assert.deepEqual(view.metrics, ["rpm", "vib"]);
  assert.deepEqual(view.latest.rpm, { ts: 10_000, value: 3, anomalous: true });
  assert.equal(view.status, "anomalous");
  assert.equal(view.anomaliesLastHour, 1);
  assert.equal(view.firstSeen, 9_000);
  assert.equal(view.lastSeen, 10_000);
  assert.deepEqual(directory.recent("demo", "cnc-01", "rpm"), [[9_500, 2], [10_000, 3]]);
  clock.tick(3_600_001);
  assert.equal(directory.machine("demo", "cnc-01")!.anomaliesLastHour, 0);
  directory.close();
});

Deno.test("LiveDirectory lists machines again after a restart", () => {
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(0);
  const bus = new EventBus();
  const first = new LiveDirectory(db, bus, { clock, persistEveryMs: 1000 });
  bus.publish({ type: "telemetry", ...m, ts: 5, values: { rpm: 7 }, anomalous: [] });
  bus.publish({
    type: "telemetry",
    factory: "demo",
    machine: "a-01",
    ts: 5,
    values: { x: 1 },
    anomalous: [],
  });
  clock.tick(1000);
  first.close();
  const second = new LiveDirectory(db, new EventBus(), { clock });
  assert.deepEqual(second.factories(), ["demo"]);
  assert.deepEqual(second.machines("demo").map((v) => v.machine), ["a-01", "cnc-01"]);
  assert.equal(second.machine("demo", "cnc-01")!.latest.rpm.value, 7);
  assert.equal(second.machine("demo", "nope"), undefined);
  second.close();
});

Deno.test("LiveDirectory names every machine of every factory for sweeps", () => {
  const bus = new EventBus();
  const directory = new LiveDirectory(openMetadataDb(":memory:"), bus, { clock: new FakeClock(0) });
  assert.deepEqual(directory.machineRefs(), []);
  for (const [factory, machine] of [["demo", "b"], ["other", "x"], ["demo", "a"]]) {
    bus.publish({ type: "telemetry", factory, machine, ts: 1, values: { v: 1 }, anomalous: [] });
  }
  const key = (r: { factory: string; machine: string }) => `${r.factory}/${r.machine}`;
  assert.deepEqual(directory.machineRefs().map(key).sort(), ["demo/a", "demo/b", "other/x"]);
  directory.close();
});

Deno.test("LiveDirectory hands out views that later telemetry does not change", () => {
  const bus = new EventBus();
  const directory = new LiveDirectory(openMetadataDb(":memory:"), bus, { clock: new FakeClock(0) });
  bus.publish({ type: "telemetry", ...m, ts: 1, values: { rpm: 1 }, anomalous: [] });
  const before = directory.machine("demo", "cnc-01")!;
  bus.publish({ type: "telemetry", ...m, ts: 2, values: { rpm: 2 }, anomalous: ["rpm"] });
  assert.deepEqual(before.latest.rpm, { ts: 1, value: 1, anomalous: false });
  assert.deepEqual(directory.machine("demo", "cnc-01")!.latest.rpm, {
    ts: 2,
    value: 2,
    anomalous: true,
  });
  directory.close();
});

Deno.test("LiveDirectory keeps the latest values of a ring that wrapped, and a metric named __proto__", () => {
  const clock = new FakeClock(0);
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const directory = new LiveDirectory(db, bus, { clock, recentValues: 3 });
  for (let i = 1; i <= 7; i++) {
    const values = JSON.parse(`{"rpm":${i},"__proto__":${10 * i}}`) as Record<string, number>;
    bus.publish({
      type: "telemetry",
      ...m,
      ts: i,
      values,
      anomalous: i === 7 ? ["__proto__"] : [],
    });
  }
  assert.deepEqual(directory.recent("demo", "cnc-01", "rpm"), [[5, 5], [6, 6], [7, 7]]);
  assert.deepEqual(directory.recent("demo", "cnc-01", "__proto__"), [[5, 50], [6, 60], [7, 70]]);
  const view = directory.machine("demo", "cnc-01")!;
  assert.deepEqual(view.metrics, ["rpm", "__proto__"]);
  assert.deepEqual(Object.getOwnPropertyDescriptor(view.latest, "__proto__")?.value, {
    ts: 7,
    value: 70,
    anomalous: true,
  });
  directory.close();
  // Persisted and read back: the own property survives.
  const again = new LiveDirectory(db, new EventBus(), { clock });
  assert.equal(
    Object.getOwnPropertyDescriptor(again.machine("demo", "cnc-01")!.latest, "__proto__")?.value
      .value,
    70,
  );
  again.close();
});

Deno.test("LiveDirectory writes changed views in slices, every one within the period", () => {
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(0);
  const bus = new EventBus();
  const directory = new LiveDirectory(db, bus, { clock, persistEveryMs: 1000 });
  for (let i = 0; i < 10; i++) {
    const machine = `m-${i}`;
    bus.publish({
      type: "telemetry",
      factory: "f",
      machine,
      ts: 1,
      values: { v: i },
      anomalous: [],
    });
  }
  const stored = () => (db.prepare("SELECT count(*) AS n FROM machines").get() as { n: number }).n;
  assert.equal(stored(), 0);
  clock.tick(200);
  assert.equal(stored(), 2, "a fifth of the fleet a tick");
  clock.tick(800);
  assert.equal(stored(), 10, "every view within the period");
  directory.close();
});
