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

Deno.test("PointBatchEncoder encodes columns as it encodes the same points, naming series once", () => {
  const series = [{ factory: "f", machine: "m1", metric: "a" }, {
    factory: "f",
    machine: "m2",
    metric: "a",
  }];
  const columns = {
    series,
    keys: Uint32Array.of(1, 0, 1),
    ts: Float64Array.of(1.4, 2, 3),
    values: Float64Array.of(10, 20, 30),
  };
  const byPoints = new PointBatchEncoder().encode(
    Array.from(
      columns.keys,
      (k, i) => ({ ...series[k], ts: columns.ts[i], value: columns.values[i] }),
    ),
  );
  const encoder = new PointBatchEncoder();
  const byColumns = encoder.encodeColumns(columns);
  assert.deepEqual(byColumns, byPoints);
  // The batch owns its arrays (they are transferred to the worker).
  assert.notEqual(byColumns.values.buffer, columns.values.buffer);
  // Known series are not named again, whichever way they came; a grown table adds its new ones.
  series.push({ factory: "f", machine: "m3", metric: "b" });
  const next = encoder.encodeColumns({ ...columns, keys: Uint32Array.of(2, 0, 1) });
  assert.deepEqual(next.series, [[2, "f", "m3", "b"]]);
  assert.deepEqual([...next.keys], [2, 1, 0]);
  assert.deepEqual(encoder.encode([at("m1", "a", 9, 9)]).series, []);
});
