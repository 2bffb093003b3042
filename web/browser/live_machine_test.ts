import assert from "node:assert/strict";
import { ANOMALY_LIST_SIZE, LiveMachine, type MachineSeed } from "./live_machine.ts";

const seed: MachineSeed = {
  factory: "f1",
  machine: "m1",
  status: "normal",
  lastSeen: 1_000,
  metrics: ["t"],
  latest: { t: { ts: 1_000, value: 1, anomalous: false } },
  anomaliesLastHour: 0,
  series: { t: { ts: [500, 1_000], values: [0.5, 1] } },
};

function anomaly(ts: number, metric = "t") {
  return {
    type: "anomaly" as const,
    factory: "f1",
    machine: "m1",
    ts,
    metric,
    value: 9,
    reason: "above_threshold" as const,
    score: 0,
    expected: { low: 0, high: 5 },
  };
}

Deno.test("LiveMachine updates latest values and chart points from telemetry", () => {
  const live = new LiveMachine(seed, 60_000);
  const changed: string[] = [];
  live.onSeriesChange((metric) => changed.push(metric));
  live.apply({
    type: "telemetry",
    factory: "f1",
    machine: "m1",
    ts: 2_000,
    values: { t: 7, p: 3 },
    anomalous: ["t"],
  });
  assert.deepEqual(live.latest("t").value, { ts: 2_000, value: 7, anomalous: true });
  assert.deepEqual(live.metrics.value, ["t", "p"]);
  assert.deepEqual(live.series("t").columns(), [[500, 1_000, 2_000], [0.5, 1, 7], [null, null, 7]]);
  assert.deepEqual(changed, ["t", "p"]);
  assert.equal(live.lastSeen.value, 2_000);
});

Deno.test("LiveMachine ignores other machines", () => {
  const live = new LiveMachine(seed, 60_000);
  live.apply({
    type: "telemetry",
    factory: "f1",
    machine: "m2",
    ts: 2_000,
    values: { t: 7 },
    anomalous: [],
  });
  assert.equal(live.latest("t").value?.value, 1);
});

Deno.test("LiveMachine keeps the newest value when telemetry arrives out of order", () => {
  const live = new LiveMachine(seed, 60_000);
  live.apply({
    type: "telemetry",
    factory: "f1",
    machine: "m1",
    ts: 900,
    values: { t: 4 },
    anomalous: [],
  });
  assert.equal(live.latest("t").value?.value, 1);
  assert.deepEqual(live.series("t").columns()[0], [500, 900, 1_000]);
});

Deno.test("LiveMachine lists anomalies newest first and marks their points", () => {
  const live = new LiveMachine(seed, 60_000);
  live.apply(anomaly(1_000));
  assert.equal(live.latest("t").value?.anomalous, true);
  assert.equal(live.series("t").flaggedCount, 1);
  for (let i = 0; i < ANOMALY_LIST_SIZE + 3; i++) live.apply(anomaly(10_000 + i));
  assert.equal(live.anomalies.value.length, ANOMALY_LIST_SIZE);
  assert.equal(live.anomalies.value[0].ts, 10_000 + ANOMALY_LIST_SIZE + 2);
});

Deno.test("LiveMachine marks a point whose anomaly arrived before its telemetry", () => {
  const live = new LiveMachine(seed, 60_000);
  live.apply(anomaly(3_000));
  assert.equal(live.series("t").flaggedCount, 0);
  live.apply({
    type: "telemetry",
    factory: "f1",
    machine: "m1",
    ts: 3_000,
    values: { t: 9 },
    anomalous: [],
  });
  assert.equal(live.series("t").flaggedCount, 1);
  assert.equal(live.latest("t").value?.anomalous, true);
});

Deno.test("LiveMachine follows status events", () => {
  const live = new LiveMachine(seed, 60_000);
  live.apply({
    type: "status",
    factory: "f1",
    machine: "m1",
    ts: 2,
    status: "quarantined",
    previous: "normal",
    reason: "5 restarts in 60 s",
  });
  assert.equal(live.status.value, "quarantined");
  assert.equal(live.statusReason.value, "5 restarts in 60 s");
});

Deno.test("LiveMachine keeps only the window's chart points, drawn or not", () => {
  const live = new LiveMachine(seed, 60_000);
  for (let ts = 2_000; ts <= 200_000; ts += 1_000) {
    live.apply({
      type: "telemetry",
      factory: "f1",
      machine: "m1",
      ts,
      values: { t: 1 },
      anomalous: [],
    });
  }
  const [times] = live.series("t").columns();
  assert.equal(times[0], 140_000);
  assert.equal(times.length, 61);
});
