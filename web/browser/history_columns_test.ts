import assert from "node:assert/strict";
import { historyColumns } from "./history_columns.ts";

Deno.test("historyColumns lays raw points out for uPlot and breaks the line at gaps", () => {
  const columns = historyColumns({
    metric: "temp",
    points: [[0, 1], [10, 2], [20, 3], [30, 4], [100, 5], [110, 6]],
  });
  assert.deepEqual(columns.ts, [0, 10, 20, 30, 65, 100, 110]);
  assert.deepEqual(columns.values, [1, 2, 3, 4, null, 5, 6]);
  assert.equal(columns.min, undefined);
  assert.equal(columns.count, 6);
  assert.deepEqual([columns.low, columns.high], [1, 6]);
});

Deno.test("historyColumns carries the envelope of aggregated buckets as min and max", () => {
  const columns = historyColumns(
    {
      metric: "temp",
      points: [[0, 2], [60, 3], [240, 4]],
      envelope: [[0, 1, 9], [60, 2, 4], [240, 3, 5]],
    },
    60,
  );
  assert.deepEqual(columns.ts, [0, 60, 150, 240]);
  assert.deepEqual(columns.values, [2, 3, null, 4]);
  assert.deepEqual(columns.min, [1, 2, null, 3]);
  assert.deepEqual(columns.max, [9, 4, null, 5]);
  // A spike inside a bucket sets the scale, not only the means.
  assert.deepEqual([columns.low, columns.high], [1, 9]);
});

Deno.test("historyColumns ignores an envelope that does not match the points", () => {
  const columns = historyColumns(
    { metric: "t", points: [[0, 1], [60, 2]], envelope: [[0, 0, 2]] },
    60,
  );
  assert.equal(columns.min, undefined);
  assert.deepEqual(historyColumns({ metric: "t", points: [] }), {
    ts: [],
    values: [],
    min: undefined,
    max: undefined,
    count: 0,
    low: undefined,
    high: undefined,
  });
});
