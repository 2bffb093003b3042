import type { DatabaseSync } from "node:sqlite";
import { ChunkTable, type MergeSink } from "./chunk_table.ts";

/** Points packed per call of `ChunkTable.merge` while migrating. */
const RUN = 65_536;

const IGNORE: MergeSink = { add() {}, overwrite() {} };

/**
 * Moves a store from before chunks (schema 2: one row per raw point in a
 * `points` table keyed by (series, ts)) to per-series chunks, then drops the
 * `points` table. The rollups already summarise those points, so they are
 * left as they are. Runs inside the caller's transaction, streaming the rows
 * in key order.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * declare const db: DatabaseSync;
 * db.exec("BEGIN");
 * packPointRows(db);
 * db.exec("COMMIT");
 * ```
 */
export function packPointRows(db: DatabaseSync): void {
  const chunks = new ChunkTable(db);
  const ts = new Float64Array(RUN);
  const values = new Float64Array(RUN);
  let series = -1;
  let n = 0;
  const flush = () => {
    if (n > 0) {
      chunks.merge(series, { ts: ts.subarray(0, n), values: values.subarray(0, n) }, IGNORE);
    }
    n = 0;
  };
  const rows = db.prepare("SELECT series_id, ts, value FROM points ORDER BY series_id, ts");
  for (const row of rows.iterate()) {
    const point = row as { series_id: number; ts: number; value: number };
    if (point.series_id !== series || n === RUN) {
      flush();
      series = point.series_id;
    }
    ts[n] = point.ts;
    values[n++] = point.value;
  }
  flush();
  db.exec("DROP TABLE points");
}
