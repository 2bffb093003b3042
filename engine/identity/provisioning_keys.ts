/**
 * Factory provisioning keys: one MQTT username (`p_…`) and secret per key,
 * shared by many devices of a factory (a gateway, a production line being
 * commissioned). A device using one may publish for any machine of its
 * factory that already exists, and for new machines only when the factory
 * allows auto-registration (enforced in `engine/mqtt/broker_auth.ts`).
 * Stored like device credentials: the secret shown once, a `$7$` hash kept.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import {
  checkId,
  checkName,
  DUMMY_HASH,
  hashSecret,
  newCredentialId,
  newSecret,
  verifySecret,
} from "./device_credentials.ts";

/** A provisioning key as shown to admins (never with its hash). */
export interface ProvisioningKey {
  /** Also the MQTT username. */
  readonly id: string;
  readonly factory: string;
  readonly name: string;
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** A live key with its stored hash, for mosquitto's password file. */
export interface HashedProvisioningKey extends ProvisioningKey {
  readonly hash: string;
}

interface Row {
  id: string;
  factory: string;
  name: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  hash: string;
}

/**
 * The provisioning keys in the metadata database (table `provisioning_keys`).
 *
 * @example
 * ```ts
 * const keys = new ProvisioningKeyStore(db, { clock: systemClock });
 * const { key, secret } = await keys.create({ factory: "demo", createdBy: "u_1" });
 * await keys.verify(key.id, secret); // the key
 * ```
 */
export class ProvisioningKeyStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, options: { clock: Clock }) {
    this.#db = db;
    this.#clock = options.clock;
  }

  /** Creates a key; the secret is returned here and never again. */
  async create(
    input: { factory: string; name?: string; createdBy: string },
  ): Promise<{ key: ProvisioningKey; secret: string }> {
    checkId("factory", input.factory);
    const name = checkName(input.name ?? `${input.factory} provisioning`);
    const id = newCredentialId("p_");
    const secret = newSecret();
    const hash = await hashSecret(secret);
    this.#db.prepare(
      `INSERT INTO provisioning_keys (id, factory, name, created_by, created_at, hash)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(id, input.factory, name, input.createdBy, this.#clock.now(), hash);
    return { key: this.get(id)!, secret };
  }

  /** The key `id`, revoked or not. */
  get(id: string): ProvisioningKey | undefined {
    const row = this.#db.prepare("SELECT * FROM provisioning_keys WHERE id = ?").get(id) as
      | Row
      | undefined;
    return row === undefined ? undefined : view(row);
  }

  /** The keys of `factory`, newest first, revoked included. */
  list(factory: string): ProvisioningKey[] {
    const rows = this.#db.prepare(
      "SELECT * FROM provisioning_keys WHERE factory = ? ORDER BY created_at DESC, id",
    ).all(factory) as unknown as Row[];
    return rows.map(view);
  }

  /** Every live key with its hash, by factory and id. */
  live(): HashedProvisioningKey[] {
    const rows = this.#db.prepare(
      "SELECT * FROM provisioning_keys WHERE revoked_at IS NULL ORDER BY factory, id",
    ).all() as unknown as Row[];
    return rows.map((row) => ({ ...view(row), hash: row.hash }));
  }

  /** Revokes `id` (of `factory` only, when given); undefined when there is no such key. */
  revoke(id: string, factory?: string): ProvisioningKey | undefined {
    const found = this.get(id);
    if (found === undefined || (factory !== undefined && found.factory !== factory)) {
      return undefined;
    }
    this.#db.prepare(
      "UPDATE provisioning_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    ).run(this.#clock.now(), id);
    return this.get(id);
  }

  /** The live key `id` when `secret` is its secret (and records the use), else undefined. */
  async verify(id: string, secret: string): Promise<ProvisioningKey | undefined> {
    const row = this.#db.prepare(
      "SELECT * FROM provisioning_keys WHERE id = ? AND revoked_at IS NULL",
    ).get(id) as Row | undefined;
    const ok = await verifySecret(secret, row?.hash ?? DUMMY_HASH);
    if (row === undefined || !ok) return undefined;
    const now = this.#clock.now();
    const changed = this.#db.prepare(
      "UPDATE provisioning_keys SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL",
    ).run(now, id);
    if (Number(changed.changes) === 0) return undefined;
    return view({ ...row, last_used_at: now });
  }
}

function view(row: Row): ProvisioningKey {
  return {
    id: row.id,
    factory: row.factory,
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}
