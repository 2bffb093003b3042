import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  decodeHeadBatch,
  encodeHeadBatch,
  HEAD_LOG_SCHEMA,
  HeadLog,
  HeadView,
  latestByTime,
  overlay,
} from "./head_log.ts";

const run = (points: Array<[number, number, number]>) => ({
  ids: Uint32Array.from(points, (p) => p[0]),
  ts: Float64Array.from(points, (p) => p[1]),
  values: Float64Array.from(points, (p) => p[2]),
});
const pairs = (c: { ts: Float64Array; values: Float64Array }) =>
  Array.from(c.ts, (t, i) => [t, c.values[i]]);

Deno.test("a head batch round-trips ids, times and values", () => {
  const batch = run([[1, 1_000, 2.5], [2 ** 32 - 1, -7, -0], [3, 8.5, NaN]]);
  const decoded = decodeHeadBatch(encodeHeadBatch(batch));
  assert.deepEqual([...decoded.ids], [...batch.ids]);
  assert.deepEqual([...decoded.ts], [...batch.ts]);
  assert.deepEqual([...decoded.values], [...batch.values]);
  assert.throws(() => decodeHeadBatch(new Uint8Array(21)), /21 bytes: not 20 per point/);
});

Deno.test("latestByTime orders one series' points by time, the last arrival of a time winning", () => {
  const ts = Float64Array.from([5, 1, 5, 3, 1, 9]);
  const values = Float64Array.from([50, 10, 51, 30, 11, 90]);
  assert.deepEqual(pairs(latestByTime(ts, values, [0, 1, 2, 3, 4])), [[1, 11], [3, 30], [5, 51]]);
  assert.deepEqual(pairs(latestByTime(ts, values, [3, 2, 5])), [[3, 30], [5, 51], [9, 90]]);
  assert.deepEqual(pairs(latestByTime(ts, values, [0, 2])), [[5, 51]], "in order, a repeat");
  assert.deepEqual(pairs(latestByTime(ts, values, [])), []);
});

Deno.test("overlay lays the head over the chunks, the head winning a shared time", () => {
  const base = { ts: Float64Array.from([1, 3, 5]), values: Float64Array.from([10, 30, 50]) };
  const top = { ts: Float64Array.from([0, 3, 6]), values: Float64Array.from([0, 33, 60]) };
  assert.deepEqual(pairs(overlay(base, top)), [[0, 0], [1, 10], [3, 33], [5, 50], [6, 60]]);
  const none = { ts: new Float64Array(0), values: new Float64Array(0) };
  assert.equal(overlay(base, none), base);
  assert.equal(overlay(none, top), top);
});

Deno.test("HeadLog appends batches and hands a compaction all of them; a reader's view follows", () => {
  const db = new DatabaseSync(":memory:");
  db.exec(HEAD_LOG_SCHEMA);
  const log = new HeadLog(db);
  const view = new HeadView(db);
  view.refresh();
  assert.equal(view.size, 0);
  log.append(run([[1, 10, 1], [2, 10, 2]]));
  log.append(run([]));
  log.append(run([[1, 5, 0.5], [1, 10, 1.5]]));
  assert.equal(log.firstId(), 1);
  view.refresh();
  assert.equal(view.size, 4);
  assert.deepEqual(pairs(view.points(1)), [[5, 0.5], [10, 1.5]], "the later write of 10 wins");
  assert.deepEqual(pairs(view.points(1, 6, 100)), [[10, 1.5]]);
  assert.deepEqual(pairs(view.points(3)), []);

  assert.equal(log.lastId(), 2, "an empty batch is no row");
  const first = log.readRows(0, 2, 1);
  assert.deepEqual([first.lastId, [...first.run.ids]], [1, [1, 2]], "a slice ends at a whole row");
  const rest = log.readRows(first.lastId, 2, 100);
  assert.deepEqual([rest.lastId, [...rest.run.ids]], [2, [1, 1]]);
  assert.equal(log.readRows(2, 2, 100).lastId, 0, "nothing after the last");
  log.deleteUpTo(2);
  log.append(run([[2, 20, 4]]));
  view.refresh();
  assert.equal(view.size, 1, "compacted rows leave the view; only the new row is decoded");
  assert.deepEqual(pairs(view.points(2)), [[20, 4]]);
  assert.equal(log.firstId(), 3, "ids are never reused");
  log.append(run([[2, 30, 5]]));
  assert.deepEqual([...log.readRows(0, 3, 100).run.ids], [2], "only up to the id asked");
  log.deleteUpTo(4);
  view.refresh();
  assert.equal(view.size, 0);
  assert.deepEqual([log.firstId(), log.lastId()], [0, 0]);
  assert.deepEqual(log.readRows(0, 10, 100), {
    run: { ids: new Uint32Array(0), ts: new Float64Array(0), values: new Float64Array(0) },
    lastId: 0,
  });
});
