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
import { type SecretCredentialRow, SecretCredentialTable } from "./_secret_credential_table.ts";
import { checkId, checkName } from "./device_credentials.ts";

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

/**
 * The provisioning keys in the metadata database (table `provisioning_keys`).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 * declare const db: DatabaseSync;
 *
 * const keys = new ProvisioningKeyStore(db, { clock: systemClock });
 * const { key, secret } = await keys.create({ factory: "demo", createdBy: "u_1" });
 * await keys.verify(key.id, secret); // the key
 * ```
 */
export class ProvisioningKeyStore {
  readonly #table: SecretCredentialTable<SecretCredentialRow, ProvisioningKey>;

  constructor(db: DatabaseSync, options: { clock: Clock }) {
    this.#table = new SecretCredentialTable(db, {
      clock: options.clock,
      table: "provisioning_keys",
      view,
      liveOrder: ["factory", "id"],
    });
  }

  /** Creates a key; the secret is returned here and never again. */
  async create(
    input: { factory: string; name?: string; createdBy: string },
  ): Promise<{ key: ProvisioningKey; secret: string }> {
    checkId("factory", input.factory);
    const name = checkName(input.name ?? `${input.factory} provisioning`);
    const { id, secret } = await this.#table.create("p_", {
      factory: input.factory,
      name,
      created_by: input.createdBy,
    });
    return { key: this.get(id)!, secret };
  }

  /** The key `id`, revoked or not. */
  get(id: string): ProvisioningKey | undefined {
    return this.#table.get(id);
  }

  /** The keys of `factory`, newest first, revoked included. */
  list(factory: string): ProvisioningKey[] {
    return this.#table.list({ factory });
  }

  /** Every live key with its hash, by factory and id. */
  live(): HashedProvisioningKey[] {
    return this.#table.live();
  }

  /** Revokes `id` (of `factory` only, when given); undefined when there is no such key. */
  revoke(id: string, factory?: string): ProvisioningKey | undefined {
    return this.#table.revoke(id, factory);
  }

  /** The live key `id` when `secret` is its secret (and records the use), else undefined. */
  verify(id: string, secret: string): Promise<ProvisioningKey | undefined> {
    return this.#table.verify(id, secret);
  }
}

function view(row: SecretCredentialRow): ProvisioningKey {
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
