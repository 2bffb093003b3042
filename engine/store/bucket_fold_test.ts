import assert from "node:assert/strict";
import { aggregateOf, foldBuckets } from "./bucket_fold.ts";

const row = (
  bucket: number,
  min: number,
  max: number,
  sum: number,
  count: number,
  last: number,
) => ({
  bucket,
  min,
  max,
  sum,
  count,
  last,
  lastTs: bucket + 1,
});

Deno.test("foldBuckets combines finer buckets: mean over all points, extremes, last, count", () => {
  const rows = [row(0, 1, 3, 4, 2, 3), row(60, 5, 5, 5, 1, 5), row(120, -1, 0, -1, 2, 0)];
  const by = (agg: "mean" | "min" | "max" | "last" | "count") => foldBuckets(rows, 120, agg);
  assert.deepEqual(by("mean").points, [[0, 3], [120, -0.5]]);
  assert.deepEqual(by("min").points, [[0, 1], [120, -1]]);
  assert.deepEqual(by("max").points, [[0, 5], [120, 0]]);
  assert.deepEqual(by("last").points, [[0, 5], [120, 0]]);
  assert.deepEqual(by("count").points, [[0, 3], [120, 2]]);
  assert.deepEqual(by("mean").envelope, [[0, 1, 5], [120, -1, 0]]);
});

Deno.test("foldBuckets stops at the limit and answers nothing for no rows", () => {
  const rows = [row(0, 1, 1, 1, 1, 1), row(10, 2, 2, 2, 1, 2), row(20, 3, 3, 3, 1, 3)];
  assert.deepEqual(foldBuckets(rows, 10, "max", 2).points, [[0, 1], [10, 2]]);
  assert.deepEqual(foldBuckets([], 10, "max"), { points: [], envelope: [] });
});

Deno.test("aggregateOf reads each aggregate from a cell", () => {
  const cell = { min: 1, max: 9, sum: 12, count: 3, last: 2, lastTs: 5 };
  assert.deepEqual(
    (["mean", "min", "max", "last", "count"] as const).map((agg) => aggregateOf(cell, agg)),
    [4, 1, 9, 2, 3],
  );
});
