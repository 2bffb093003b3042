import type { DatabaseSync } from "node:sqlite";
import { ROLLUP_WIDTHS } from "./rollup_table.ts";

const floorTo = (column: string, width: number) =>
  `(${column} - (((${column} % ${width}) + ${width}) % ${width}))`;

/**
 * Recomputes every rollup from the raw points, finest width first, each
 * coarser width from the one below; used once when a store from before
 * rollups is opened, whose raw points are all still there.
 * Runs inside the caller's transaction.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * declare const db: DatabaseSync;
 * db.exec("BEGIN");
 * rebuildRollups(db);
 * db.exec("COMMIT");
 * ```
 */
export function rebuildRollups(db: DatabaseSync): void {
  const [finest, ...coarser] = ROLLUP_WIDTHS;
  db.exec(`
    INSERT OR REPLACE INTO rollups (series_id, width, bucket, min_v, max_v, sum_v, n, last_v, last_ts)
    SELECT g.series_id, ${finest}, g.bucket, g.min_v, g.max_v, g.sum_v, g.n, p.value, g.last_ts
    FROM (SELECT series_id, ${floorTo("ts", finest)} AS bucket, min(value) AS min_v,
                 max(value) AS max_v, sum(value) AS sum_v, count(*) AS n, max(ts) AS last_ts
          FROM points GROUP BY series_id, bucket) g
    JOIN points p ON p.series_id = g.series_id AND p.ts = g.last_ts;
  `);
  let finer = finest;
  for (const width of coarser) {
    db.exec(`
      INSERT OR REPLACE INTO rollups (series_id, width, bucket, min_v, max_v, sum_v, n, last_v, last_ts)
      SELECT g.series_id, ${width}, g.bucket, g.min_v, g.max_v, g.sum_v, g.n, r.last_v, g.last_ts
      FROM (SELECT series_id, ${floorTo("bucket", width)} AS bucket, min(min_v) AS min_v,
                   max(max_v) AS max_v, sum(sum_v) AS sum_v, sum(n) AS n, max(last_ts) AS last_ts
            FROM rollups WHERE width = ${finer} GROUP BY series_id, 2) g
      JOIN rollups r ON r.series_id = g.series_id AND r.width = ${finer}
        AND r.bucket = ${floorTo("g.last_ts", finer)};
    `);
    finer = width;
  }
}
