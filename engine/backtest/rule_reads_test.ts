import assert from "node:assert/strict";
import { ruleReads } from "./rule_reads.ts";

Deno.test("ruleReads lists the metrics and predicate kinds of condition and clear", () => {
  const reads = ruleReads({
    condition: {
      all: [
        { kind: "metric", metric: "temp", op: ">", value: 80 },
        { not: { kind: "status", value: "stale" } },
        { any: [{ kind: "rate", metric: "rpm", windowMs: 60_000, op: ">", value: 5 }] },
      ],
    },
    clear: { kind: "metric", metric: "temp", op: "<", value: 70 },
  });
  assert.deepEqual(reads.metrics, ["temp", "rpm"]);
  assert.equal(reads.allMetrics, false);
  assert.deepEqual([...reads.kinds].sort(), ["metric", "rate", "status"]);
});

Deno.test("ruleReads says when a predicate reads every metric", () => {
  assert.equal(ruleReads({ condition: { kind: "no_data", forMs: 60_000 } }).allMetrics, true);
  assert.equal(ruleReads({ condition: { kind: "anomaly" } }).allMetrics, true);
  assert.equal(ruleReads({ condition: { kind: "anomaly", metric: "t" } }).allMetrics, false);
});
