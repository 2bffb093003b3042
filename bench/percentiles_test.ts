import assert from "node:assert/strict";
import { median, percentile, summarizeLatency } from "./percentiles.ts";

Deno.test("percentile picks the nearest-rank sample", () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile([7], 99), 7);
  assert.equal(percentile([1, 2, 3, 4], 50), 2);
});

Deno.test("percentile answers NaN for no samples and refuses p outside (0, 100]", () => {
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile([1], 0), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
});

Deno.test("summarizeLatency sorts numerically, not as strings", () => {
  const samples = [100, 9, 20, 3, 1000];
  assert.deepEqual(summarizeLatency(samples), { count: 5, p50: 20, p99: 1000, max: 1000 });
  assert.deepEqual(samples, [100, 9, 20, 3, 1000]);
});

Deno.test("median averages the middle pair and ignores NaN rounds", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([NaN, 5]), 5);
  assert.ok(Number.isNaN(median([])));
});
