import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { SnapshotStore } from "../actor/behavior.ts";
import type { Clock } from "../clock.ts";

/**
 * Actor snapshots as JSON rows of the metadata database.
 *
 * @example
 * ```ts
 * const snapshots = new SnapshotTable<MachineSnapshot>(openMetadataDb(path), systemClock);
 * snapshots.save("demo/press-01", snapshot);
 * ```
 */
export class SnapshotTable<Snapshot> implements SnapshotStore<Snapshot> {
  readonly #clock: Clock;
  readonly #db: DatabaseSync;
  readonly #select: StatementSync;
  readonly #upsert: StatementSync;
  readonly #delete: StatementSync;

  constructor(db: DatabaseSync, clock: Clock) {
    this.#clock = clock;
    this.#db = db;
    this.#select = db.prepare("SELECT snapshot FROM actor_snapshots WHERE key = ?");
    this.#upsert = db.prepare(
      "INSERT INTO actor_snapshots (key, snapshot, saved_at) VALUES (?, ?, ?) " +
        "ON CONFLICT (key) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at",
    );
    this.#delete = db.prepare("DELETE FROM actor_snapshots WHERE key = ?");
  }

  load(key: string): Snapshot | undefined {
    const row = this.#select.get(key) as { snapshot: string } | undefined;
    return row === undefined ? undefined : JSON.parse(row.snapshot) as Snapshot;
  }

  save(key: string, snapshot: Snapshot): void {
    this.#upsert.run(key, JSON.stringify(snapshot), this.#clock.now());
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
