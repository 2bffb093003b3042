import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { SnapshotStore } from "../actor/behavior.ts";
import type { Clock } from "../clock.ts";

/**
 * Actor snapshots as JSON rows of the metadata database: the last full
 * snapshot, and the last partial one saved since (laid over it on load).
 *
 * @example
 * ```ts
 * import { systemClock } from "../clock.ts";
 * import { openMetadataDb } from "./metadata_db.ts";
 * type MachineSnapshot = { status: string; values: Record<string, number> };
 * declare const path: string, snapshot: MachineSnapshot;
 *
 * const snapshots = new SnapshotTable<MachineSnapshot>(openMetadataDb(path), systemClock);
 * snapshots.save("demo/press-01", snapshot);
 * ```
 */
export class SnapshotTable<Snapshot> implements SnapshotStore<Snapshot> {
  readonly #clock: Clock;
  readonly #db: DatabaseSync;
  readonly #select: StatementSync;
  readonly #upsert: StatementSync;
  readonly #updatePartial: StatementSync;
  readonly #delete: StatementSync;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#clock = clock;
    this.#db = db;
    this.#select = db.prepare("SELECT snapshot, partial FROM actor_snapshots WHERE key = ?");
    this.#upsert = db.prepare(
      "INSERT INTO actor_snapshots (key, snapshot, saved_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (key) DO UPDATE SET snapshot = excluded.snapshot, partial = NULL, " +
        "saved_at = excluded.saved_at",
    );
    this.#updatePartial = db.prepare(
      "UPDATE actor_snapshots SET partial = ?, saved_at = ? WHERE key = ?",
    );
    this.#delete = db.prepare("DELETE FROM actor_snapshots WHERE key = ?");
  }

  load(key: string): Snapshot | undefined {
    const row = this.#select.get(key) as { snapshot: string; partial: string | null } | undefined;
    if (row === undefined) return undefined;
    const full = JSON.parse(row.snapshot) as Snapshot;
    return row.partial === null ? full : { ...full, ...JSON.parse(row.partial) };
  }

  save(key: string, snapshot: Snapshot, full = true): void {
    const json = JSON.stringify(snapshot);
    const now = this.#clock.now();
    // A partial snapshot with no full one to lay over stands as the full one.
    if (full || this.#updatePartial.run(json, now, key).changes === 0) {
      this.#upsert.run(key, json, now);
    }
  }

  delete(key: string): void {
    this.#delete.run(key);
  }

  /** Runs several saves in one transaction: one commit instead of one per snapshot. */
  batch(work: () => void): void {
    if (this.#db.isTransaction) return work();
    this.#db.exec("BEGIN");
    try {
      work();
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw error;
    }
  }
}
