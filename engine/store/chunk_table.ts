import type { DatabaseSync, StatementSync } from "node:sqlite";
import { decodeChunk, encodeChunk, type PointColumns } from "./chunk_codec.ts";

/** No chunk crosses a boundary of this width (epoch-aligned), so a range read knows where to start. */
export const CHUNK_SPAN_MS = 3_600_000;

/** Most points one chunk holds (128 KiB of columns). */
export const MAX_CHUNK_POINTS = 8_192;

/**
 * Compaction appends what arrived since the last one as chunks of their own:
 * 60 points a minute for a 1 Hz series, a hundred or so a compaction for a
 * fast one. Once a series has about this many such small appends in a row
 * within an hour (see {@link runMergeLength}), they are rewritten as one chunk
 * (and again once more small ones follow it), and an hour's last run a few
 * appends into the next hour. An hour of a 1 Hz series is 4 chunks instead
 * of 60, and each point is re-encoded once or twice.
 */
export const SMALL_APPENDS_TO_MERGE = 16;

/**
 * Series are spread over this many phases (by id) for their run rewrites: the
 * series of a fleet that started together append in the same compactions, and
 * rewriting every series' run in one of them stalled the write thread for
 * 1.8 s (4,000 series), where a compaction otherwise takes 0.25 s.
 */
export const RUN_MERGE_PHASES = 8;

/** Small appends after which the series' run is rewritten: 9–16, by series id. */
export function runMergeLength(seriesId: number): number {
  return SMALL_APPENDS_TO_MERGE - (seriesId % RUN_MERGE_PHASES);
}

/** The append of the next hour's run on which the series rewrites its previous hour's last run: 2–9. */
export function previousRunMergeAt(seriesId: number): number {
  return 2 + (seriesId % RUN_MERGE_PHASES);
}

/** An append of fewer points than this (in one hour) counts as small. */
export const SMALL_CHUNK_POINTS = 512;

/** The chunks table; created by the store's schema. */
export const CHUNKS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL,
    start_ts INTEGER NOT NULL,
    end_ts INTEGER NOT NULL,
    n INTEGER NOT NULL,
    data BLOB NOT NULL
  );
  CREATE UNIQUE INDEX IF NOT EXISTS chunks_by_series ON chunks (series_id, start_ts);`;

/** Where {@link ChunkTable.merge} reports what each point did (a `RollupBatch` is one). */
export interface MergeSink {
  /** A point at a time the series had no point at. */
  add(seriesId: number, ts: number, value: number): void;
  /** A point that replaced a different value at the same time. */
  overwrite(seriesId: number, ts: number, old: number, value: number): void;
}

/** What one call of {@link ChunkTable.prune} deleted. */
export interface ChunkPruneStep {
  /** Points deleted. */
  readonly deleted: number;
  /** True once the series holds no point older than the cutoff. */
  readonly finished: boolean;
}

interface ChunkRow {
  id: number;
  start_ts: number;
  end_ts: number;
  n: number;
  data: Uint8Array;
}

/** A series' latest run of small appends within one hour. */
interface SmallRun {
  /** Start time of the run's first chunk. */
  from: number;
  hour: number;
  /** Small appends in the run (a rewritten run counts as one). */
  count: number;
  /** Start of the previous hour's last run, when it still waits to be rewritten. */
  previous: number | undefined;
}

const EMPTY: PointColumns = { ts: new Float64Array(0), values: new Float64Array(0) };

/**
 * The raw points of the embedded store, packed per series into chunks: one
 * row holds up to {@link MAX_CHUNK_POINTS} points of one series within one
 * aligned hour, and the chunks of a series never overlap in time. Writing a
 * series' new points costs one row insert per chunk, not one per point,
 * and one B-tree leaf per series per write instead of one per point's page;
 * the rows themselves are appended in write order.
 *
 * Points newer than everything the series holds are appended as new chunks.
 * Older ones (late points, rewrites) are merged into the chunks of their
 * hour, which are read, rewritten and replaced; the last write of a time
 * wins.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { RollupBatch } from "./rollup_batch.ts";
 * declare const db: DatabaseSync, seriesId: number, from: number, to: number;
 * declare const ts: Float64Array, values: Float64Array; // the series' new points, as columns
 * const rollupBatch = new RollupBatch(60_000);
 *
 * const chunks = new ChunkTable(db);
 * chunks.merge(seriesId, { ts, values }, rollupBatch);
 * chunks.read(seriesId, from, to).values;
 * ```
 */
export class ChunkTable {
  readonly #insert: StatementSync;
  readonly #delete: StatementSync;
  readonly #range: StatementSync;
  readonly #newest: StatementSync;
  readonly #newestEnd: StatementSync;
  readonly #hour: StatementSync;
  readonly #expired: StatementSync;
  /** Per series, its latest run of small appends in one hour (kept in memory only). */
  readonly #smallRuns = new Map<number, SmallRun>();

  constructor(db: DatabaseSync) {
    this.#insert = db.prepare(
      "INSERT INTO chunks (series_id, start_ts, end_ts, n, data) VALUES (?, ?, ?, ?, ?)",
    );
    this.#delete = db.prepare("DELETE FROM chunks WHERE id = ?");
    this.#range = db.prepare(
      `SELECT id, start_ts, end_ts, n, data FROM chunks
       WHERE series_id = ? AND start_ts BETWEEN ? AND ? ORDER BY start_ts`,
    );
    this.#newest = db.prepare(
      `SELECT id, start_ts, end_ts, n, data FROM chunks
       WHERE series_id = ? ORDER BY start_ts DESC LIMIT 1`,
    );
    // Without the data: a chunk's blob is up to tens of KB, read for nothing here.
    this.#newestEnd = db.prepare(
      "SELECT end_ts FROM chunks WHERE series_id = ? ORDER BY start_ts DESC LIMIT 1",
    );
    this.#hour = db.prepare(
      `SELECT id, start_ts, end_ts, n, data FROM chunks
       WHERE series_id = ? AND start_ts >= ? AND start_ts < ? ORDER BY start_ts`,
    );
    this.#expired = db.prepare(
      `SELECT id, start_ts, end_ts, n, data FROM chunks
       WHERE series_id = ? AND start_ts < ? ORDER BY start_ts LIMIT ?`,
    );
  }

  /** The series' points with `from` ≤ ts ≤ `to`, in time order, at most `limit` (the oldest). */
  read(seriesId: number, from: number, to: number, limit = Infinity): PointColumns {
    if (to < from || limit <= 0) return EMPTY;
    const parts: PointColumns[] = [];
    let total = 0;
    const low = Number.isFinite(from) ? spanStart(from) : -Number.MAX_VALUE;
    for (const row of this.#range.iterate(seriesId, low, Math.min(to, Number.MAX_VALUE))) {
      const chunk = row as unknown as ChunkRow;
      if (chunk.end_ts < from) continue;
      const { ts, values } = decodeChunk(chunk.data);
      const first = chunk.start_ts >= from ? 0 : lowerBound(ts, from);
      const end = chunk.end_ts <= to ? ts.length : upperBound(ts, to);
      const take = Math.min(end - first, limit - total);
      parts.push({
        ts: ts.subarray(first, first + take),
        values: values.subarray(first, first + take),
      });
      total += take;
      if (total >= limit) break;
    }
    return concat(parts, total);
  }

  /** The series' newest point `[ts, value]`, if it has any. */
  newest(seriesId: number): readonly [number, number] | undefined {
    const row = this.#newest.get(seriesId) as ChunkRow | undefined;
    if (row === undefined) return undefined;
    const { ts, values } = decodeChunk(row.data);
    return [ts[ts.length - 1], values[values.length - 1]];
  }

  /** The time of the series' newest point, or -Infinity. */
  newestTs(seriesId: number): number {
    const row = this.#newestEnd.get(seriesId) as { end_ts: number } | undefined;
    return row?.end_ts ?? -Infinity;
  }

  /**
   * Stores points of one series given in strictly increasing time order
   * (deduplicated), inside the caller's transaction; tells `sink` of each
   * point added or changed (an equal rewrite is neither). Returns how many
   * points replaced a different value.
   */
  merge(seriesId: number, points: PointColumns, sink: MergeSink): number {
    const { ts, values } = points;
    const newest = this.newestTs(seriesId);
    // Points after the newest stored one are appended; the others are merged hour by hour.
    const firstAppend = upperBound(ts, newest);
    // Late points rewrite their hour's chunks: the run of small appends starts afresh.
    if (firstAppend > 0) this.#endRun(seriesId);
    let overwritten = 0;
    let i = 0;
    while (i < firstAppend) {
      const hour = spanStart(ts[i]);
      let end = i;
      while (end < firstAppend && ts[end] < hour + CHUNK_SPAN_MS) end++;
      overwritten += this.#mergeHour(
        seriesId,
        hour,
        ts.subarray(i, end),
        values.subarray(i, end),
        sink,
      );
      i = end;
    }
    if (firstAppend === ts.length) return overwritten;
    for (let k = firstAppend; k < ts.length; k++) sink.add(seriesId, ts[k], values[k]);
    this.#insertRun(seriesId, {
      ts: ts.subarray(firstAppend),
      values: values.subarray(firstAppend),
    });
    this.#noteAppend(seriesId, ts[firstAppend], ts[ts.length - 1], ts.length - firstAppend);
    return overwritten;
  }

  /** Counts a small append into the series' run; merges the run once it is long. */
  #noteAppend(seriesId: number, first: number, last: number, n: number): void {
    const hour = spanStart(first);
    if (n >= SMALL_CHUNK_POINTS || spanStart(last) !== hour) {
      this.#endRun(seriesId);
      return;
    }
    const run = this.#smallRuns.get(seriesId);
    if (run === undefined || run.hour !== hour) {
      // A new hour: its first append stays apart, and the last run of the hour before is
      // rewritten a few appends later (staggered by series, see RUN_MERGE_PHASES).
      if (run?.previous !== undefined) this.#mergeRun(seriesId, run.previous);
      const previous = run !== undefined && run.count > 1 ? run.from : undefined;
      this.#smallRuns.set(seriesId, { from: first, hour, count: 1, previous });
      return;
    }
    run.count++;
    if (run.previous !== undefined && run.count >= previousRunMergeAt(seriesId)) {
      this.#mergeRun(seriesId, run.previous);
      run.previous = undefined;
    }
    if (run.count < runMergeLength(seriesId)) return;
    // The previous hour's run is rewritten by now: previousRunMergeAt ≤ runMergeLength.
    const merged = this.#mergeRun(seriesId, run.from);
    if (merged < SMALL_CHUNK_POINTS) run.count = 1;
    else this.#smallRuns.delete(seriesId);
  }

  /** Forgets the series' run, first rewriting the previous hour's run that waits for it. */
  #endRun(seriesId: number): void {
    const previous = this.#smallRuns.get(seriesId)?.previous;
    if (previous !== undefined) this.#mergeRun(seriesId, previous);
    this.#smallRuns.delete(seriesId);
  }

  /**
   * Rewrites the series' chunks from `from` to the end of its hour (a run of
   * small appends: nothing else of the hour follows it) as few chunks;
   * returns their points.
   */
  #mergeRun(seriesId: number, from: number): number {
    const rows = this.#hour.all(
      seriesId,
      from,
      spanStart(from) + CHUNK_SPAN_MS,
    ) as unknown as ChunkRow[];
    const merged = concat(rows.map((row) => decodeChunk(row.data)));
    if (rows.length > 1) {
      for (const row of rows) this.#delete.run(row.id);
      this.#insertRun(seriesId, merged);
    }
    return merged.ts.length;
  }

  /**
   * Deletes the series' points older than `cutoff`, oldest first, at most
   * `budget` of them (a chunk only partly expired, or larger than what is
   * left of the budget, is rewritten without them).
   */
  prune(seriesId: number, cutoff: number, budget: number): ChunkPruneStep {
    let deleted = 0;
    const rows = this.#expired.all(
      seriesId,
      cutoff,
      Math.max(1, budget) + 1,
    ) as unknown as ChunkRow[];
    for (const row of rows) {
      const left = budget - deleted;
      if (left <= 0) return { deleted, finished: false };
      if (row.end_ts < cutoff && row.n <= left) {
        this.#delete.run(row.id);
        deleted += row.n;
        continue;
      }
      const chunk = decodeChunk(row.data);
      const expired = lowerBound(chunk.ts, cutoff);
      const drop = Math.min(expired, left);
      this.#delete.run(row.id);
      this.#insertRun(seriesId, {
        ts: chunk.ts.subarray(drop),
        values: chunk.values.subarray(drop),
      });
      deleted += drop;
      if (drop < expired) return { deleted, finished: false };
    }
    // Every chunk fetched was handled, so the LIMIT found them all.
    return { deleted, finished: true };
  }

  #mergeHour(
    seriesId: number,
    hour: number,
    ts: Float64Array,
    values: Float64Array,
    sink: MergeSink,
  ): number {
    const rows = this.#hour.all(seriesId, hour, hour + CHUNK_SPAN_MS) as unknown as ChunkRow[];
    const stored = concat(rows.map((row) => decodeChunk(row.data)));
    const merged = {
      ts: new Float64Array(stored.ts.length + ts.length),
      values: new Float64Array(stored.ts.length + ts.length),
    };
    let overwritten = 0;
    let a = 0;
    let b = 0;
    let n = 0;
    while (a < stored.ts.length || b < ts.length) {
      const takeNew = a === stored.ts.length || (b < ts.length && ts[b] <= stored.ts[a]);
      if (!takeNew) {
        merged.ts[n] = stored.ts[a];
        merged.values[n++] = stored.values[a++];
        continue;
      }
      if (a < stored.ts.length && stored.ts[a] === ts[b]) {
        const old = stored.values[a++];
        if (!Object.is(old, values[b])) {
          sink.overwrite(seriesId, ts[b], old, values[b]);
          overwritten++;
        }
      } else {
        sink.add(seriesId, ts[b], values[b]);
      }
      merged.ts[n] = ts[b];
      merged.values[n++] = values[b++];
    }
    for (const row of rows) this.#delete.run(row.id);
    this.#insertRun(seriesId, {
      ts: merged.ts.subarray(0, n),
      values: merged.values.subarray(0, n),
    });
    return overwritten;
  }

  /** Inserts sorted points of one series as chunks, split at span boundaries and the size bound. */
  #insertRun(seriesId: number, points: PointColumns): void {
    const { ts } = points;
    let i = 0;
    while (i < ts.length) {
      const limit = spanStart(ts[i]) + CHUNK_SPAN_MS;
      let end = Math.min(ts.length, i + MAX_CHUNK_POINTS);
      if (ts[end - 1] >= limit) end = lowerBound(ts, limit, i, end);
      this.#insert.run(seriesId, ts[i], ts[end - 1], end - i, encodeChunk(points, i, end));
      i = end;
    }
  }
}

/** Start of the aligned span holding `ts` (floored, so times before 1970 land right too). */
export function spanStart(ts: number): number {
  return ts - (((ts % CHUNK_SPAN_MS) + CHUNK_SPAN_MS) % CHUNK_SPAN_MS);
}

/** First index in `lo`…`hi` whose time is ≥ `t` (`hi` if none). */
export function lowerBound(ts: Float64Array, t: number, lo = 0, hi = ts.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose time is > `t` (`ts.length` if none). */
export function upperBound(ts: Float64Array, t: number): number {
  let lo = 0;
  let hi = ts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The columns of `parts` one after the other. */
export function concat(
  parts: readonly PointColumns[],
  total = parts.reduce((n, p) => n + p.ts.length, 0),
): PointColumns {
  if (parts.length === 1 && parts[0].ts.length === total) return parts[0];
  const ts = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const part of parts) {
    ts.set(part.ts, at);
    values.set(part.values, at);
    at += part.ts.length;
  }
  return { ts, values };
}
