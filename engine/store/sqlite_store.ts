import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SeriesPoint } from "../telemetry.ts";
import type {
  Aggregate,
  RangeQuery,
  SeriesData,
  SeriesInfo,
  TimeSeriesStore,
} from "./time_series_store.ts";

// SQLite returns the bare `value` column of the row holding max(ts) for `last`.
const AGGREGATE_SQL: Record<Aggregate, string> = {
  mean: "avg(value)",
  min: "min(value)",
  max: "max(value)",
  last: "max(ts) AS last_ts, value",
  count: "count(*)",
};

/** Options of {@link SqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file, or ":memory:" for tests. */
  readonly path: string;
}

/**
 * The embedded time-series store: one SQLite file in WAL mode, a series
 * catalogue and points keyed by (series, ts) in a WITHOUT ROWID table, so the
 * same (series, ts) written twice keeps one row holding the last value.
 *
 * SQLite calls are synchronous; a batch of thousands of points commits in a
 * few milliseconds, which is why callers write through a batching writer.
 * `synchronous=NORMAL` in WAL mode keeps every committed batch across a crash
 * of the process (not across a power cut, which would need FULL).
 *
 * @example
 * ```ts
 * const store = new SqliteStore({ path: "data/timeseries.db" });
 * await store.write([{ factory: "f", machine: "m", metric: "temp", ts: Date.now(), value: 21 }]);
 * ```
 */
export class SqliteStore implements TimeSeriesStore {
  readonly #db: DatabaseSync;
  readonly #seriesIds = new Map<string, number>();
  readonly #insertPoint: StatementSync;
  readonly #insertSeries: StatementSync;
  readonly #selectSeriesId: StatementSync;
  readonly #selectRange: StatementSync;
  readonly #aggregates = new Map<Aggregate, StatementSync>();
  #closed = false;

  constructor(options: SqliteStoreOptions) {
    this.#db = new DatabaseSync(options.path);
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      PRAGMA busy_timeout = 5000;
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
    `);
    this.#insertPoint = this.#db.prepare(
      "INSERT INTO points (series_id, ts, value) VALUES (?, ?, ?) " +
        "ON CONFLICT (series_id, ts) DO UPDATE SET value = excluded.value",
    );
    this.#insertSeries = this.#db.prepare(
      "INSERT INTO series (factory, machine, metric) VALUES (?, ?, ?) " +
        "ON CONFLICT DO NOTHING",
    );
    this.#selectSeriesId = this.#db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    );
    this.#selectRange = this.#db.prepare(
      "SELECT ts, value FROM points WHERE series_id = ? AND ts BETWEEN ? AND ? ORDER BY ts LIMIT ?",
    );
  }

  write(points: readonly SeriesPoint[]): Promise<void> {
    this.#assertOpen("write");
    if (points.length === 0) return Promise.resolve();
    this.#db.exec("BEGIN");
    try {
      for (const p of points) {
        this.#insertPoint.run(
          this.#seriesId(p.factory, p.machine, p.metric),
          Math.round(p.ts),
          p.value,
        );
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      // Ids cached inside the rolled-back transaction may not exist any more.
      this.#seriesIds.clear();
      return Promise.reject(
        new Error(`Cannot write ${points.length} points to the store`, { cause: error }),
      );
    }
    return Promise.resolve();
  }

  queryRange(query: RangeQuery): Promise<SeriesData[]> {
    this.#assertOpen("query");
    const metrics = query.metrics.length > 0
      ? query.metrics
      : this.#metricsOf(query.factory, query.machine);
    const limit = query.limit ?? 1_000_000;
    const result: SeriesData[] = [];
    for (const metric of metrics) {
      const row = this.#selectSeriesId.get(query.factory, query.machine, metric) as
        | { id: number }
        | undefined;
      if (row === undefined) {
        result.push({ metric, points: [] });
        continue;
      }
      const rows = (query.every === undefined
        ? this.#selectRange.all(row.id, query.from, query.to, limit)
        : this.#aggregateStatement(query.agg ?? "mean").all(
          query.every,
          query.every,
          row.id,
          query.from,
          query.to,
          limit,
        )) as Array<{ ts?: number; bucket?: number; value: number }>;
      result.push({
        metric,
        points: rows.map((r) =>
          [r.ts ?? r.bucket!, r.value] as const
        ),
      });
    }
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

  latest(factory: string, machine: string): Promise<Record<string, readonly [number, number]>> {
    this.#assertOpen("query");
    const rows = this.#db.prepare(
      "SELECT s.metric AS metric, p.ts AS ts, p.value AS value FROM series s " +
        "JOIN points p ON p.series_id = s.id AND p.ts = " +
        "(SELECT max(ts) FROM points WHERE series_id = s.id) " +
        "WHERE s.factory = ? AND s.machine = ?",
    ).all(factory, machine) as Array<{ metric: string; ts: number; value: number }>;
    return Promise.resolve(
      Object.fromEntries(rows.map((r) => [r.metric, [r.ts, r.value] as const])),
    );
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#db.close();
    }
    return Promise.resolve();
  }

  #aggregateStatement(agg: Aggregate): StatementSync {
    let statement = this.#aggregates.get(agg);
    if (statement === undefined) {
      statement = this.#db.prepare(
        `SELECT (ts / CAST(? AS INTEGER)) * CAST(? AS INTEGER) AS bucket, ${
          AGGREGATE_SQL[agg]
        } AS value FROM points ` +
          "WHERE series_id = ? AND ts BETWEEN ? AND ? GROUP BY bucket ORDER BY bucket LIMIT ?",
      );
      this.#aggregates.set(agg, statement);
    }
    return statement;
  }

  #metricsOf(factory: string, machine: string): string[] {
    const rows = this.#db.prepare(
      "SELECT metric FROM series WHERE factory = ? AND machine = ? ORDER BY id",
    ).all(factory, machine) as Array<{ metric: string }>;
    return rows.map((r) => r.metric);
  }

  #seriesId(factory: string, machine: string, metric: string): number {
    const key = `${factory}\u0000${machine}\u0000${metric}`;
    let id = this.#seriesIds.get(key);
    if (id === undefined) {
      this.#insertSeries.run(factory, machine, metric);
      id = (this.#selectSeriesId.get(factory, machine, metric) as { id: number }).id;
      this.#seriesIds.set(key, id);
    }
    return id;
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`Cannot ${what}: the store is closed`);
  }
}
