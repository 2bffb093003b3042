import type { DatabaseSync } from "node:sqlite";
import type { MachineRef } from "../telemetry.ts";

/** Limits of one metric. */
export interface Limits {
  readonly low?: number;
  readonly high?: number;
}

/**
 * Per-metric thresholds of each machine, kept in the metadata database and
 * cached in memory (actors read them when they start).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * declare const db: DatabaseSync;
 *
 * const thresholds = new ThresholdTable(db);
 * thresholds.set({ factory: "demo", machine: "press-01" }, { oil_temp: { high: 70 } });
 * thresholds.get({ factory: "demo", machine: "press-01" }); // { oil_temp: { high: 70 } }
 * ```
 */
export class ThresholdTable {
  readonly #db: DatabaseSync;
  readonly #cache = new Map<string, Record<string, Limits>>();

  constructor(db: DatabaseSync) {
    this.#db = db;
    const rows = db.prepare("SELECT factory, machine, metric, low, high FROM thresholds")
      .all() as Array<
        {
          factory: string;
          machine: string;
          metric: string;
          low: number | null;
          high: number | null;
        }
      >;
    for (const row of rows) {
      const key = `${row.factory}/${row.machine}`;
      const table = this.#cache.get(key) ?? {};
      table[row.metric] = withoutNulls(row.low, row.high);
      this.#cache.set(key, table);
    }
  }

  /** The machine's thresholds (empty when none are set). */
  get(ref: MachineRef): Readonly<Record<string, Limits>> {
    return this.#cache.get(`${ref.factory}/${ref.machine}`) ?? {};
  }

  /** Replaces the machine's thresholds. */
  set(ref: MachineRef, table: Readonly<Record<string, Limits>>): void {
    this.#db.exec("BEGIN");
    try {
      this.#db.prepare("DELETE FROM thresholds WHERE factory = ? AND machine = ?").run(
        ref.factory,
        ref.machine,
      );
      const insert = this.#db.prepare(
        "INSERT INTO thresholds (factory, machine, metric, low, high) VALUES (?, ?, ?, ?, ?)",
      );
      for (const [metric, limits] of Object.entries(table)) {
        insert.run(ref.factory, ref.machine, metric, limits.low ?? null, limits.high ?? null);
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error(`Cannot save thresholds of ${ref.factory}/${ref.machine}`, { cause: error });
    }
    this.#cache.set(`${ref.factory}/${ref.machine}`, { ...table });
  }
}

function withoutNulls(low: number | null, high: number | null): Limits {
  return { ...(low === null ? {} : { low }), ...(high === null ? {} : { high }) };
}
