import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { EngineEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { EngineMetrics } from "../metrics.ts";
import { EventLog } from "./event_log.ts";

const H = 3_600_000;
const DAY = 24 * H;
const T0 = 20_000 * DAY;

function setup(options: { batchSize?: number; retentionMs?: number | null } = {}) {
  const clock = new FakeClock(T0);
  const bus = new EventBus();
  const metrics = new EngineMetrics();
  const db = openMetadataDb(":memory:");
  const log = new EventLog(db, bus, { clock, metrics, flushEveryMs: 1_000, ...options });
  const rows = () => (db.prepare("SELECT count(*) AS n FROM event_log").get() as { n: number }).n;
  return { clock, bus, metrics, db, log, rows };
}

const status = (
  machine: string,
  ts: number,
  to: "normal" | "anomalous" | "stale" | "quarantined",
): EngineEvent => ({
  type: "status",
  factory: "f",
  machine,
  ts,
  status: to,
  previous: null,
  reason: "test",
});

const anomaly = (machine: string, ts: number): EngineEvent => ({
  type: "anomaly",
  factory: "f",
  machine,
  ts,
  metric: "temp",
  value: 99,
  reason: "above_threshold",
  score: 4,
  expected: { low: 0, high: 80 },
});

Deno.test("EventLog writes status changes and anomalies in batches, not telemetry", async () => {
  const { clock, bus, metrics, log, rows } = setup({ batchSize: 3 });
  bus.publish(status("a", T0, "anomalous"));
  bus.publish(anomaly("a", T0));
  bus.publish({
    type: "telemetry",
    factory: "f",
    machine: "a",
    ts: T0,
    values: { t: 1 },
    anomalous: [],
  });
  assert.equal(rows(), 0, "buffered until the batch fills or the timer fires");
  assert.equal(log.pending, 2);
  clock.tick(1_000);
  assert.equal(rows(), 2);
  bus.publish(anomaly("a", T0 + 1));
  bus.publish(anomaly("a", T0 + 2));
  bus.publish(anomaly("a", T0 + 3));
  assert.equal(rows(), 5, "a full batch is written at once");
  assert.equal(await metrics.value(metrics.eventLogWritten), 5);
  log.close();
});

Deno.test("EventLog trends count machines by worst status and anomalies per hour, including buffered events", () => {
  const { bus, log } = setup();
  bus.publish(status("a", T0 - 2 * H, "stale")); // before the range: a starts stale
  bus.publish(status("a", T0 + 0.5 * H, "normal"));
  bus.publish(status("b", T0 + 0.25 * H, "anomalous"));
  bus.publish(status("b", T0 + 1.75 * H, "normal"));
  bus.publish(anomaly("b", T0 + 0.3 * H));
  bus.publish(anomaly("b", T0 + 1.2 * H));
  bus.publish(anomaly("b", T0 + 1.3 * H));
  const trend = log.trend({
    factory: "f",
    from: T0 + 10 * 60_000,
    to: T0 + 2.5 * H,
    every: H,
    machines: new Map([["a", T0 - DAY], ["b", T0 - DAY], ["c", T0 + 2 * H]]),
  });
  assert.deepEqual(trend, [
    {
      ts: T0,
      machines: { normal: 0, stale: 1, anomalous: 1, quarantined: 0 },
      anomalies: 1,
    },
    {
      ts: T0 + H,
      machines: { normal: 1, stale: 0, anomalous: 1, quarantined: 0 },
      anomalies: 2,
    },
    {
      ts: T0 + 2 * H,
      machines: { normal: 3, stale: 0, anomalous: 0, quarantined: 0 },
      anomalies: 0,
    },
  ]);
  log.close();
});

Deno.test("EventLog logs a release from quarantine as a return to normal", () => {
  const { bus, log } = setup();
  bus.publish(status("a", T0, "quarantined"));
  bus.publish({
    type: "supervision",
    factory: "f",
    machine: "a",
    ts: T0 + 1.5 * H,
    decision: "restore",
    reason: "released",
  });
  bus.publish({
    type: "supervision",
    factory: "f",
    machine: "b",
    ts: T0 + 1.5 * H,
    decision: "restore",
    reason: "passivated",
  });
  const trend = log.trend({ factory: "f", from: T0, to: T0 + 2 * H, every: H });
  assert.deepEqual(trend.map((b) => [b.machines.quarantined, b.machines.normal]), [
    [1, 0],
    [1, 0],
    [0, 1],
  ]);
  log.close();
});

Deno.test("EventLog retention deletes old events in chunks but keeps each machine's newest status", () => {
  const { clock, bus, log, db, rows } = setup({ retentionMs: DAY });
  bus.publish(status("a", T0, "quarantined"));
  bus.publish(status("b", T0, "anomalous"));
  bus.publish(status("b", T0 + H, "normal"));
  for (let i = 0; i < 7; i++) bus.publish(anomaly("b", T0 + i));
  log.flush();
  clock.tick(2 * DAY);
  bus.publish(anomaly("b", clock.now()));
  log.flush();
  assert.equal(rows(), 11);
  assert.deepEqual(log.prune(clock.now(), 5), { deleted: { events: 5 }, done: false });
  assert.deepEqual(log.prune(clock.now(), 5), { deleted: { events: 3 }, done: true });
  const left = db.prepare("SELECT machine, type, status FROM event_log ORDER BY id").all()
    .map((r) => `${r.machine} ${r.type} ${r.status ?? ""}`.trim());
  assert.deepEqual(left, ["a status quarantined", "b status normal", "b anomaly"]);
  const [bucket] = log.trend({ factory: "f", from: clock.now(), to: clock.now(), every: H });
  assert.equal(bucket.machines.quarantined, 1, "a is still quarantined after retention");
  log.close();
});

Deno.test("EventLog picks up the last status of each machine after a restart", () => {
  const { bus, log, db, clock } = setup();
  bus.publish(status("a", T0, "quarantined"));
  log.close();
  const bus2 = new EventBus();
  const again = new EventLog(db, bus2, { clock });
  bus2.publish({
    type: "supervision",
    factory: "f",
    machine: "a",
    ts: T0 + H,
    decision: "restore",
    reason: "released",
  });
  const trend = again.trend({ factory: "f", from: T0, to: T0 + 2 * H, every: H });
  assert.deepEqual(trend.map((b) => [b.machines.quarantined, b.machines.normal]), [
    [1, 0],
    [1, 0],
    [0, 1],
  ]);
  again.close();
});

Deno.test("EventLog machineEvents returns one machine's status at the start, changes and anomalies", () => {
  const { bus, log } = setup();
  bus.publish(status("a", T0 - H, "anomalous"));
  bus.publish(status("a", T0 - 1, "normal"));
  bus.publish(status("b", T0 + 5, "stale"));
  bus.publish(anomaly("a", T0 + 10));
  bus.publish(anomaly("b", T0 + 11));
  bus.publish(status("a", T0 + 20, "stale"));
  bus.publish(anomaly("a", T0 + 2 * H));
  const events = log.machineEvents({ factory: "f", machine: "a", from: T0, to: T0 + H });
  assert.deepEqual(events, {
    statusAtFrom: "normal",
    statuses: [{ ts: T0 + 20, status: "stale" }],
    anomalies: [{ ts: T0 + 10, metric: "temp" }],
  });
  assert.equal(
    log.machineEvents({ factory: "f", machine: "c", from: T0, to: T0 + H }).statusAtFrom,
    null,
  );
  log.close();
});
