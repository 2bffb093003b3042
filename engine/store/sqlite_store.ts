import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { EngineMetrics } from "../metrics.ts";
import type { SeriesPoint } from "../telemetry.ts";
import { type BucketRow, foldBuckets } from "./bucket_fold.ts";
import { bucketSpan, resolutionFor } from "./history_plan.ts";
import type { Prunable, PruneStep } from "./retention_job.ts";
import { retentionPolicy } from "./retention_policy.ts";
import { PointBatchEncoder } from "./point_batch.ts";
import { PointWriter, type WriteOutcome } from "./point_writer.ts";
import { ROLLUP_JOURNAL_SCHEMA } from "./rollup_journal.ts";
import { ROLLUPS_SCHEMA, RollupTable } from "./rollup_table.ts";
import { StoreWriteClient } from "./store_write_client.ts";
import { openWriteConnection } from "./write_connection.ts";
import {
  type RangeQuery,
  type Resolution,
  type RetentionPolicy,
  ROLLUP_MS,
  type SeriesData,
  type SeriesInfo,
  type TimeSeriesStore,
} from "./time_series_store.ts";
import { rebuildRollups } from "./rollup_rebuild.ts";

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or ":memory:" for tests. */
  readonly path: string;
  /** How long each resolution is kept; unset ones as `DEFAULT_RETENTION`. Enforced by `prune`. */
  readonly retention?: Partial<RetentionPolicy>;
  /** Where overwrites, rollup recomputes and query times are counted. */
  readonly metrics?: EngineMetrics;
  /**
   * Longest the 1 h / 1 d rollups lag the 1 min rollup while writes arrive
   * (default 10 s). Readers compute a lagging hour from the 1 min rollup, so
   * this trades their work against the fold's, which re-reads every marked
   * hour: every 2 s it cost 0.6 µs a point at 4,000 series, every 10 s 0.1.
   */
  readonly foldEveryMs?: number;
}

/**
 * Schema version kept in `PRAGMA user_version`: 1 added the rollups, 2 the
 * journal of hours whose 1 h / 1 d rollups wait for a fold.
 */
const SCHEMA_VERSION = 2;

const PRUNE_LEVELS: ReadonlyArray<{ resolution: Resolution; width: number }> = [
  { resolution: "raw", width: 0 },
  ...(["1m", "1h", "1d"] as const).map((resolution) => ({
    resolution,
    width: ROLLUP_MS[resolution],
  })),
];

interface PruneCursor {
  readonly seriesIds: number[];
  level: number;
  index: number;
}

/**
 * The embedded time-series store: one SQLite file in WAL mode with a series
 * catalogue, raw points keyed by (series, ts) in a WITHOUT ROWID table (the
 * same (series, ts) written twice keeps one row holding the last value), and
 * 1 min / 1 h / 1 d rollups, late points and overwrites included (see
 * {@link RollupTable}). The 1 min rollup is written in the same transaction
 * as the raw points; that transaction also marks the hours it touched in a
 * journal, from which the 1 h and 1 d rollups are folded every `foldEveryMs`,
 * at close and when the file is opened again (so a crash loses nothing).
 * Queries treat a marked 1 h / 1 d bucket as stale and compute it from the
 * 1 min rollup, so answers never lag.
 *
 * Writes run in a dedicated worker that owns the write connection (see
 * `store_write_worker.ts`): a batch's transaction never blocks the caller's
 * event loop, and `write` resolves once the worker has committed. Queries,
 * `latest`, `listSeries` and `prune` use a connection of the calling thread;
 * WAL lets it read while the worker writes. An in-memory store (":memory:")
 * cannot be shared between threads, so it writes on the calling thread.
 *
 * Aggregated queries read the coarsest rollup whose width divides `every`,
 * so a 30-day chart reads ~720 hourly rows instead of 2.6 million points.
 * With `every`, buckets are whole: each bucket that overlaps `from`…`to` is
 * answered over its full width, whichever resolution computed it.
 *
 * Retention is not a timer of its own: {@link SqliteStore.prune} deletes a
 * bounded chunk per call, driven by a `RetentionJob`. Rollups outlive the
 * raw points they summarise (defaults: raw 7 d, 1 min 90 d, 1 h 2 y, 1 d
 * forever). A point rewritten after its raw point was pruned cannot be told
 * from a new one, so it is counted again in the rollups that remain.
 *
 * A batch of thousands of points commits in tens of milliseconds, which is
 * why callers write through a batching writer.
 * `synchronous=NORMAL` in WAL mode keeps every committed batch across a crash
 * of the process (not across a power cut, which would need FULL).
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: "data/timeseries.db" });
 * await store.write([{ factory: "f", machine: "m", metric: "temp", ts: Date.now(), value: 21 }]);
 * ```
 */
export class SqliteStore implements TimeSeriesStore, Prunable {
  readonly #db: DatabaseSync;
  readonly #retention: RetentionPolicy;
  readonly #metrics: EngineMetrics | undefined;
  readonly #rollups: RollupTable;
  readonly #encoder = new PointBatchEncoder();
  // Exactly one of them: the worker for a file, the in-thread writer for ":memory:".
  readonly #client: StoreWriteClient | undefined;
  readonly #inline: PointWriter | undefined;
  readonly #foldEveryMs: number;
  #lastFold = -Infinity;
  readonly #selectSeriesId: StatementSync;
  readonly #selectRange: StatementSync;
  readonly #selectRawBuckets: StatementSync;
  readonly #selectNewest: StatementSync;
  readonly #selectMachineSeries: StatementSync;
  readonly #pruneRawBoundary: StatementSync;
  readonly #pruneRawUpTo: StatementSync;
  readonly #pruneRawBefore: StatementSync;
  readonly #pruneRollupBoundary: StatementSync;
  readonly #pruneRollupUpTo: StatementSync;
  #pruneCursor: PruneCursor | undefined;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.#retention = retentionPolicy(options.retention);
    this.#metrics = options.metrics;
    this.#foldEveryMs = options.foldEveryMs ?? 10_000;
    if (!Number.isInteger(this.#foldEveryMs) || this.#foldEveryMs < 1) {
      throw new RangeError(
        `Cannot open store: 'foldEveryMs' must be a positive integer: current value is ${this.#foldEveryMs}`,
      );
    }
    this.#db = openWriteConnection(options.path);
    this.#migrate(options.path);
    this.#rollups = new RollupTable(this.#db);
    this.#selectSeriesId = this.#db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    );
    this.#selectRange = this.#db.prepare(
      "SELECT ts, value FROM points WHERE series_id = ? AND ts BETWEEN ? AND ? ORDER BY ts LIMIT ?",
    );
    // One group per bucket (floored, so times before 1970 land right too), its last value
    // fetched by the newest timestamp of the group.
    this.#selectRawBuckets = this.#db.prepare(
      `SELECT g.bucket AS bucket, g.min AS min, g.max AS max, g.sum AS sum, g.count AS count,
              p.value AS last, g.lastTs AS lastTs
       FROM (SELECT ts - (((ts % ?1) + ?1) % ?1) AS bucket, min(value) AS min, max(value) AS max,
                    sum(value) AS sum, count(*) AS count, max(ts) AS lastTs
             FROM points WHERE series_id = ?2 AND ts BETWEEN ?3 AND ?4 GROUP BY bucket) g
       JOIN points p ON p.series_id = ?2 AND p.ts = g.lastTs
       ORDER BY g.bucket LIMIT ?5`,
    );
    this.#selectMachineSeries = this.#db.prepare(
      "SELECT id, metric FROM series WHERE factory = ? AND machine = ? ORDER BY id",
    );
    this.#selectNewest = this.#db.prepare(
      "SELECT ts, value FROM points WHERE series_id = ? ORDER BY ts DESC LIMIT 1",
    );
    this.#pruneRawBoundary = this.#db.prepare(
      "SELECT ts FROM points WHERE series_id = ? AND ts < ? ORDER BY ts LIMIT 1 OFFSET ?",
    );
    this.#pruneRawUpTo = this.#db.prepare(
      "DELETE FROM points WHERE series_id = ? AND ts <= ?",
    );
    this.#pruneRawBefore = this.#db.prepare(
      "DELETE FROM points WHERE series_id = ? AND ts < ?",
    );
    this.#pruneRollupBoundary = this.#db.prepare(
      "SELECT bucket FROM rollups WHERE series_id = ? AND width = ? AND bucket <= ? " +
        "ORDER BY bucket LIMIT 1 OFFSET ?",
    );
    this.#pruneRollupUpTo = this.#db.prepare(
      "DELETE FROM rollups WHERE series_id = ? AND width = ? AND bucket <= ?",
    );
    // Last, so that nothing above can throw and leave a worker running.
    if (options.path === ":memory:") {
      this.#inline = new PointWriter(this.#db);
    } else {
      this.#client = new StoreWriteClient({
        path: options.path,
        foldEveryMs: this.#foldEveryMs,
        onFoldError: (error) =>
          console.error("store: folding 1 h / 1 d rollups failed; will retry", error),
      });
    }
  }

  /** The retention periods this store prunes to. */
  get retention(): RetentionPolicy {
    return this.#retention;
  }

  write(points: readonly SeriesPoint[]): Promise<void> {
    this.#assertOpen("write");
    if (points.length === 0) return Promise.resolve();
    const batch = this.#encoder.encode(points);
    if (this.#client !== undefined) {
      return this.#client.write(batch).then(
        (outcome) => this.#count(outcome),
        (error) => {
          throw new Error(`Cannot write ${points.length} points to the store`, { cause: error });
        },
      );
    }
    try {
      this.#count(this.#inline!.write(batch));
      const now = performance.now();
      if (now - this.#lastFold >= this.#foldEveryMs) {
        this.#lastFold = now;
        this.#inline!.fold();
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  queryRange(query: RangeQuery): Promise<SeriesData[]> {
    this.#assertOpen("query");
    const started = performance.now();
    const metrics = query.metrics.length > 0
      ? query.metrics
      : this.#metricsOf(query.factory, query.machine);
    const limit = query.limit ?? 1_000_000;
    const every = query.every;
    const resolution = every === undefined ? "raw" : resolutionFor(every);
    const result: SeriesData[] = [];
    for (const metric of metrics) {
      const id = this.#existingSeriesId(query.factory, query.machine, metric);
      if (every === undefined) {
        const rows = id === undefined
          ? []
          : this.#selectRange.all(id, query.from, query.to, limit) as Array<
            { ts: number; value: number }
          >;
        result.push({ metric, points: rows.map((r) => [r.ts, r.value] as const), resolution });
        continue;
      }
      const span = bucketSpan(query.from, query.to, every);
      const from = span.first;
      const to = span.last + every - 1;
      let rows: BucketRow[] = [];
      if (id !== undefined && resolution === "raw") {
        rows = this.#selectRawBuckets.all(every, id, from, to, limit) as unknown as BucketRow[];
      } else if (id !== undefined) {
        const width = ROLLUP_MS[resolution as Exclude<Resolution, "raw">];
        rows = this.#rollups.query(id, width, every, { from, to, limit });
      }
      const folded = foldBuckets(rows, every, query.agg ?? "mean", limit);
      result.push({ metric, points: folded.points, envelope: folded.envelope, resolution });
    }
    this.#metrics?.storeQuerySeconds.observe(
      { resolution },
      (performance.now() - started) / 1000,
    );
    return Promise.resolve(result);
  }

  listSeries(factory: string, machine?: string): Promise<SeriesInfo[]> {
    this.#assertOpen("list series");
    const rows = machine === undefined
      ? this.#db.prepare(
        "SELECT factory, machine, metric FROM series WHERE factory = ? ORDER BY machine, id",
      ).all(factory)
      : this.#db.prepare(
        "SELECT factory, machine, metric FROM series WHERE factory = ? AND machine = ? ORDER BY id",
      ).all(factory, machine);
    return Promise.resolve(rows as unknown as SeriesInfo[]);
  }

  /**
   * The newest point of each series of a machine: one index seek per series
   * into the raw points, or, for a series silent for longer than the raw
   * retention, the newest value its rollups remember.
   */
  latest(factory: string, machine: string): Promise<Record<string, readonly [number, number]>> {
    this.#assertOpen("query");
    const series = this.#selectMachineSeries.all(factory, machine) as Array<
      { id: number; metric: string }
    >;
    const latest: Record<string, readonly [number, number]> = {};
    for (const { id, metric } of series) {
      const row = this.#selectNewest.get(id) as { ts: number; value: number } | undefined;
      const point = row === undefined ? this.#rollups.newest(id) : [row.ts, row.value] as const;
      if (point !== undefined) latest[metric] = point;
    }
    return Promise.resolve(latest);
  }

  /**
   * Deletes expired raw points and rollup buckets, at most about `maxRows`
   * per call (each series probed counts as one), in one transaction.
   * A rollup bucket goes once all of it is older than its retention.
   */
  prune(now: number, maxRows: number): PruneStep {
    this.#assertOpen("prune");
    const deleted: Record<string, number> = { raw: 0, "1m": 0, "1h": 0, "1d": 0 };
    const cursor = this.#pruneCursor ??= {
      seriesIds: (this.#db.prepare("SELECT id FROM series ORDER BY id").all() as Array<
        { id: number }
      >).map((r) => r.id),
      level: 0,
      index: 0,
    };
    let spent = 0;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      while (spent < maxRows && cursor.level < PRUNE_LEVELS.length) {
        const level = PRUNE_LEVELS[cursor.level];
        const keep = this.#retention[level.resolution];
        if (keep === null || cursor.index >= cursor.seriesIds.length) {
          cursor.level++;
          cursor.index = 0;
          continue;
        }
        const id = cursor.seriesIds[cursor.index];
        const chunk = Math.max(1, maxRows - spent);
        const step = level.width === 0
          ? this.#pruneRaw(id, now - keep, chunk)
          : this.#pruneRollup(id, level.width, now - keep, chunk);
        deleted[level.resolution] += step.deleted;
        spent += step.deleted + 1;
        if (step.finished) cursor.index++;
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      this.#pruneCursor = undefined;
      throw new Error("Cannot prune the store", { cause: error });
    }
    const done = cursor.level >= PRUNE_LEVELS.length;
    if (done) this.#pruneCursor = undefined;
    return { deleted, done };
  }

  /** Waits for the writes in flight, folds the journal and releases both connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      if (this.#client !== undefined) await this.#client.close();
      else this.#inline!.fold();
    } finally {
      this.#db.close();
    }
  }

  #count(outcome: WriteOutcome): void {
    if (outcome.overwritten > 0) this.#metrics?.storePointsOverwritten.inc(outcome.overwritten);
    if (outcome.recomputed > 0) this.#metrics?.storeRollupRecomputes.inc(outcome.recomputed);
  }

  #pruneRaw(id: number, cutoff: number, chunk: number): { deleted: number; finished: boolean } {
    const boundary = this.#pruneRawBoundary.get(id, cutoff, chunk - 1) as
      | { ts: number }
      | undefined;
    if (boundary !== undefined) {
      return { deleted: Number(this.#pruneRawUpTo.run(id, boundary.ts).changes), finished: false };
    }
    return { deleted: Number(this.#pruneRawBefore.run(id, cutoff).changes), finished: true };
  }

  #pruneRollup(
    id: number,
    width: number,
    cutoff: number,
    chunk: number,
  ): { deleted: number; finished: boolean } {
    const newestExpired = cutoff - width;
    const boundary = this.#pruneRollupBoundary.get(id, width, newestExpired, chunk - 1) as
      | { bucket: number }
      | undefined;
    const upTo = boundary?.bucket ?? newestExpired;
    const deleted = Number(this.#pruneRollupUpTo.run(id, width, upTo).changes);
    return { deleted, finished: boundary === undefined };
  }

  #migrate(path: string): void {
    const { user_version: version } = this.#db.prepare("PRAGMA user_version").get() as {
      user_version: number;
    };
    if (version > SCHEMA_VERSION) {
      throw new Error(
        `Cannot open ${path}: its schema version ${version} is newer than this Millwright ` +
          `(${SCHEMA_VERSION}); upgrade Millwright or use another DATA_DIR`,
      );
    }
    if (version === SCHEMA_VERSION) return;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      // Another process (an import) may have migrated the file while we waited for the lock.
      if (
        (this.#db.prepare("PRAGMA user_version").get() as { user_version: number })
          .user_version === SCHEMA_VERSION
      ) {
        this.#db.exec("COMMIT");
        return;
      }
      const hadRollups = version >= 1;
      this.#db.exec(`
        CREATE TABLE IF NOT EXISTS series (
          id INTEGER PRIMARY KEY,
          factory TEXT NOT NULL,
          machine TEXT NOT NULL,
          metric TEXT NOT NULL,
          UNIQUE (factory, machine, metric)
        );
        CREATE TABLE IF NOT EXISTS points (
          series_id INTEGER NOT NULL,
          ts INTEGER NOT NULL,
          value REAL NOT NULL,
          PRIMARY KEY (series_id, ts)
        ) WITHOUT ROWID;
        ${ROLLUPS_SCHEMA}
        ${ROLLUP_JOURNAL_SCHEMA}
      `);
      // A store from before rollups: summarise the points it already holds.
      if (!hadRollups) rebuildRollups(this.#db);
      this.#db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error(`Cannot migrate ${path} to schema version ${SCHEMA_VERSION}`, {
        cause: error,
      });
    }
  }

  #metricsOf(factory: string, machine: string): string[] {
    const rows = this.#selectMachineSeries.all(factory, machine) as Array<{ metric: string }>;
    return rows.map((r) => r.metric);
  }

  #existingSeriesId(factory: string, machine: string, metric: string): number | undefined {
    const row = this.#selectSeriesId.get(factory, machine, metric) as { id: number } | undefined;
    return row?.id;
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`Cannot ${what}: the store is closed`);
  }
}
