import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { EngineMetrics } from "../metrics.ts";
import { positiveInteger } from "../positive_integer.ts";
import type { SeriesPoint } from "../telemetry.ts";
import { type BucketRow, foldBuckets } from "./bucket_fold.ts";
import type { PointColumns } from "./chunk_codec.ts";
import { Checkpointer } from "./checkpointer.ts";
import { CHUNKS_SCHEMA, ChunkTable, upperBound } from "./chunk_table.ts";
import { HEAD_LOG_SCHEMA, HeadView, overlay } from "./head_log.ts";
import { bucketSpan, resolutionFor } from "./history_plan.ts";
import type { Prunable, PruneStep } from "./retention_job.ts";
import { retentionPolicy } from "./retention_policy.ts";
import { type PointBatch, PointBatchEncoder, type SeriesColumns } from "./point_batch.ts";
import { COMPACTION_SLICE, PointWriter, type WriteOutcome } from "./point_writer.ts";
import { addPoint, bucketStart, emptyCell } from "./rollup.ts";
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
import { packPointRows } from "./point_rows_migration.ts";
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
  /**
   * Longest written points wait in the head before they are compacted into
   * per-series chunks and the 1 min rollup (default 60 s). Queries read the
   * head too, so this trades the head's size (which each reader scans)
   * against chunk size: one chunk per series per compaction.
   */
  readonly compactEveryMs?: number;
  /** Points in the head that start a compaction before `compactEveryMs` (default 500,000). */
  readonly compactAtPoints?: number;
  /**
   * Period of the background WAL checkpoints of a store on a file (default
   * 5 s; see `checkpoint_worker.ts`).
   */
  readonly checkpointEveryMs?: number;
  /**
   * Head points a compaction takes into memory at a time (default
   * `COMPACTION_SLICE`, 600,000; see `point_writer.ts`). Batch tools that
   * care for memory more than for compaction time pass less.
   */
  readonly compactionSlice?: number;
}

/**
 * Schema version kept in `PRAGMA user_version`: 1 added the rollups, 2 the
 * journal of hours whose 1 h / 1 d rollups wait for a fold, 3 replaced the
 * row per raw point with the head log and per-series chunks.
 */
const SCHEMA_VERSION = 3;

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
 * catalogue, raw points, and 1 min / 1 h / 1 d rollups, late points and
 * overwrites included (see {@link RollupTable}). A write appends its batch
 * to the head log as one row (see `HeadLog`); every `compactEveryMs` (or
 * sooner past `compactAtPoints`) one transaction moves the head into
 * per-series chunks (see `ChunkTable`; the same (series, ts) written twice
 * keeps the last value), updates the 1 min rollup and marks the hours it
 * touched in a journal, from which the 1 h and 1 d rollups are folded every
 * `foldEveryMs`, at close and when the file is opened again (so a crash
 * loses nothing). Queries read the chunks and the head together and count
 * head points into the rollup buckets they fall in, and treat a marked
 * 1 h / 1 d bucket as stale and compute it from the 1 min rollup, so
 * answers never lag.
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
 * A batch commits in well under a millisecond per thousand points; callers
 * still write through a batching writer, one head row per batch.
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
  readonly #checkpointer: Checkpointer | undefined;
  readonly #foldEveryMs: number;
  readonly #compactEveryMs: number;
  readonly #compactAtPoints: number;
  #lastFold = -Infinity;
  #lastCompaction = -Infinity;
  readonly #chunks: ChunkTable;
  readonly #head: HeadView;
  readonly #selectSeriesId: StatementSync;
  readonly #selectMachineSeries: StatementSync;
  readonly #pruneRollupBoundary: StatementSync;
  readonly #pruneRollupUpTo: StatementSync;
  #pruneCursor: PruneCursor | undefined;
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.#retention = retentionPolicy(options.retention);
    this.#metrics = options.metrics;
    this.#foldEveryMs = positiveInteger("open store", "foldEveryMs", options.foldEveryMs ?? 10_000);
    this.#compactEveryMs = positiveInteger(
      "open store",
      "compactEveryMs",
      options.compactEveryMs ?? 60_000,
    );
    this.#compactAtPoints = positiveInteger(
      "open store",
      "compactAtPoints",
      options.compactAtPoints ?? 500_000,
    );
    const compactionSlice = positiveInteger(
      "open store",
      "compactionSlice",
      options.compactionSlice ?? COMPACTION_SLICE,
    );
    this.#db = openWriteConnection(options.path);
    this.#migrate(options.path);
    this.#rollups = new RollupTable(this.#db);
    this.#chunks = new ChunkTable(this.#db);
    this.#head = new HeadView(this.#db);
    this.#selectSeriesId = this.#db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    );
    this.#selectMachineSeries = this.#db.prepare(
      "SELECT id, metric FROM series WHERE factory = ? AND machine = ? ORDER BY id",
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
      this.#inline = new PointWriter(this.#db, { compactionSlice });
    } else {
      this.#client = new StoreWriteClient({
        path: options.path,
        foldEveryMs: this.#foldEveryMs,
        compactEveryMs: this.#compactEveryMs,
        compactAtPoints: this.#compactAtPoints,
        compactionSlice,
        onBackgroundError: (error) =>
          console.error("store: compacting the head or folding rollups failed; will retry", error),
      });
      this.#checkpointer = new Checkpointer(options.path, {
        everyMs: positiveInteger(
          "open store",
          "checkpointEveryMs",
          options.checkpointEveryMs ?? 5_000,
        ),
        onError: (error) => console.error("store: checkpointing failed; will retry", error),
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
    return this.#writeBatch(this.#encoder.encode(points));
  }

  writeColumns(columns: SeriesColumns): Promise<void> {
    this.#assertOpen("write");
    if (columns.keys.length === 0) return Promise.resolve();
    return this.#writeBatch(this.#encoder.encodeColumns(columns));
  }

  #writeBatch(batch: PointBatch): Promise<void> {
    if (this.#client !== undefined) {
      const count = batch.keys.length;
      return this.#client.write(batch).then(
        (outcome) => this.#count(outcome),
        (error) => {
          throw new Error(`Cannot write ${count} points to the store`, { cause: error });
        },
      );
    }
    try {
      const writer = this.#inline!;
      writer.write(batch);
      const now = performance.now();
      if (
        now - this.#lastCompaction >= this.#compactEveryMs ||
        writer.pendingCompaction >= this.#compactAtPoints
      ) {
        this.#compactInline();
      }
      if (now - this.#lastFold >= this.#foldEveryMs) {
        this.#lastFold = now;
        writer.fold();
      }
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Moves the head into chunks and the 1 min rollup now (the store does so
   * on its own every `compactEveryMs`); resolves once committed.
   */
  compact(): Promise<void> {
    this.#assertOpen("compact");
    if (this.#client !== undefined) {
      return this.#client.compact().then((outcome) => this.#count(outcome));
    }
    try {
      this.#compactInline();
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  queryRange(query: RangeQuery): Promise<SeriesData[]> {
    this.#assertOpen("query");
    const started = performance.now();
    const every = query.every;
    const resolution = every === undefined ? "raw" : resolutionFor(every);
    const result = this.#reading(() => {
      const metrics = query.metrics.length > 0
        ? query.metrics
        : this.#metricsOf(query.factory, query.machine);
      const limit = query.limit ?? 1_000_000;
      const answer: SeriesData[] = [];
      for (const metric of metrics) {
        const id = this.#existingSeriesId(query.factory, query.machine, metric);
        if (every === undefined) {
          const { ts, values } = id === undefined
            ? NO_POINTS
            : this.#raw(id, query.from, query.to, limit);
          const points = Array.from(ts, (t, i) => [t, values[i]] as const);
          answer.push({ metric, points, resolution });
          continue;
        }
        const span = bucketSpan(query.from, query.to, every);
        const from = span.first;
        const to = span.last + every - 1;
        let rows: BucketRow[] = [];
        if (id !== undefined && resolution === "raw") {
          rows = rawBuckets(this.#raw(id, from, to), every);
        } else if (id !== undefined) {
          const width = ROLLUP_MS[resolution as Exclude<Resolution, "raw">];
          rows = this.#withHead(
            id,
            every,
            from,
            to,
            this.#rollups.query(id, width, every, {
              from,
              to,
              limit,
            }),
          );
        }
        const folded = foldBuckets(rows, every, query.agg ?? "mean", limit);
        answer.push({ metric, points: folded.points, envelope: folded.envelope, resolution });
      }
      return answer;
    });
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
   * The newest point of each series of a machine: from the head, else the
   * newest chunk, or, for a series silent for longer than the raw retention,
   * the newest value its rollups remember.
   */
  latest(factory: string, machine: string): Promise<Record<string, readonly [number, number]>> {
    this.#assertOpen("query");
    return Promise.resolve(this.#reading(() => {
      const series = this.#selectMachineSeries.all(factory, machine) as Array<
        { id: number; metric: string }
      >;
      const latest: Record<string, readonly [number, number]> = {};
      for (const { id, metric } of series) {
        const head = this.#head.points(id);
        const n = head.ts.length;
        let point = this.#chunks.newest(id);
        if (n > 0 && (point === undefined || head.ts[n - 1] >= point[0])) {
          point = [head.ts[n - 1], head.values[n - 1]];
        }
        point ??= this.#rollups.newest(id);
        if (point !== undefined) latest[metric] = point;
      }
      return latest;
    }));
  }

  /**
   * Deletes expired raw points and rollup buckets, at most about `maxRows`
   * per call (each series probed counts as one), in one transaction.
   * A rollup bucket goes once all of it is older than its retention.
   */
  prune(now: number, maxRows: number): PruneStep {
    this.#assertOpen("prune");
    const deleted: Record<string, number> = { raw: 0, "1m": 0, "1h": 0, "1d": 0 };
    // An in-memory store has no worker compacting its head: expired head points go now.
    if (this.#inline !== undefined) this.#compactInline();
    const cursor = this.#pruneCursor ??= {
      seriesIds: (this.#db.prepare("SELECT id FROM series ORDER BY id").all() as Array<
        { id: number }
      >).map((r) => r.id),
      level: 0,
      index: 0,
    };
    let spent = 0;
    if (!this.#beginWithoutWaiting()) return { deleted, done: false, busy: true };
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
          ? this.#chunks.prune(id, now - keep, chunk)
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
      // First, so that the write worker's connection closes last and removes the WAL.
      await this.#checkpointer?.close();
      if (this.#client !== undefined) {
        await this.#client.close();
      } else {
        this.#compactInline();
        this.#inline!.fold();
      }
    } finally {
      this.#db.close();
    }
  }

  #count(outcome: WriteOutcome): void {
    if (outcome.overwritten > 0) this.#metrics?.storePointsOverwritten.inc(outcome.overwritten);
    if (outcome.recomputed > 0) this.#metrics?.storeRollupRecomputes.inc(outcome.recomputed);
  }

  /**
   * Starts a write transaction on this thread's connection unless another
   * writer (the write worker compacting, an import) holds the database:
   * the event loop must not wait out someone else's transaction.
   */
  #beginWithoutWaiting(): boolean {
    this.#db.exec("PRAGMA busy_timeout = 0");
    try {
      this.#db.exec("BEGIN IMMEDIATE");
      return true;
    } catch (error) {
      if (/database is locked|SQLITE_BUSY/i.test(String((error as Error).message))) return false;
      throw error;
    } finally {
      this.#db.exec("PRAGMA busy_timeout = 5000");
    }
  }

  #compactInline(): void {
    this.#lastCompaction = performance.now();
    this.#count(this.#inline!.compact());
  }

  /** Raw points of a series: its chunks with the head laid over them. */
  #raw(id: number, from: number, to: number, limit = Infinity): PointColumns {
    const merged = overlay(this.#chunks.read(id, from, to, limit), this.#head.points(id, from, to));
    if (merged.ts.length <= limit) return merged;
    return { ts: merged.ts.subarray(0, limit), values: merged.values.subarray(0, limit) };
  }

  /**
   * Rollup rows of a series with its head points counted in: a head point
   * newer than every stored one adds to its bucket; a bucket holding an
   * older head point (a late point or a rewrite, which may replace a stored
   * value) is computed again from the raw points.
   */
  #withHead(id: number, every: number, from: number, to: number, rows: BucketRow[]): BucketRow[] {
    const head = this.#head.points(id, from, to);
    if (head.ts.length === 0) return rows;
    const firstNew = upperBound(head.ts, this.#chunks.newestTs(id));
    const redone = new Set<number>();
    for (let i = 0; i < firstNew; i++) redone.add(bucketStart(head.ts[i], every));
    const out = rows.filter((row) => !redone.has(bucketStart(row.bucket, every)));
    for (const bucket of redone) {
      out.push(...rawBuckets(this.#raw(id, bucket, bucket + every - 1), every));
    }
    const added = rawBuckets({
      ts: head.ts.subarray(firstNew),
      values: head.values.subarray(firstNew),
    }, every);
    for (const row of added) if (!redone.has(row.bucket)) out.push(row);
    return out.sort((a, b) => a.bucket - b.bucket);
  }

  /** Runs `read` in one read transaction, so the head and the chunks it sees agree. */
  #reading<T>(read: () => T): T {
    this.#db.exec("BEGIN");
    try {
      this.#head.refresh();
      return read();
    } finally {
      this.#db.exec("COMMIT");
    }
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
      const hadChunks = version >= 3;
      this.#db.exec(`
        CREATE TABLE IF NOT EXISTS series (
          id INTEGER PRIMARY KEY,
          factory TEXT NOT NULL,
          machine TEXT NOT NULL,
          metric TEXT NOT NULL,
          UNIQUE (factory, machine, metric)
        );
        ${ROLLUPS_SCHEMA}
        ${ROLLUP_JOURNAL_SCHEMA}
        ${CHUNKS_SCHEMA}
        ${HEAD_LOG_SCHEMA}
      `);
      const hasPoints = this.#db.prepare(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'points'",
      ).get() !== undefined;
      // A store from before rollups: summarise the points it already holds.
      if (!hadRollups && hasPoints) rebuildRollups(this.#db);
      // A store from before chunks: pack its row per point into chunks.
      if (!hadChunks && hasPoints) packPointRows(this.#db);
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

const NO_POINTS: PointColumns = { ts: new Float64Array(0), values: new Float64Array(0) };

/** Time-ordered points aggregated into one row per bucket of `every`, oldest first. */
function rawBuckets({ ts, values }: PointColumns, every: number): BucketRow[] {
  const rows: BucketRow[] = [];
  let i = 0;
  while (i < ts.length) {
    const bucket = bucketStart(ts[i], every);
    const cell = emptyCell();
    for (; i < ts.length && ts[i] < bucket + every; i++) addPoint(cell, ts[i], values[i]);
    rows.push({ ...cell, bucket });
  }
  return rows;
}
