import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { machineTypeOf } from "../rules/rule_scope.ts";
import type { MachineRef } from "../telemetry.ts";

/** A machine's type and where it comes from. */
export interface MachineTypeInfo extends MachineRef {
  readonly type: string;
  /** `stored`: set through the API or at start-up; `name`: derived from the machine id. */
  readonly source: "stored" | "name";
  readonly updatedAt?: number;
  readonly updatedBy?: string;
}

/**
 * The type of each machine (`press`, `cnc`, …): fault classifiers are trained
 * and applied per type. Kept in the metadata database and cached in memory;
 * a machine without a stored type has the one its id implies
 * (`press-01` → `press`, as rule scopes read it).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 *
 * declare const db: DatabaseSync, clock: Clock;
 *
 * const types = new MachineTypeTable(db, clock);
 * types.set({ factory: "demo", machine: "m7" }, "press", "ana");
 * types.typeOf({ factory: "demo", machine: "m7" }); // "press"
 * types.typeOf({ factory: "demo", machine: "cnc-02" }); // "cnc"
 * ```
 */
export class MachineTypeTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #cache = new Map<string, { type: string; at: number; by: string }>();

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    const rows = db.prepare(
      "SELECT factory, machine, type, updated_at, updated_by FROM machine_types",
    ).all() as Array<
      { factory: string; machine: string; type: string; updated_at: number; updated_by: string }
    >;
    for (const row of rows) {
      this.#cache.set(`${row.factory}/${row.machine}`, {
        type: row.type,
        at: row.updated_at,
        by: row.updated_by,
      });
    }
  }

  /** The machine's type: stored, else derived from its id. */
  typeOf(ref: MachineRef): string {
    return this.#cache.get(`${ref.factory}/${ref.machine}`)?.type ?? machineTypeOf(ref.machine);
  }

  /** The machine's type with its source. */
  info(ref: MachineRef): MachineTypeInfo {
    const stored = this.#cache.get(`${ref.factory}/${ref.machine}`);
    if (stored === undefined) {
      return {
        factory: ref.factory,
        machine: ref.machine,
        type: machineTypeOf(ref.machine),
        source: "name",
      };
    }
    return {
      factory: ref.factory,
      machine: ref.machine,
      type: stored.type,
      source: "stored",
      updatedAt: stored.at,
      updatedBy: stored.by,
    };
  }

  /** Machines of `factory` with a stored type. */
  stored(factory: string): MachineTypeInfo[] {
    return [...this.#cache.keys()]
      .filter((key) => key.startsWith(`${factory}/`))
      .map((key) => this.info({ factory, machine: key.slice(factory.length + 1) }))
      .sort((a, b) => a.machine.localeCompare(b.machine));
  }

  /** Stores the machine's type; the caller validated `type` (an id). */
  set(ref: MachineRef, type: string, by: string): MachineTypeInfo {
    const at = this.#clock.now();
    this.#db.prepare(
      `INSERT INTO machine_types (factory, machine, type, updated_at, updated_by)
       VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (factory, machine) DO UPDATE SET
         type = excluded.type, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
    ).run(ref.factory, ref.machine, type, at, by);
    this.#cache.set(`${ref.factory}/${ref.machine}`, { type, at, by });
    return this.info(ref);
  }
}
