import assert from "node:assert/strict";
import { autoEvery, bucketSpan, NICE_WIDTHS, resolutionFor } from "./history_plan.ts";

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

Deno.test("resolutionFor picks the coarsest rollup whose width divides every", () => {
  for (
    const [every, expected] of [
      [30_000, "raw"],
      [90_000, "raw"],
      [MIN, "1m"],
      [15 * MIN, "1m"],
      [HOUR, "1h"],
      [6 * HOUR, "1h"],
      [36 * HOUR, "1h"],
      [DAY, "1d"],
      [7 * DAY, "1d"],
    ] as const
  ) {
    assert.equal(resolutionFor(every), expected, `every ${every}`);
  }
});

Deno.test("bucketSpan covers both ends with whole buckets", () => {
  assert.deepEqual(bucketSpan(65_000, 185_000, MIN), { first: MIN, last: 3 * MIN, count: 3 });
  assert.deepEqual(bucketSpan(MIN, MIN, MIN), { first: MIN, last: MIN, count: 1 });
});

Deno.test("autoEvery picks the finest nice width that keeps the range within maxPoints", () => {
  const now = 20_000 * DAY + 13 * HOUR + 7 * MIN;
  assert.equal(autoEvery(now - 30 * DAY, now, 1_000), HOUR);
  assert.equal(autoEvery(now - 7 * DAY, now, 1_000), 15 * MIN);
  assert.equal(autoEvery(now - DAY, now, 1_000), 2 * MIN);
  assert.equal(autoEvery(now - HOUR, now, 1_000), 5_000);
  assert.equal(autoEvery(now, now, 1), 1);
  assert.equal(autoEvery(0, 100 * 365 * DAY, 100), 366 * DAY, "past the list: whole days");
  for (const [span, max] of [[30 * DAY, 1_000], [HOUR, 60], [90 * DAY, 500], [1_234_567, 7]]) {
    const every = autoEvery(now - span, now, max);
    assert.ok(bucketSpan(now - span, now, every).count <= max, `${span} in ${max}`);
    const finer = NICE_WIDTHS.filter((w) => w < every).at(-1);
    if (finer !== undefined) {
      assert.ok(bucketSpan(now - span, now, finer).count > max, `${every} is the finest`);
    }
  }
  assert.throws(() => autoEvery(0, 1, 0), /'maxPoints' must be a positive integer/);
  assert.throws(() => autoEvery(2, 1, 10), /is before/);
});
