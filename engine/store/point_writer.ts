import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { PointBatch, SeriesDefinition } from "./point_batch.ts";
import { RollupBatch } from "./rollup_batch.ts";
import { RollupJournal } from "./rollup_journal.ts";
import { ROLLUP_WIDTHS, RollupTable } from "./rollup_table.ts";

/** Points per batch that {@link seriesOrder} sorts packed; 2^21, so series ids below 2^32 pack exactly. */
const INDEX_SPAN = 2 ** 21;

/** What one committed batch did. */
export interface WriteOutcome {
  /** Points that replaced a different stored value. */
  readonly overwritten: number;
  /** 1 min buckets whose extreme was recomputed from raw points. */
  readonly recomputed: number;
}

/**
 * The write side of the embedded store, owning one connection: each
 * {@link PointBatch} is one transaction holding the raw points, the 1 min
 * rollup and the journal marks of the hours touched; {@link PointWriter.fold}
 * brings the 1 h and 1 d rollups up to date from those marks. Runs in the
 * store's write worker, or on the caller's thread for an in-memory store.
 *
 * @example
 * ```ts
 * const writer = new PointWriter(db);
 * writer.write(new PointBatchEncoder().encode(points));
 * writer.fold();
 * ```
 */
export class PointWriter {
  readonly #db: DatabaseSync;
  readonly #rollups: RollupTable;
  readonly #journal: RollupJournal;
  readonly #batch = new RollupBatch(ROLLUP_WIDTHS[0]);
  readonly #definitions: SeriesDefinition[] = [];
  // Sender key → database id; cleared when a transaction that may have created ids rolls back.
  #ids: Array<number | undefined> = [];
  readonly #insertPoint: StatementSync;
  readonly #selectValue: StatementSync;
  readonly #updateValue: StatementSync;
  readonly #insertSeries: StatementSync;
  readonly #selectSeriesId: StatementSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#rollups = new RollupTable(db);
    this.#journal = new RollupJournal(db);
    this.#insertPoint = db.prepare(
      "INSERT INTO points (series_id, ts, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#selectValue = db.prepare("SELECT value FROM points WHERE series_id = ? AND ts = ?");
    this.#updateValue = db.prepare("UPDATE points SET value = ? WHERE series_id = ? AND ts = ?");
    this.#insertSeries = db.prepare(
      "INSERT INTO series (factory, machine, metric) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#selectSeriesId = db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    );
  }

  /** Hours whose 1 h / 1 d rollups wait for a fold. */
  get pendingFold(): number {
    return this.#journal.pending;
  }

  /** Commits one batch; throws (nothing committed) when it cannot. */
  write(points: PointBatch): WriteOutcome {
    for (const definition of points.series) this.#definitions[definition[0]] = definition;
    const batch = this.#batch;
    const { keys, ts, values } = points;
    let overwritten = 0;
    this.#db.exec("BEGIN IMMEDIATE");
    try {
      // Series ids resolved in arrival order, so a new series gets the same id either way.
      const ids = new Uint32Array(keys.length);
      for (let i = 0; i < keys.length; i++) ids[i] = this.#ids[keys[i]] ?? this.#seriesId(keys[i]);
      const order = seriesOrder(ids);
      for (let k = 0; k < order.length; k++) {
        const i = order[k];
        const id = ids[i];
        const t = ts[i];
        const value = values[i];
        if (this.#insertPoint.run(id, t, value).changes === 1) {
          batch.add(id, t, value);
          continue;
        }
        const old = (this.#selectValue.get(id, t) as { value: number }).value;
        if (old === value) continue;
        this.#updateValue.run(value, id, t);
        batch.overwrite(id, t, old, value);
        overwritten++;
      }
      const minutes = batch.buckets(ROLLUP_WIDTHS[0]);
      const recomputed = this.#rollups.apply(batch, [ROLLUP_WIDTHS[0]]);
      this.#journal.mark(minutes.map((b) => [b.seriesId, b.bucket] as const));
      this.#db.exec("COMMIT");
      return { overwritten, recomputed };
    } catch (error) {
      this.#db.exec("ROLLBACK");
      this.#ids = [];
      throw new Error(`Cannot write ${keys.length} points to the store`, { cause: error });
    } finally {
      batch.clear();
    }
  }

  /** Folds the journal into the 1 h and 1 d rollups; returns the hours folded. */
  fold(): number {
    return this.#journal.fold();
  }

  #seriesId(key: number): number {
    const definition = this.#definitions[key];
    if (definition === undefined) {
      throw new Error(`Cannot write: series key ${key} was never defined by the sender`);
    }
    const [, factory, machine, metric] = definition;
    this.#insertSeries.run(factory, machine, metric);
    const id = (this.#selectSeriesId.get(factory, machine, metric) as { id: number }).id;
    this.#ids[key] = id;
    return id;
  }
}

/**
 * The indices of a batch's points grouped by series id, in the order they
 * arrived within each series. Points arrive round-robin over the machines,
 * so inserting them as they came would descend the `(series_id, ts)` key to
 * a different leaf page for nearly every row; grouped, consecutive rows land
 * on the same page (measured: ~30 % less write time for 4,000 series).
 */
export function seriesOrder(ids: Uint32Array): Uint32Array {
  const n = ids.length;
  const order = new Uint32Array(n);
  if (n <= INDEX_SPAN) {
    // Packed as id × 2^21 + index (exact in a double), a native numeric sort does it.
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = ids[i] * INDEX_SPAN + i;
    packed.sort();
    for (let k = 0; k < n; k++) order[k] = packed[k] % INDEX_SPAN;
    return order;
  }
  for (let i = 0; i < n; i++) order[i] = i;
  return order.sort((a, b) => ids[a] - ids[b] || a - b);
}
