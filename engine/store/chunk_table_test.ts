import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import {
  CHUNK_SPAN_MS,
  CHUNKS_SCHEMA,
  ChunkTable,
  concat,
  lowerBound,
  MAX_CHUNK_POINTS,
  type MergeSink,
  previousRunMergeAt,
  RUN_MERGE_PHASES,
  runMergeLength,
  SMALL_APPENDS_TO_MERGE,
  spanStart,
  upperBound,
} from "./chunk_table.ts";

const HOUR = CHUNK_SPAN_MS;

function table() {
  const db = new DatabaseSync(":memory:");
  db.exec(CHUNKS_SCHEMA);
  return { db, chunks: new ChunkTable(db) };
}

/** Records what a merge reported. */
function recorder() {
  const log: string[] = [];
  const sink: MergeSink = {
    add: (id, ts, value) => log.push(`add ${id} ${ts} ${value}`),
    overwrite: (id, ts, old, value) => log.push(`overwrite ${id} ${ts} ${old}→${value}`),
  };
  return { log, sink };
}

const cols = (pairs: Array<[number, number]>) => ({
  ts: Float64Array.from(pairs, (p) => p[0]),
  values: Float64Array.from(pairs, (p) => p[1]),
});
const pairs = (c: { ts: Float64Array; values: Float64Array }) =>
  Array.from(c.ts, (t, i) => [t, c.values[i]]);
const rows = (db: DatabaseSync) =>
  db.prepare("SELECT series_id, start_ts, end_ts, n FROM chunks ORDER BY series_id, start_ts")
    .all().map((r) => ({ ...r }));

Deno.test("ChunkTable appends new points as chunks that never cross an hour", () => {
  const { db, chunks } = table();
  const { log, sink } = recorder();
  assert.equal(chunks.merge(1, cols([[HOUR - 2, 1], [HOUR - 1, 2], [HOUR, 3]]), sink), 0);
  assert.deepEqual(log, [`add 1 ${HOUR - 2} 1`, `add 1 ${HOUR - 1} 2`, `add 1 ${HOUR} 3`]);
  assert.deepEqual(rows(db), [
    { series_id: 1, start_ts: HOUR - 2, end_ts: HOUR - 1, n: 2 },
    { series_id: 1, start_ts: HOUR, end_ts: HOUR, n: 1 },
  ]);
  chunks.merge(1, cols([[HOUR + 5, 4]]), sink);
  assert.equal(rows(db).length, 3, "a later append is a chunk of its own");
  assert.deepEqual(pairs(chunks.read(1, HOUR - 1, HOUR + 5)), [[HOUR - 1, 2], [HOUR, 3], [
    HOUR + 5,
    4,
  ]]);
  assert.deepEqual(chunks.newest(1), [HOUR + 5, 4]);
  assert.equal(chunks.newestTs(1), HOUR + 5);
  assert.equal(chunks.newestTs(2), -Infinity);
  assert.equal(chunks.newest(2), undefined);
});

Deno.test("ChunkTable merges a run of small appends in an hour into one chunk, never across hours", () => {
  const { db, chunks } = table();
  const sink = { add() {}, overwrite() {} };
  // A 1 Hz series compacted every minute: 60 points an append.
  const minute = (m: number) =>
    cols(Array.from({ length: 60 }, (_, i) => [(m * 60 + i) * 1000, m] as [number, number]));
  const length = runMergeLength(3);
  for (let m = 0; m < length - 1; m++) chunks.merge(3, minute(m), sink);
  assert.equal(rows(db).length, length - 1, "below the run length: as appended");
  chunks.merge(3, minute(length - 1), sink);
  const merged = length * 60;
  assert.deepEqual(rows(db), [{
    series_id: 3,
    start_ts: 0,
    end_ts: (merged - 1) * 1000,
    n: merged,
  }]);
  for (let m = length; m < 60; m++) chunks.merge(3, minute(m), sink);
  const all = chunks.read(3, -Infinity, Infinity);
  assert.deepEqual(Array.from(all.ts), Array.from({ length: 3600 }, (_, i) => i * 1000));
  assert.deepEqual(
    Array.from(all.values),
    Array.from({ length: 3600 }, (_, i) => Math.floor(i / 60)),
  );
  // Each run of `length` appends became one chunk; the hour's last run is still as appended.
  const runs = Math.floor(60 / length);
  const tail = 60 - runs * length;
  const ns = () => (rows(db) as Array<{ n: number }>).map((r) => r.n);
  assert.deepEqual(ns(), [...Array(runs).fill(merged), ...Array(tail).fill(60)]);
  // The next hour begins: the first hour's last run is merged some appends into it (by
  // series id); no chunk spans two hours.
  const at = previousRunMergeAt(3);
  for (let m = 60; m < 60 + at - 1; m++) chunks.merge(3, minute(m), sink);
  assert.deepEqual(ns(), [...Array(runs).fill(merged), ...Array(tail + at - 1).fill(60)]);
  chunks.merge(3, minute(60 + at - 1), sink);
  assert.deepEqual(ns(), [...Array(runs).fill(merged), tail * 60, ...Array(at).fill(60)]);
  for (const r of rows(db) as Array<{ start_ts: number; end_ts: number }>) {
    assert.equal(spanStart(r.start_ts), spanStart(r.end_ts), `chunk ${r.start_ts}–${r.end_ts}`);
  }
  assert.equal(chunks.read(3, -Infinity, Infinity).ts.length, (60 + at) * 60);
});

Deno.test("ChunkTable spreads the run rewrites of series appending together over compactions", () => {
  const { db, chunks } = table();
  const sink = { add() {}, overwrite() {} };
  const SERIES = 64;
  // A fleet started together: every series appends 100 points in every compaction.
  let rewrites = 0;
  const perCompaction: number[] = [];
  for (let c = 0; c < 40; c++) {
    const before = (rows(db) as unknown[]).length;
    for (let id = 1; id <= SERIES; id++) {
      chunks.merge(id, cols(Array.from({ length: 100 }, (_, i) => [c * 100 + i, id])), sink);
    }
    // Rows added minus rows there would be without any rewrite.
    const removed = before + SERIES - (rows(db) as unknown[]).length;
    perCompaction.push(removed);
    rewrites += removed;
  }
  assert.ok(rewrites > 0, "runs were rewritten");
  // Without phases all 64 series rewrote a run of 16 chunks in the same compaction.
  assert.ok(
    Math.max(...perCompaction) <= SERIES * (SMALL_APPENDS_TO_MERGE - 1) / 4,
    `rows removed per compaction: ${perCompaction.join(" ")}`,
  );
  const firsts = new Set<number>();
  for (let id = 1; id <= SERIES; id++) firsts.add(runMergeLength(id));
  assert.equal(firsts.size, RUN_MERGE_PHASES);
  for (let id = 1; id <= SERIES; id++) {
    assert.equal(chunks.read(id, -Infinity, Infinity).ts.length, 4000);
  }
});

Deno.test("ChunkTable leaves appends of late points' hours and large appends as they are", () => {
  const { db, chunks } = table();
  const sink = { add() {}, overwrite() {} };
  const big = cols(Array.from({ length: 600 }, (_, i) => [i, 1] as [number, number]));
  chunks.merge(4, big, sink);
  for (let k = 0; k < SMALL_APPENDS_TO_MERGE + 2; k++) {
    // A late point every time: its hour is merged on the spot, the run restarts each time.
    chunks.merge(4, cols([[k + 0.5, 2], [1_000 + k, 3]]), sink);
  }
  assert.equal(
    chunks.read(4, -Infinity, Infinity).ts.length,
    600 + 2 * (SMALL_APPENDS_TO_MERGE + 2),
  );
  assert.ok(rows(db).length <= 2, `${rows(db).length} chunks`);
});

Deno.test("ChunkTable splits a long run at its size bound", () => {
  const { db, chunks } = table();
  const n = MAX_CHUNK_POINTS * 2 + 10;
  const ts = Float64Array.from({ length: n }, (_, i) => i * 0.1); // all within the first hour
  chunks.merge(7, { ts, values: ts.map((t) => t * 2) }, { add() {}, overwrite() {} });
  assert.deepEqual(rows(db).map((r) => r.n), [MAX_CHUNK_POINTS, MAX_CHUNK_POINTS, 10]);
  const all = chunks.read(7, -Infinity, Infinity);
  assert.equal(all.ts.length, n);
  assert.equal(all.values[n - 1], ts[n - 1] * 2);
  assert.equal(chunks.read(7, 0, Infinity, 5).ts.length, 5, "a limit keeps the oldest");
});

Deno.test("ChunkTable merges late points and rewrites into their hour, last write winning", () => {
  const { db, chunks } = table();
  const { log, sink } = recorder();
  chunks.merge(1, cols([[10, 1], [20, 2], [HOUR + 10, 3]]), sink);
  chunks.merge(1, cols([[30, 3], [HOUR + 20, 4]]), sink);
  log.length = 0;
  const overwritten = chunks.merge(
    1,
    cols([[5, 0], [20, 2], [25, 9], [30, 8], [HOUR + 10, 3.5], [2 * HOUR, 6]]),
    sink,
  );
  assert.equal(overwritten, 2);
  assert.deepEqual(log, [
    "add 1 5 0",
    "add 1 25 9",
    "overwrite 1 30 3→8",
    `overwrite 1 ${HOUR + 10} 3→3.5`,
    `add 1 ${2 * HOUR} 6`,
  ], "an equal rewrite (20 → 2) reports nothing");
  assert.deepEqual(pairs(chunks.read(1, -Infinity, Infinity)), [
    [5, 0],
    [10, 1],
    [20, 2],
    [25, 9],
    [30, 8],
    [HOUR + 10, 3.5],
    [HOUR + 20, 4],
    [2 * HOUR, 6],
  ]);
  assert.deepEqual(rows(db), [
    { series_id: 1, start_ts: 5, end_ts: 30, n: 5 },
    { series_id: 1, start_ts: HOUR + 10, end_ts: HOUR + 20, n: 2 },
    { series_id: 1, start_ts: 2 * HOUR, end_ts: 2 * HOUR, n: 1 },
  ], "each merged hour is one chunk again");
});

Deno.test("ChunkTable reads a range across chunks and series apart", () => {
  const { chunks } = table();
  const sink = { add() {}, overwrite() {} };
  chunks.merge(1, cols([[-HOUR - 1, -1], [0, 0], [100, 1]]), sink);
  chunks.merge(2, cols([[50, 99]]), sink);
  chunks.merge(1, cols([[200, 2], [HOUR + 1, 3]]), sink);
  assert.deepEqual(pairs(chunks.read(1, 50, HOUR + 1)), [[100, 1], [200, 2], [HOUR + 1, 3]]);
  assert.deepEqual(pairs(chunks.read(1, -HOUR - 1, -HOUR - 1)), [[-HOUR - 1, -1]]);
  assert.deepEqual(pairs(chunks.read(1, 101, 199)), []);
  assert.deepEqual(pairs(chunks.read(1, 10, 5)), [], "an empty range");
  assert.deepEqual(pairs(chunks.read(2, -Infinity, Infinity)), [[50, 99]]);
});

Deno.test("ChunkTable prunes within its budget, rewriting a chunk it cuts", () => {
  const { db, chunks } = table();
  const sink = { add() {}, overwrite() {} };
  chunks.merge(1, cols([[0, 0], [1, 1], [2, 2]]), sink);
  chunks.merge(1, cols([[3, 3], [4, 4]]), sink);
  chunks.merge(1, cols([[HOUR, 5]]), sink);
  assert.deepEqual(chunks.prune(1, 4, 2), { deleted: 2, finished: false });
  assert.deepEqual(pairs(chunks.read(1, -Infinity, Infinity)), [[2, 2], [3, 3], [4, 4], [HOUR, 5]]);
  assert.deepEqual(chunks.prune(1, 4, 10), { deleted: 2, finished: true });
  assert.deepEqual(rows(db), [
    { series_id: 1, start_ts: 4, end_ts: 4, n: 1 },
    { series_id: 1, start_ts: HOUR, end_ts: HOUR, n: 1 },
  ]);
  assert.deepEqual(chunks.prune(1, 4, 10), { deleted: 0, finished: true }, "nothing left to do");
  assert.deepEqual(chunks.prune(1, HOUR + 1, 0), { deleted: 0, finished: false }, "no budget");
});

Deno.test("spans, bounds and concat", () => {
  assert.equal(spanStart(HOUR + 5), HOUR);
  assert.equal(spanStart(-1), -HOUR);
  const ts = Float64Array.from([1, 2, 2, 3]);
  assert.equal(lowerBound(ts, 2), 1);
  assert.equal(upperBound(ts, 2), 3);
  assert.equal(lowerBound(ts, 9), 4);
  assert.equal(upperBound(ts, -Infinity), 0);
  const joined = concat([cols([[1, 10]]), cols([]), cols([[2, 20], [3, 30]])]);
  assert.deepEqual(pairs(joined), [[1, 10], [2, 20], [3, 30]]);
});
