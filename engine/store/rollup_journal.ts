import type { DatabaseSync, StatementSync } from "node:sqlite";
import { ROLLUP_MS } from "./time_series_store.ts";

const MINUTE = ROLLUP_MS["1m"];
const HOUR = ROLLUP_MS["1h"];
const DAY = ROLLUP_MS["1d"];

/** The journal of hours whose 1 h and 1 d rollups are behind the 1 min rollup. */
export const ROLLUP_JOURNAL_SCHEMA = `
  CREATE TABLE IF NOT EXISTS rollup_dirty (
    series_id INTEGER NOT NULL,
    hour INTEGER NOT NULL,
    PRIMARY KEY (series_id, hour)
  ) WITHOUT ROWID;`;

const floorTo = (column: string, width: number) =>
  `(${column} - (((${column} % ${width}) + ${width}) % ${width}))`;

/**
 * Keeps the 1 h and 1 d rollups behind the 1 min rollup cheaply: the write
 * transaction only marks each (series, hour) it touched in `rollup_dirty`
 * (same transaction, so the mark survives a crash), and {@link RollupJournal.fold}
 * later recomputes the marked hours from the 1 min rollup and their days from
 * the hours, in two set-based statements, then clears the marks. Readers treat
 * a marked bucket as stale and compute it from the 1 min rollup themselves.
 *
 * Marks are not cached across batches: another process writing the same file
 * (an import) may fold and clear them at any time.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * declare const db: DatabaseSync, seriesId: number, minuteStart: number;
 *
 * const journal = new RollupJournal(db);
 * db.exec("BEGIN");
 * journal.mark([[seriesId, minuteStart]]);
 * db.exec("COMMIT");
 * journal.fold(); // in its own transaction
 * ```
 */
export class RollupJournal {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #count: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare(
      "INSERT INTO rollup_dirty (series_id, hour) VALUES (?, ?) ON CONFLICT DO NOTHING",
    );
    this.#count = db.prepare("SELECT count(*) AS n FROM rollup_dirty");
  }

  /** Hours marked and not yet folded (in the database, so after a crash too). */
  get pending(): number {
    return Number((this.#count.get() as { n: number }).n);
  }

  /**
   * Marks the hour of each 1 min bucket in `minutes` (series id, bucket
   * start pairs), once per (series, hour), inside the caller's transaction.
   */
  mark(minutes: Iterable<readonly [number, number]>): void {
    let lastSeries = NaN;
    let lastHour = NaN;
    const seen = new Set<string>();
    for (const [seriesId, minute] of minutes) {
      const hour = minute - (((minute % HOUR) + HOUR) % HOUR);
      // Minutes arrive grouped by series: most repeats are the previous pair.
      if (seriesId === lastSeries && hour === lastHour) continue;
      lastSeries = seriesId;
      lastHour = hour;
      const key = `${seriesId}:${hour}`;
      if (seen.has(key)) continue;
      seen.add(key);
      this.#insert.run(seriesId, hour);
    }
  }

  /**
   * Recomputes every marked hour from the 1 min rollup and every day holding
   * one from its hours, and clears the marks, in one transaction. Returns
   * the number of hours folded.
   */
  fold(): number {
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      const hours = this.pending;
      if (hours > 0) {
        this.#db.exec(`
          INSERT OR REPLACE INTO rollups (series_id, width, bucket, min_v, max_v, sum_v, n, last_v, last_ts)
          SELECT g.series_id, ${HOUR}, g.hour, g.min_v, g.max_v, g.sum_v, g.n, r.last_v, g.last_ts
          FROM (SELECT d.series_id AS series_id, d.hour AS hour, min(m.min_v) AS min_v,
                       max(m.max_v) AS max_v, sum(m.sum_v) AS sum_v, sum(m.n) AS n,
                       max(m.last_ts) AS last_ts
                FROM rollup_dirty d
                JOIN rollups m ON m.series_id = d.series_id AND m.width = ${MINUTE}
                  AND m.bucket >= d.hour AND m.bucket < d.hour + ${HOUR}
                GROUP BY d.series_id, d.hour) g
          JOIN rollups r ON r.series_id = g.series_id AND r.width = ${MINUTE}
            AND r.bucket = ${floorTo("g.last_ts", MINUTE)};
          INSERT OR REPLACE INTO rollups (series_id, width, bucket, min_v, max_v, sum_v, n, last_v, last_ts)
          SELECT g.series_id, ${DAY}, g.day, g.min_v, g.max_v, g.sum_v, g.n, r.last_v, g.last_ts
          FROM (SELECT d.series_id AS series_id, d.day AS day, min(h.min_v) AS min_v,
                       max(h.max_v) AS max_v, sum(h.sum_v) AS sum_v, sum(h.n) AS n,
                       max(h.last_ts) AS last_ts
                FROM (SELECT DISTINCT series_id, ${floorTo("hour", DAY)} AS day
                      FROM rollup_dirty) d
                JOIN rollups h ON h.series_id = d.series_id AND h.width = ${HOUR}
                  AND h.bucket >= d.day AND h.bucket < d.day + ${DAY}
                GROUP BY d.series_id, d.day) g
          JOIN rollups r ON r.series_id = g.series_id AND r.width = ${HOUR}
            AND r.bucket = ${floorTo("g.last_ts", HOUR)};
          DELETE FROM rollup_dirty;
        `);
      }
      this.#db.exec("COMMIT");
      return hours;
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error("Cannot fold the 1 min rollup into the 1 h and 1 d rollups", {
        cause: error,
      });
    }
  }
}
