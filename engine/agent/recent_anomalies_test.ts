import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { AnomalyEvent } from "../events.ts";
import { combinedAnomalies, RecentAnomalies } from "./recent_anomalies.ts";
import type { AnomalyQuery } from "./tools.ts";

function anomaly(machine: string, ts: number): AnomalyEvent {
  return {
    type: "anomaly",
    factory: "demo",
    machine,
    ts,
    metric: "oil_temp",
    value: ts,
    reason: "sigma",
    score: 3,
    expected: { low: 0, high: 1 },
  };
}

Deno.test("RecentAnomalies keeps the newest per machine and forgets old machines", () => {
  const bus = new EventBus();
  const recent = new RecentAnomalies(bus, { perMachine: 2, machines: 2 });
  try {
    for (const ts of [1, 2, 3]) bus.publish(anomaly("a", ts));
    bus.publish(anomaly("b", 5));
    const q = (machine: string): AnomalyQuery => ({ factory: "demo", machine, from: 0, to: 100 });
    assert.deepEqual(recent.query(q("a")).map((r) => r.ts), [2, 3]);
    assert.deepEqual(recent.query(q("a"))[0], {
      machine: "a",
      ts: 2,
      metric: "oil_temp",
      value: 2,
      reason: "sigma",
      score: 3,
      expected: { low: 0, high: 1 },
    });
    bus.publish(anomaly("c", 6));
    assert.deepEqual(recent.query(q("a")), [], "a was flagged least recently");
    assert.deepEqual(recent.query(q("b")).map((r) => r.ts), [5]);
    assert.deepEqual(recent.query({ ...q("b"), factory: "other" }), []);
  } finally {
    recent.close();
  }
});

Deno.test("combinedAnomalies asks the older source only before what memory covers", async () => {
  const bus = new EventBus();
  const recent = new RecentAnomalies(bus, { perMachine: 2 });
  const asked: AnomalyQuery[] = [];
  const older = (query: AnomalyQuery) => {
    asked.push(query);
    return [{ ts: 1, machine: query.machine, metric: "oil_temp" }];
  };
  try {
    for (const ts of [10, 20, 30]) bus.publish(anomaly("a", ts));
    const source = combinedAnomalies(recent, older);
    const all = await source({ factory: "demo", machine: "a", from: 0, to: 100 });
    assert.deepEqual(all.map((r) => r.ts), [1, 20, 30]);
    assert.deepEqual(asked, [{ factory: "demo", machine: "a", from: 0, to: 19 }]);
    const covered = await source({ factory: "demo", machine: "a", from: 25, to: 100 });
    assert.deepEqual(covered.map((r) => r.ts), [30]);
    assert.equal(asked.length, 1);
  } finally {
    recent.close();
  }
});
