/**
 * The table logic shared by device credentials and provisioning keys: rows
 * whose secret is shown once and kept only as a `$7$` hash, that are created,
 * listed newest first, revoked once (the first time is kept) and verified
 * with the use recorded. Internal to `engine/identity/`.
 *
 * @module
 */
import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { Clock } from "../clock.ts";
import {
  DUMMY_HASH,
  hashSecret,
  newCredentialId,
  newSecret,
  verifySecret,
} from "./mosquitto_secret.ts";

/** The columns every secret-credential table has. */
export interface SecretCredentialRow {
  id: string;
  factory: string;
  name: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  hash: string;
}

/** Which table, and how its rows are shown. */
export interface SecretCredentialTableOptions<R extends SecretCredentialRow, V> {
  clock: Clock;
  /** The table's name in the metadata database. */
  table: "device_credentials" | "provisioning_keys";
  /** The row as shown to admins (never with its hash). */
  view: (row: R) => V;
  /** Columns that order {@link SecretCredentialTable.live}'s answer. */
  liveOrder: readonly string[];
}

/**
 * One table of hashed secret credentials, rows of type `R` shown as `V`.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { ProvisioningKey } from "./provisioning_keys.ts";
 * declare const db: DatabaseSync, clock: Clock;
 * declare function view(row: SecretCredentialRow): ProvisioningKey;
 *
 * const table = new SecretCredentialTable<SecretCredentialRow, ProvisioningKey>(db, {
 *   clock,
 *   table: "provisioning_keys",
 *   view,
 *   liveOrder: ["factory", "id"],
 * });
 * const columns = { factory: "demo", name: "line 1", created_by: "u_1" };
 * const { id, secret } = await table.create("p_", columns);
 * await table.verify(id, secret); // the key, with lastUsedAt now
 * ```
 */
export class SecretCredentialTable<R extends SecretCredentialRow, V> {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #table: string;
  readonly #view: (row: R) => V;
  readonly #liveOrder: string;

  constructor(db: DatabaseSync, options: SecretCredentialTableOptions<R, V>) {
    this.#db = db;
    this.#clock = options.clock;
    this.#table = options.table;
    this.#view = options.view;
    this.#liveOrder = options.liveOrder.join(", ");
  }

  /**
   * Inserts a row with a new id (`prefix` + random) and a new secret, the
   * given `columns`, the creation time and the secret's hash; the secret is
   * returned here and never again.
   */
  async create(
    prefix: "d_" | "p_",
    columns: Readonly<Record<string, SQLInputValue>>,
  ): Promise<{ id: string; secret: string }> {
    const id = newCredentialId(prefix);
    const secret = newSecret();
    const hash = await hashSecret(secret);
    const names = ["id", ...Object.keys(columns), "created_at", "hash"];
    this.#db.prepare(
      `INSERT INTO ${this.#table} (${names.join(", ")}) VALUES (${
        names.map(() => "?").join(", ")
      })`,
    ).run(id, ...Object.values(columns), this.#clock.now(), hash);
    return { id, secret };
  }

  /** The row `id`, revoked or not. */
  get(id: string): V | undefined {
    const row = this.#db.prepare(`SELECT * FROM ${this.#table} WHERE id = ?`).get(id) as
      | R
      | undefined;
    return row === undefined ? undefined : this.#view(row);
  }

  /** The rows whose columns equal `where`, newest first, revoked included. */
  list(where: Readonly<Record<string, string>>): V[] {
    const condition = Object.keys(where).map((column) => `${column} = ?`).join(" AND ");
    const rows = this.#db.prepare(
      `SELECT * FROM ${this.#table} WHERE ${condition} ORDER BY created_at DESC, id`,
    ).all(...Object.values(where)) as unknown as R[];
    return rows.map(this.#view);
  }

  /** Every live (unrevoked) row with its hash. */
  live(): (V & { readonly hash: string })[] {
    const rows = this.#db.prepare(
      `SELECT * FROM ${this.#table} WHERE revoked_at IS NULL ORDER BY ${this.#liveOrder}`,
    ).all() as unknown as R[];
    return rows.map((row) => ({ ...this.#view(row), hash: row.hash }));
  }

  /**
   * Revokes `id` (of `factory` only, when given); the row as it is then, or
   * undefined when there is no such row. Revoking twice keeps the first time.
   */
  revoke(id: string, factory?: string): V | undefined {
    const found = this.#db.prepare(`SELECT factory FROM ${this.#table} WHERE id = ?`).get(id) as
      | { factory: string }
      | undefined;
    if (found === undefined || (factory !== undefined && found.factory !== factory)) {
      return undefined;
    }
    this.#db.prepare(
      `UPDATE ${this.#table} SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`,
    ).run(this.#clock.now(), id);
    return this.get(id);
  }

  /** The live row `id` when `secret` is its secret (and records the use), else undefined. */
  async verify(id: string, secret: string): Promise<V | undefined> {
    const row = this.#db.prepare(
      `SELECT * FROM ${this.#table} WHERE id = ? AND revoked_at IS NULL`,
    ).get(id) as R | undefined;
    // Hash even for an unknown id, so timing does not tell which ids exist.
    const ok = await verifySecret(secret, row?.hash ?? DUMMY_HASH);
    if (row === undefined || !ok) return undefined;
    const now = this.#clock.now();
    // Revoked while we were hashing: refuse.
    const changed = this.#db.prepare(
      `UPDATE ${this.#table} SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL`,
    ).run(now, id);
    if (Number(changed.changes) === 0) return undefined;
    return this.#view({ ...row, last_used_at: now });
  }
}
