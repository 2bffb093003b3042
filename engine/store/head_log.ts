import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { PointColumns } from "./chunk_codec.ts";

/**
 * The head of the embedded store: each written batch is one row, appended;
 * `AUTOINCREMENT` so that an id is never reused after the rows are compacted
 * away (readers cache rows by id).
 */
export const HEAD_LOG_SCHEMA = `
  CREATE TABLE IF NOT EXISTS head_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    data BLOB NOT NULL
  );`;

/** Points of many series in arrival order: database series ids, times and values. */
export interface HeadRun {
  readonly ids: Uint32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

/** Packs a batch as one head row: times, values (float64 LE), then series ids (u32 LE). */
export function encodeHeadBatch(run: HeadRun): Uint8Array {
  const n = run.ids.length;
  const bytes = new Uint8Array(20 * n);
  new Float64Array(bytes.buffer, 0, n).set(run.ts);
  new Float64Array(bytes.buffer, 8 * n, n).set(run.values);
  new Uint32Array(bytes.buffer, 16 * n, n).set(run.ids);
  return bytes;
}

/** Unpacks a head row written by {@link encodeHeadBatch}. */
export function decodeHeadBatch(blob: Uint8Array): HeadRun {
  const n = pointsIn(blob.byteLength);
  const run = { ids: new Uint32Array(n), ts: new Float64Array(n), values: new Float64Array(n) };
  decodeHeadBatchInto(blob, run, 0);
  return run;
}

/** Unpacks a head row into `into`'s columns from index `at`; returns its points. */
export function decodeHeadBatchInto(blob: Uint8Array, into: HeadRun, at: number): number {
  const n = pointsIn(blob.byteLength);
  // Views need 8-byte alignment; a blob at an odd offset is copied once.
  const bytes = blob.byteOffset % 8 === 0 ? blob : blob.slice();
  into.ts.set(new Float64Array(bytes.buffer, bytes.byteOffset, n), at);
  into.values.set(new Float64Array(bytes.buffer, bytes.byteOffset + 8 * n, n), at);
  into.ids.set(new Uint32Array(bytes.buffer, bytes.byteOffset + 16 * n, n), at);
  return n;
}

function pointsIn(byteLength: number): number {
  if (byteLength % 20 !== 0) {
    throw new Error(`Cannot decode a head batch of ${byteLength} bytes: not 20 per point`);
  }
  return byteLength / 20;
}

/**
 * One series' points out of arrival-ordered columns: `order` lists their
 * indices in arrival order; the answer is in time order with one point per
 * time, the last to arrive.
 */
export function latestByTime(
  ts: Float64Array,
  values: Float64Array,
  order: ArrayLike<number>,
): PointColumns {
  const n = order.length;
  let sorted = true;
  for (let k = 1; k < n && sorted; k++) sorted = ts[order[k]] >= ts[order[k - 1]];
  let indices: ArrayLike<number> = order;
  if (!sorted) {
    // Stable: within one time, arrival order is kept, so the last of a run is the last written.
    indices = Array.from(order).sort((a, b) => ts[a] - ts[b]);
  }
  const outTs = new Float64Array(n);
  const outValues = new Float64Array(n);
  let m = 0;
  for (let k = 0; k < n; k++) {
    const i = indices[k];
    if (m > 0 && outTs[m - 1] === ts[i]) {
      outValues[m - 1] = values[i];
      continue;
    }
    outTs[m] = ts[i];
    outValues[m++] = values[i];
  }
  return { ts: outTs.subarray(0, m), values: outValues.subarray(0, m) };
}

/**
 * The writer's side of the head: appends batches, reads every pending row
 * for a compaction, and deletes the rows a compaction folded into chunks.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * declare const db: DatabaseSync;
 * declare const ids: Uint32Array, ts: Float64Array, values: Float64Array;
 *
 * const head = new HeadLog(db);
 * head.append({ ids, ts, values }); // inside the write transaction
 * const upTo = head.lastId(); // inside the compaction's transaction, then:
 * const { run, lastId } = head.readRows(0, upTo, 100_000); // … and on from lastId
 * head.deleteUpTo(upTo);
 * ```
 */
export class HeadLog {
  readonly #insert: StatementSync;
  readonly #rows: StatementSync;
  readonly #sizes: StatementSync;
  readonly #delete: StatementSync;
  readonly #first: StatementSync;
  readonly #last: StatementSync;

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare("INSERT INTO head_log (data) VALUES (?)");
    this.#rows = db.prepare("SELECT id, data FROM head_log WHERE id > ? AND id <= ? ORDER BY id");
    this.#sizes = db.prepare(
      "SELECT id, length(data) AS bytes FROM head_log WHERE id > ? AND id <= ? ORDER BY id",
    );
    this.#delete = db.prepare("DELETE FROM head_log WHERE id <= ?");
    this.#first = db.prepare("SELECT min(id) AS id FROM head_log");
    this.#last = db.prepare("SELECT max(id) AS id FROM head_log");
  }

  /** Appends one batch as one row. */
  append(run: HeadRun): void {
    if (run.ids.length > 0) this.#insert.run(encodeHeadBatch(run));
  }

  /**
   * Rows after `afterId` up to `upToId`, in order, concatenated, stopping at
   * the first row that brings them to `maxPoints` or more; `lastId` is the
   * last row read (0 when none was).
   */
  readRows(
    afterId: number,
    upToId: number,
    maxPoints: number,
  ): { readonly run: HeadRun; readonly lastId: number } {
    // Sizes first, so the columns are allocated once and each row is copied straight in:
    // a slice's worth of memory, where decoding rows and then joining them took twice that.
    let points = 0;
    let lastId = 0;
    for (const row of this.#sizes.iterate(afterId, upToId)) {
      const { id, bytes } = row as { id: number; bytes: number };
      points += pointsIn(bytes);
      lastId = id;
      if (points >= maxPoints) break;
    }
    const run = {
      ids: new Uint32Array(points),
      ts: new Float64Array(points),
      values: new Float64Array(points),
    };
    let at = 0;
    for (const row of this.#rows.iterate(afterId, lastId)) {
      at += decodeHeadBatchInto((row as { data: Uint8Array }).data, run, at);
    }
    return { run, lastId };
  }

  /** The newest pending row's id, or 0 when the head is empty. */
  lastId(): number {
    return (this.#last.get() as { id: number | null }).id ?? 0;
  }

  /** The oldest pending row's id, or 0 when the head is empty. */
  firstId(): number {
    return (this.#first.get() as { id: number | null }).id ?? 0;
  }

  /** Deletes rows up to `id` (inclusive). */
  deleteUpTo(id: number): void {
    this.#delete.run(id);
  }
}

/**
 * A reader's cached copy of the head: {@link HeadView.refresh} (inside the
 * reader's transaction, with its chunk reads) drops rows compacted since
 * and decodes only rows it has not seen; lookups scan the cached columns.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * declare const db: DatabaseSync, seriesId: number, from: number, to: number;
 * const view = new HeadView(db);
 *
 * db.exec("BEGIN");
 * view.refresh();
 * const recent = view.points(seriesId, from, to);
 * db.exec("COMMIT");
 * ```
 */
export class HeadView {
  readonly #bounds: StatementSync;
  readonly #since: StatementSync;
  #batches: Array<{ readonly id: number; readonly run: HeadRun }> = [];
  #lastId = 0;

  constructor(db: DatabaseSync) {
    this.#bounds = db.prepare("SELECT min(id) AS lo FROM head_log");
    this.#since = db.prepare("SELECT id, data FROM head_log WHERE id > ? ORDER BY id");
  }

  /** Points cached (for tests and metrics). */
  get size(): number {
    return this.#batches.reduce((n, b) => n + b.run.ids.length, 0);
  }

  /** Brings the cache to the database's current head. */
  refresh(): void {
    const lo = (this.#bounds.get() as { lo: number | null }).lo;
    if (lo === null) {
      this.#batches = [];
      return;
    }
    let drop = 0;
    while (drop < this.#batches.length && this.#batches[drop].id < lo) drop++;
    if (drop > 0) this.#batches = this.#batches.slice(drop);
    for (const row of this.#since.iterate(Math.max(this.#lastId, lo - 1))) {
      const { id, data } = row as { id: number; data: Uint8Array };
      this.#batches.push({ id, run: decodeHeadBatch(data) });
      this.#lastId = id;
    }
  }

  /** The series' head points with `from` ≤ ts ≤ `to`, in time order, last write per time. */
  points(seriesId: number, from = -Infinity, to = Infinity): PointColumns {
    const ts: number[] = [];
    const values: number[] = [];
    for (const { run } of this.#batches) {
      const ids = run.ids;
      for (let i = 0; i < ids.length; i++) {
        if (ids[i] !== seriesId) continue;
        const t = run.ts[i];
        if (t < from || t > to) continue;
        ts.push(t);
        values.push(run.values[i]);
      }
    }
    if (ts.length === 0) return { ts: new Float64Array(0), values: new Float64Array(0) };
    return latestByTime(
      Float64Array.from(ts),
      Float64Array.from(values),
      Uint32Array.from(ts.keys()),
    );
  }
}

/**
 * `base` with `top` laid over it: both in time order with one point per
 * time; where both hold a time, `top`'s value wins.
 */
export function overlay(base: PointColumns, top: PointColumns): PointColumns {
  if (top.ts.length === 0) return base;
  if (base.ts.length === 0) return top;
  const ts = new Float64Array(base.ts.length + top.ts.length);
  const values = new Float64Array(ts.length);
  let a = 0;
  let b = 0;
  let n = 0;
  while (a < base.ts.length || b < top.ts.length) {
    if (b === top.ts.length || (a < base.ts.length && base.ts[a] < top.ts[b])) {
      ts[n] = base.ts[a];
      values[n++] = base.values[a++];
      continue;
    }
    if (a < base.ts.length && base.ts[a] === top.ts[b]) a++;
    ts[n] = top.ts[b];
    values[n++] = top.values[b++];
  }
  return { ts: ts.subarray(0, n), values: values.subarray(0, n) };
}
