import assert from "node:assert/strict";
import { computeTrend } from "./trend.ts";

const H = 3_600_000;
const none = { normal: 0, stale: 0, anomalous: 0, quarantined: 0 };

Deno.test("computeTrend counts each machine once per bucket under the worst status it held", () => {
  const trend = computeTrend({
    first: 0,
    buckets: 3,
    every: H,
    machines: new Map([["a", 0], ["b", 0], ["c", 1.5 * H]]),
    initial: new Map([["b", "stale"]]),
    changes: [
      { machine: "a", ts: 0.2 * H, status: "anomalous" },
      { machine: "a", ts: 0.3 * H, status: "normal" },
      { machine: "b", ts: 1.1 * H, status: "normal" },
      { machine: "b", ts: 2.5 * H, status: "quarantined" },
    ],
    anomalies: new Map([[0, 4], [2 * H, 1]]),
  });
  assert.deepEqual(trend, [
    // a was anomalous for a while; b still stale; c not known yet.
    { ts: 0, machines: { ...none, anomalous: 1, stale: 1 }, anomalies: 4 },
    // b recovered during the hour but was stale at its start; c appeared.
    { ts: H, machines: { ...none, normal: 2, stale: 1 }, anomalies: 0 },
    { ts: 2 * H, machines: { ...none, normal: 2, quarantined: 1 }, anomalies: 1 },
  ]);
});

Deno.test("computeTrend counts a machine only from its first change when nothing else knows it", () => {
  const trend = computeTrend({
    first: 0,
    buckets: 2,
    every: H,
    machines: new Map(),
    initial: new Map(),
    changes: [{ machine: "new", ts: 1.5 * H, status: "stale" }],
    anomalies: new Map(),
  });
  assert.deepEqual(trend.map((b) => b.machines), [none, { ...none, stale: 1 }]);
});
