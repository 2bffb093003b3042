import assert from "node:assert/strict";
import { addPoint, applyOverwrites, bucketStart, emptyCell, mergeCell } from "./rollup.ts";

Deno.test("bucketStart floors to the epoch-aligned bucket, before 1970 too", () => {
  assert.equal(bucketStart(125_000, 60_000), 120_000);
  assert.equal(bucketStart(120_000, 60_000), 120_000);
  assert.equal(bucketStart(-1, 60_000), -60_000);
});

Deno.test("addPoint keeps last by timestamp, so a late point does not become last", () => {
  const cell = emptyCell();
  addPoint(cell, 1_000, 4);
  addPoint(cell, 500, 9);
  assert.deepEqual(cell, { min: 4, max: 9, sum: 13, count: 2, last: 4, lastTs: 1_000 });
});

Deno.test("mergeCell combines disjoint cells and ignores an empty one", () => {
  const a = { min: 1, max: 5, sum: 6, count: 2, last: 5, lastTs: 2_000 };
  mergeCell(a, emptyCell());
  assert.deepEqual(a, { min: 1, max: 5, sum: 6, count: 2, last: 5, lastTs: 2_000 });
  mergeCell(a, { min: 0, max: 3, sum: 3, count: 2, last: 0, lastTs: 1_500 });
  assert.deepEqual(a, { min: 0, max: 5, sum: 9, count: 4, last: 5, lastTs: 2_000 });
});

Deno.test("applyOverwrites moves sum and last, and reports an extreme it cannot know", () => {
  const cell = { min: 1, max: 9, sum: 15, count: 3, last: 9, lastTs: 3_000 };
  assert.deepEqual(applyOverwrites(cell, [{ ts: 3_000, old: 9, value: 4 }]), {
    min: false,
    max: true,
  });
  assert.deepEqual(cell, { min: 1, max: 9, sum: 10, count: 3, last: 4, lastTs: 3_000 });
  const lowered = { min: 1, max: 9, sum: 15, count: 3, last: 9, lastTs: 3_000 };
  assert.deepEqual(applyOverwrites(lowered, [{ ts: 1_000, old: 5, value: -2 }]), {
    min: false,
    max: false,
  });
  assert.equal(lowered.min, -2);
  assert.equal(lowered.last, 9, "an older point's rewrite leaves last alone");
});

Deno.test("applyOverwrites clears an invalid extreme that a later overwrite re-establishes", () => {
  const cell = { min: 1, max: 9, sum: 15, count: 3, last: 9, lastTs: 3_000 };
  const invalid = applyOverwrites(cell, [
    { ts: 1_000, old: 1, value: 6 }, // the min leaves: unknown
    { ts: 2_000, old: 5, value: 0 }, // a new value below anything: known again
  ]);
  assert.deepEqual(invalid, { min: false, max: false });
  assert.equal(cell.min, 0);
  assert.equal(cell.sum, 15);
});
