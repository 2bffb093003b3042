import assert from "node:assert/strict";
import { effect } from "@preact/signals";
import { anomaliesInLastHour, LiveFactory, SPARK_POINTS, type TileState } from "./live_factory.ts";

function tile(machine: string, overrides: Partial<TileState> = {}): TileState {
  return {
    machine,
    status: "normal",
    lastSeen: 1_000,
    metrics: ["t"],
    latest: { t: { ts: 1_000, value: 1, anomalous: false } },
    spark: { t: [1] },
    anomaliesLastHour: 0,
    anomaliesAt: 1_000,
    anomalyTimes: [],
    ...overrides,
  };
}

Deno.test("LiveFactory updates only the tile a telemetry event is about", () => {
  const live = new LiveFactory("f1", [tile("b"), tile("a")]);
  assert.deepEqual(live.names.value, ["a", "b"]);
  let aRenders = 0;
  let bRenders = 0;
  const stopA = effect(() => void (live.tile("a").value, aRenders++));
  const stopB = effect(() => void (live.tile("b").value, bRenders++));
  live.apply({
    type: "telemetry",
    factory: "f1",
    machine: "b",
    ts: 2_000,
    values: { t: 5, p: 7 },
    anomalous: ["t"],
  });
  stopA();
  stopB();
  assert.equal(aRenders, 1);
  assert.equal(bRenders, 2);
  const b = live.tile("b").value;
  assert.deepEqual(b.latest.t, { ts: 2_000, value: 5, anomalous: true });
  assert.deepEqual(b.metrics, ["t", "p"]);
  assert.deepEqual(b.spark.t, [1, 5]);
  assert.equal(b.lastSeen, 2_000);
});

Deno.test("LiveFactory adds a tile for a machine that reports for the first time", () => {
  const live = new LiveFactory("f1", [tile("b")]);
  live.apply({ type: "registered", factory: "f1", machine: "a", ts: 5, metrics: [] });
  assert.deepEqual(live.names.value, ["a", "b"]);
  assert.equal(live.tile("a").value.lastSeen, 0);
  live.apply({
    type: "telemetry",
    factory: "f1",
    machine: "c",
    ts: 6,
    values: { x: 1 },
    anomalous: [],
  });
  assert.deepEqual(live.names.value, ["a", "b", "c"]);
  assert.equal(live.counts.value.normal, 3);
});

Deno.test("LiveFactory ignores events of other factories", () => {
  const live = new LiveFactory("f1", [tile("a")]);
  live.apply({
    type: "telemetry",
    factory: "f2",
    machine: "z",
    ts: 6,
    values: { x: 1 },
    anomalous: [],
  });
  assert.deepEqual(live.names.value, ["a"]);
});

Deno.test("LiveFactory counts machines by status as statuses change", () => {
  const live = new LiveFactory("f1", [tile("a"), tile("b", { status: "quarantined" })]);
  assert.deepEqual(live.counts.value, { normal: 1, anomalous: 0, stale: 0, quarantined: 1 });
  live.apply({
    type: "status",
    factory: "f1",
    machine: "a",
    ts: 2,
    status: "stale",
    previous: "normal",
    reason: "silent for 60 s",
  });
  live.apply({
    type: "supervision",
    factory: "f1",
    machine: "b",
    ts: 2,
    decision: "restore",
    reason: "",
  });
  assert.deepEqual(live.counts.value, { normal: 1, anomalous: 0, stale: 1, quarantined: 0 });
  assert.equal(live.tile("a").value.statusReason, "silent for 60 s");
});

Deno.test("LiveFactory keeps the last values of each sparkline", () => {
  const live = new LiveFactory("f1", [tile("a")]);
  for (let i = 0; i < SPARK_POINTS + 5; i++) {
    live.apply({
      type: "telemetry",
      factory: "f1",
      machine: "a",
      ts: 2_000 + i,
      values: { t: i },
      anomalous: [],
    });
  }
  const spark = live.tile("a").value.spark.t;
  assert.equal(spark.length, SPARK_POINTS);
  assert.equal(spark.at(-1), SPARK_POINTS + 4);
});

Deno.test("anomaliesInLastHour adds live anomalies to the server's count while it is fresh", () => {
  const live = new LiveFactory("f1", [tile("a", { anomaliesLastHour: 2, anomaliesAt: 0 })]);
  live.apply({
    type: "anomaly",
    factory: "f1",
    machine: "a",
    ts: 1_000,
    metric: "t",
    value: 9,
    reason: "sigma",
    score: 5,
    expected: { low: 0, high: 2 },
  });
  const state = live.tile("a").value;
  assert.equal(state.latest.t.anomalous, true);
  assert.equal(anomaliesInLastHour(state, 2_000), 3);
  assert.equal(anomaliesInLastHour(state, 3_600_500), 1);
  assert.equal(anomaliesInLastHour(state, 3_601_000), 0);
});
