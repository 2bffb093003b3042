import assert from "node:assert/strict";
import { PointBatchEncoder } from "./point_batch.ts";

const at = (machine: string, metric: string, ts: number, value: number) => ({
  factory: "f",
  machine,
  metric,
  ts,
  value,
});

Deno.test("PointBatchEncoder names each series once and packs points into typed arrays", () => {
  const encoder = new PointBatchEncoder();
  const first = encoder.encode([at("m1", "a", 1.4, 1), at("m2", "a", 2, 2), at("m1", "a", 3, 3)]);
  assert.deepEqual(first.series, [[0, "f", "m1", "a"], [1, "f", "m2", "a"]]);
  assert.deepEqual([...first.keys], [0, 1, 0]);
  assert.deepEqual([...first.ts], [1, 2, 3], "timestamps are rounded to whole ms");
  assert.deepEqual([...first.values], [1, 2, 3]);
  const second = encoder.encode([at("m2", "a", 4, 4), at("m1", "b", 5, 5)]);
  assert.deepEqual(second.series, [[2, "f", "m1", "b"]], "known series are not named again");
  assert.deepEqual([...second.keys], [1, 2]);
});
