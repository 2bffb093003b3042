import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { BucketRow } from "./bucket_fold.ts";
import { ChunkTable } from "./chunk_table.ts";
import {
  addPoint,
  applyOverwrites,
  bucketStart,
  emptyCell,
  mergeCell,
  type RollupCell,
} from "./rollup.ts";
import type { PendingBucket, RollupBatch } from "./rollup_batch.ts";
import { ROLLUP_MS } from "./time_series_store.ts";

/** Rollup widths, finest first. */
export const ROLLUP_WIDTHS: readonly number[] = Object.values(ROLLUP_MS).sort((a, b) => a - b);

/** The rollups table; created by the store's schema. */
export const ROLLUPS_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rollups (
    series_id INTEGER NOT NULL,
    width INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    min_v REAL NOT NULL,
    max_v REAL NOT NULL,
    sum_v REAL NOT NULL,
    n INTEGER NOT NULL,
    last_v REAL NOT NULL,
    last_ts INTEGER NOT NULL,
    PRIMARY KEY (series_id, width, bucket)
  ) WITHOUT ROWID;`;

const CELL_COLUMNS =
  "min_v AS min, max_v AS max, sum_v AS sum, n AS count, last_v AS last, last_ts AS lastTs";

/**
 * The 1 min, 1 h and 1 d rollups of an embedded store, kept in one table
 * keyed by (series, width, bucket start). {@link RollupTable.apply} runs
 * inside the store's write transaction: a batch's new points are merged into
 * each bucket they touch with one upsert per bucket; overwrites move the sum
 * and `last` by the difference, and an extreme they invalidate is recomputed
 * from the next finer level (raw points for 1 min, 1 min rollups for 1 h,
 * 1 h for 1 d), which was brought up to date first. The store applies only
 * the 1 min width per batch and folds 1 h / 1 d from it later (see
 * `RollupJournal`); {@link RollupTable.query} answers a bucket that waits for
 * that fold from the 1 min rollup. So every bucket read equals the aggregate
 * of the final raw data, as long as the finer data of that bucket is still
 * retained (see the store's retention).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { RollupBatch } from "./rollup_batch.ts";
 * declare const db: DatabaseSync, batch: RollupBatch;
 * declare const seriesId: number, from: number, to: number;
 *
 * const rollups = new RollupTable(db);
 * rollups.apply(batch); // inside the write transaction
 * rollups.query(seriesId, 3_600_000, 3_600_000, { from, to, limit: 1_000 }); // hourly buckets
 * ```
 */
export class RollupTable {
  readonly #upsert: StatementSync;
  readonly #replace: StatementSync;
  readonly #select: StatementSync;
  readonly #range: StatementSync;
  readonly #grouped: StatementSync;
  readonly #newest: StatementSync;
  readonly #chunks: ChunkTable;
  readonly #fromRollups: StatementSync;
  readonly #rollupLast: StatementSync;
  readonly #dirtyHours: StatementSync;

  constructor(db: DatabaseSync) {
    this.#upsert = db.prepare(
      `INSERT INTO rollups (series_id, width, bucket, min_v, max_v, sum_v, n, last_v, last_ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, width, bucket) DO UPDATE SET
         min_v = min(min_v, excluded.min_v),
         max_v = max(max_v, excluded.max_v),
         sum_v = sum_v + excluded.sum_v,
         n = n + excluded.n,
         last_v = CASE WHEN excluded.last_ts >= last_ts THEN excluded.last_v ELSE last_v END,
         last_ts = max(last_ts, excluded.last_ts)`,
    );
    this.#replace = db.prepare(
      `INSERT OR REPLACE INTO rollups (series_id, width, bucket, min_v, max_v, sum_v, n, last_v, last_ts)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#select = db.prepare(
      `SELECT ${CELL_COLUMNS} FROM rollups WHERE series_id = ? AND width = ? AND bucket = ?`,
    );
    this.#range = db.prepare(
      `SELECT bucket, ${CELL_COLUMNS} FROM rollups
       WHERE series_id = ? AND width = ? AND bucket BETWEEN ? AND ? ORDER BY bucket LIMIT ?`,
    );
    // Coarser buckets summed up in SQL: a week of minutes comes back as 672 rows, not 10,080.
    this.#grouped = db.prepare(
      `SELECT g.start AS bucket, g.min AS min, g.max AS max, g.sum AS sum, g.count AS count,
              r.last_v AS last, g.lastTs AS lastTs
       FROM (SELECT bucket - (((bucket % ?1) + ?1) % ?1) AS start, min(min_v) AS min,
                    max(max_v) AS max, sum(sum_v) AS sum, sum(n) AS count, max(last_ts) AS lastTs
             FROM rollups WHERE series_id = ?2 AND width = ?3 AND bucket BETWEEN ?4 AND ?5
             GROUP BY start) g
       JOIN rollups r ON r.series_id = ?2 AND r.width = ?3
         AND r.bucket = g.lastTs - (((g.lastTs % ?3) + ?3) % ?3)
       ORDER BY g.start LIMIT ?6`,
    );
    this.#newest = db.prepare(
      `SELECT last_v AS value, last_ts AS ts FROM rollups
       WHERE series_id = ? AND width = ? ORDER BY bucket DESC LIMIT 1`,
    );
    this.#chunks = new ChunkTable(db);
    this.#fromRollups = db.prepare(
      `SELECT min(min_v) AS min, max(max_v) AS max, sum(sum_v) AS sum, coalesce(sum(n), 0) AS count,
              max(last_ts) AS lastTs
       FROM rollups WHERE series_id = ? AND width = ? AND bucket >= ? AND bucket < ?`,
    );
    this.#rollupLast = db.prepare(
      "SELECT last_v AS value FROM rollups WHERE series_id = ? AND width = ? AND bucket = ?",
    );
    this.#dirtyHours = db.prepare(
      "SELECT hour FROM rollup_dirty WHERE series_id = ? AND hour BETWEEN ? AND ? ORDER BY hour",
    );
  }

  /**
   * Brings every bucket of `widths` (default all, finest first) a batch
   * touched up to date. Returns how many buckets needed an extreme
   * recomputed from finer data.
   */
  apply(batch: RollupBatch, widths: readonly number[] = ROLLUP_WIDTHS): number {
    let recomputed = 0;
    for (const width of widths) {
      for (const pending of batch.buckets(width)) {
        if (pending.overwrites.length === 0) {
          const a = pending.added;
          this.#upsert.run(
            pending.seriesId,
            width,
            pending.bucket,
            a.min,
            a.max,
            a.sum,
            a.count,
            a.last,
            a.lastTs,
          );
        } else if (this.#applyOverwrites(width, pending)) {
          recomputed++;
        }
      }
    }
    return recomputed;
  }

  /**
   * Buckets of `every` (a multiple of `width`) in `from`…`to` (bucket
   * starts), combined from the stored buckets of `width`, oldest first.
   * A 1 h or 1 d bucket the journal marks as not yet folded is computed from
   * the 1 min rollup instead; the answer then holds buckets of `width`, which
   * the caller folds into `every`.
   */
  query(
    seriesId: number,
    width: number,
    every: number,
    range: { readonly from: number; readonly to: number; readonly limit: number },
  ): BucketRow[] {
    if (width > ROLLUP_WIDTHS[0]) {
      const dirty = this.#dirtyHours.all(seriesId, range.from, range.to) as Array<
        { hour: number }
      >;
      if (dirty.length > 0) return this.#queryStale(seriesId, width, range, dirty);
    }
    const rows = every === width
      ? this.#range.all(seriesId, width, range.from, range.to, range.limit)
      : this.#grouped.all(every, seriesId, width, range.from, range.to, range.limit);
    return rows as unknown as BucketRow[];
  }

  /** The newest point any rollup remembers of a series: `[ts, value]`. */
  newest(seriesId: number): readonly [number, number] | undefined {
    let best: { ts: number; value: number } | undefined;
    for (const width of ROLLUP_WIDTHS) {
      const row = this.#newest.get(seriesId, width) as { ts: number; value: number } | undefined;
      if (row !== undefined && (best === undefined || row.ts > best.ts)) best = row;
    }
    return best === undefined ? undefined : [best.ts, best.value];
  }

  /**
   * The aggregate of one bucket recomputed from a finer level (default the
   * next finer one; raw points below 1 min), or undefined when that level
   * holds nothing for it.
   */
  recompute(
    seriesId: number,
    width: number,
    bucket: number,
    finer: number | undefined = ROLLUP_WIDTHS[ROLLUP_WIDTHS.indexOf(width) - 1],
  ): RollupCell | undefined {
    if (finer === undefined) {
      const { ts, values } = this.#chunks.read(seriesId, bucket, bucket + width - 1);
      if (ts.length === 0) return undefined;
      const cell = emptyCell();
      for (let i = 0; i < ts.length; i++) addPoint(cell, ts[i], values[i]);
      return cell;
    }
    const row = this.#fromRollups.get(seriesId, finer, bucket, bucket + width) as unknown as
      & Omit<RollupCell, "last">
      & { count: number };
    if (row.count === 0) return undefined;
    const last = this.#rollupLast.get(seriesId, finer, bucketStart(row.lastTs, finer)) as {
      value: number;
    };
    return { ...row, last: last.value };
  }

  #queryStale(
    seriesId: number,
    width: number,
    range: { readonly from: number; readonly to: number },
    dirty: ReadonlyArray<{ hour: number }>,
  ): BucketRow[] {
    const byBucket = new Map<number, BucketRow>();
    for (const row of this.#range.all(seriesId, width, range.from, range.to, -1)) {
      const bucketRow = row as unknown as BucketRow;
      byBucket.set(bucketRow.bucket, bucketRow);
    }
    const finest = ROLLUP_WIDTHS[0];
    for (const { hour } of dirty) {
      const bucket = bucketStart(hour, width);
      const cell = this.recompute(seriesId, width, bucket, finest);
      if (cell !== undefined) byBucket.set(bucket, { ...cell, bucket });
    }
    return [...byBucket.values()].sort((a, b) => a.bucket - b.bucket);
  }

  /** Overwrites in one bucket; true when an extreme had to be recomputed. */
  #applyOverwrites(width: number, pending: PendingBucket): boolean {
    const stored = this.#select.get(pending.seriesId, width, pending.bucket) as
      | RollupCell
      | undefined;
    let cell: RollupCell | undefined;
    let recomputed = false;
    if (stored === undefined) {
      // The bucket was pruned while finer data of it was kept: rebuild it whole.
      cell = this.recompute(pending.seriesId, width, pending.bucket);
      recomputed = true;
    } else {
      cell = { ...stored };
      mergeCell(cell, pending.added);
      const invalid = applyOverwrites(cell, pending.overwrites);
      if (invalid.min || invalid.max) {
        recomputed = true;
        const fresh = this.recompute(pending.seriesId, width, pending.bucket);
        if (fresh !== undefined) {
          if (invalid.min) cell.min = fresh.min;
          if (invalid.max) cell.max = fresh.max;
        }
      }
    }
    if (cell !== undefined) {
      this.#replace.run(
        pending.seriesId,
        width,
        pending.bucket,
        cell.min,
        cell.max,
        cell.sum,
        cell.count,
        cell.last,
        cell.lastTs,
      );
    }
    return recomputed;
  }
}
