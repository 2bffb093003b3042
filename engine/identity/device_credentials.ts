/**
 * Device credentials: one MQTT username and password per machine, the
 * password shown once and kept only as a hash in mosquitto's own PBKDF2-SHA512
 * `$7$` format (`mosquitto_secret.ts`, re-exported here), so the same stored
 * hash goes verbatim into an external mosquitto's password file (see
 * `mosquitto_files.ts`). A machine may hold several live credentials at once,
 * so a device can be rotated without a gap.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { ID_PATTERN } from "../telemetry.ts";
import { type SecretCredentialRow, SecretCredentialTable } from "./_secret_credential_table.ts";

export {
  DUMMY_HASH,
  hashSecret,
  MOSQUITTO_PBKDF2_ITERATIONS,
  newCredentialId,
  newSecret,
  verifySecret,
} from "./mosquitto_secret.ts";

/** A device credential as shown to admins (never with its hash). */
export interface DeviceCredential {
  /** Also the MQTT username. */
  readonly id: string;
  readonly factory: string;
  readonly machine: string;
  readonly name: string;
  /** Principal id of whoever created it. */
  readonly createdBy: string;
  readonly createdAt: number;
  readonly lastUsedAt: number | null;
  readonly revokedAt: number | null;
}

/** A live credential with its stored hash, for mosquitto's password file. */
export interface HashedDeviceCredential extends DeviceCredential {
  readonly hash: string;
}

interface Row extends SecretCredentialRow {
  machine: string;
}

/** Longest credential name accepted. */
export const MAX_CREDENTIAL_NAME = 100;

/**
 * The device credentials in the metadata database (table
 * `device_credentials`).
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import { systemClock } from "../clock.ts";
 * declare const db: DatabaseSync;
 *
 * const credentials = new DeviceCredentialStore(db, { clock: systemClock });
 * const { credential, password } = await credentials.create({
 *   factory: "demo",
 *   machine: "press-01",
 *   createdBy: "u_1",
 * });
 * await credentials.verify(credential.id, password); // the credential
 * ```
 */
export class DeviceCredentialStore {
  readonly #table: SecretCredentialTable<Row, DeviceCredential>;

  constructor(db: DatabaseSync, options: { clock: Clock }) {
    this.#table = new SecretCredentialTable(db, {
      clock: options.clock,
      table: "device_credentials",
      view,
      liveOrder: ["factory", "machine", "id"],
    });
  }

  /** Creates a credential; the password is returned here and never again. */
  async create(
    input: { factory: string; machine: string; name?: string; createdBy: string },
  ): Promise<{ credential: DeviceCredential; password: string }> {
    checkId("factory", input.factory);
    checkId("machine", input.machine);
    const name = checkName(input.name ?? input.machine);
    const { id, secret } = await this.#table.create("d_", {
      factory: input.factory,
      machine: input.machine,
      name,
      created_by: input.createdBy,
    });
    return { credential: this.get(id)!, password: secret };
  }

  /** The credential `id`, revoked or not. */
  get(id: string): DeviceCredential | undefined {
    return this.#table.get(id);
  }

  /** The credentials of `factory` (of one machine when given), newest first, revoked included. */
  list(factory: string, machine?: string): DeviceCredential[] {
    return this.#table.list(machine === undefined ? { factory } : { factory, machine });
  }

  /** Every live (unrevoked) credential with its hash, by factory, machine and id. */
  live(): HashedDeviceCredential[] {
    return this.#table.live();
  }

  /**
   * Revokes `id` (of `factory` only, when given); returns the credential, or
   * undefined when there is no such credential. Revoking twice keeps the first time.
   */
  revoke(id: string, factory?: string): DeviceCredential | undefined {
    return this.#table.revoke(id, factory);
  }

  /**
   * The live credential `id` when `password` is its secret (and records
   * the use), else undefined.
   */
  verify(id: string, password: string): Promise<DeviceCredential | undefined> {
    return this.#table.verify(id, password);
  }
}

function view(row: Row): DeviceCredential {
  return {
    id: row.id,
    factory: row.factory,
    machine: row.machine,
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Throws a RangeError unless `value` is a valid factory or machine id. */
export function checkId(what: "factory" | "machine", value: string): void {
  if (typeof value !== "string" || !ID_PATTERN.test(value)) {
    throw new RangeError(
      `'${what}' must match ${ID_PATTERN.source}: current value is ${JSON.stringify(value)}`,
    );
  }
}

/** The trimmed name, or a RangeError when it is empty, too long or has control characters. */
export function checkName(name: unknown): string {
  const trimmed = typeof name === "string" ? name.trim() : "";
  // deno-lint-ignore no-control-regex
  if (trimmed === "" || trimmed.length > MAX_CREDENTIAL_NAME || /[\u0000-\u001f]/.test(trimmed)) {
    throw new RangeError(
      `'name' must be 1 to ${MAX_CREDENTIAL_NAME} printable characters: current value is ${
        JSON.stringify(name)
      }`,
    );
  }
  return trimmed;
}
