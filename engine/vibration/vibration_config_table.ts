import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { MachineRef } from "../telemetry.ts";
import { readVibrationConfig, type VibrationConfig } from "./vibration_config.ts";

/** A stored configuration and when it was last changed. */
export interface StoredVibrationConfig {
  readonly config: VibrationConfig;
  readonly updatedAt: number;
}

/**
 * Per-machine vibration configuration (ISO group, foundation, shaft speed,
 * bearing geometry, bands) in the metadata database's `vibration_config`
 * table, cached in memory: the ingest path reads it for every waveform.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * declare const db: DatabaseSync, clock: Clock;
 *
 * const table = new VibrationConfigTable(db, clock);
 * const pump = { factory: "demo", machine: "pump-01" };
 * table.set(pump, { isoGroup: 4, foundation: "rigid", shaft: { hz: 29.5 } });
 * table.get(pump)?.config.isoGroup; // 4
 * ```
 */
export class VibrationConfigTable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #cache = new Map<string, StoredVibrationConfig>();

  constructor(db: DatabaseSync, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
    const rows = db.prepare("SELECT factory, machine, config, updated_at FROM vibration_config")
      .all() as Array<{ factory: string; machine: string; config: string; updated_at: number }>;
    for (const row of rows) {
      try {
        this.#cache.set(`${row.factory}/${row.machine}`, {
          config: readVibrationConfig(JSON.parse(row.config)),
          updatedAt: row.updated_at,
        });
      } catch (error) {
        throw new Error(
          `Cannot read the vibration configuration of ${row.factory}/${row.machine} from the database`,
          { cause: error },
        );
      }
    }
  }

  /** The machine's configuration, or undefined when none was set. */
  get(ref: MachineRef): StoredVibrationConfig | undefined {
    return this.#cache.get(`${ref.factory}/${ref.machine}`);
  }

  /** Replaces the machine's configuration (already validated with `readVibrationConfig`). */
  set(ref: MachineRef, config: VibrationConfig): StoredVibrationConfig {
    const stored = { config, updatedAt: this.#clock.now() };
    this.#db.prepare(
      `INSERT INTO vibration_config (factory, machine, config, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (factory, machine) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
    ).run(ref.factory, ref.machine, JSON.stringify(config), stored.updatedAt);
    this.#cache.set(`${ref.factory}/${ref.machine}`, stored);
    return stored;
  }
}
