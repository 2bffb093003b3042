import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { PointBatch, SeriesDefinition } from "./point_batch.ts";
import { RollupBatch } from "./rollup_batch.ts";
import { RollupJournal } from "./rollup_journal.ts";
import { ROLLUP_WIDTHS, RollupTable } from "./rollup_table.ts";

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
      for (let i = 0; i < keys.length; i++) {
        const id = this.#ids[keys[i]] ?? this.#seriesId(keys[i]);
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
