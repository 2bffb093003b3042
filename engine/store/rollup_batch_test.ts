import assert from "node:assert/strict";
import { RollupBatch } from "./rollup_batch.ts";

const MIN = 60_000;
const HOUR = 3_600_000;

Deno.test("RollupBatch gathers new points per minute and derives coarser buckets", () => {
  const batch = new RollupBatch(MIN);
  batch.add(1, 10_000, 3);
  batch.add(1, 70_000, 5);
  batch.add(1, 20_000, 1);
  batch.add(2, HOUR + 1, 7);
  const minutes = batch.buckets(MIN).map((p) => [p.seriesId, p.bucket, p.added.count, p.added.sum]);
  assert.deepEqual(minutes, [[1, 0, 2, 4], [1, MIN, 1, 5], [2, HOUR, 1, 7]]);
  const hours = batch.buckets(HOUR);
  assert.deepEqual(hours.map((p) => [p.seriesId, p.bucket]), [[1, 0], [2, HOUR]]);
  assert.deepEqual(hours[0].added, { min: 1, max: 5, sum: 9, count: 3, last: 5, lastTs: 70_000 });
});

Deno.test("RollupBatch keeps overwrites in write order in every width, and clears", () => {
  const batch = new RollupBatch(MIN);
  batch.add(1, 1_000, 2);
  batch.overwrite(1, 1_000, 2, 8);
  batch.overwrite(1, 1_000, 8, 4);
  batch.overwrite(1, 90_000, 1, 0);
  assert.deepEqual(batch.buckets(HOUR)[0].overwrites, [
    { ts: 1_000, old: 2, value: 8 },
    { ts: 1_000, old: 8, value: 4 },
    { ts: 90_000, old: 1, value: 0 },
  ]);
  assert.equal(
    batch.buckets(MIN)[1].added.count,
    0,
    "a minute with only an overwrite adds nothing",
  );
  assert.equal(batch.empty, false);
  batch.clear();
  assert.equal(batch.empty, true);
  assert.deepEqual(batch.buckets(MIN), []);
});
