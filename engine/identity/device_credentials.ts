/**
 * Device credentials: one MQTT username and password per machine, the
 * password shown once and kept only as a hash in mosquitto's own PBKDF2-SHA512
 * `$7$` format, so the same stored hash goes verbatim into an external
 * mosquitto's password file (see `mosquitto_files.ts`). A machine may hold
 * several live credentials at once, so a device can be rotated without a gap.
 *
 * The secrets are 256 random bits: nobody can guess them, so a fast KDF
 * (mosquitto's default of 101 iterations) is as safe as a slow one here and
 * keeps every MQTT connect cheap.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import { ID_PATTERN } from "../telemetry.ts";

/** mosquitto_passwd's default PBKDF2 iteration count (mosquitto 2). */
export const MOSQUITTO_PBKDF2_ITERATIONS = 101;
/** mosquitto_passwd's salt length in bytes. */
const SALT_BYTES = 12;
const HASH_BYTES = 64;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * A new credential id: `prefix` and 16 random base32 characters (80 bits).
 * Never contains `+`, `#` or `/`, and matches the telemetry id pattern.
 *
 * @example
 * ```ts
 * newCredentialId("d_"); // "d_k3v9q2m7x4a6b8c2"
 * ```
 */
export function newCredentialId(prefix: "d_" | "p_"): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let id = prefix;
  for (const byte of bytes) id += BASE32[byte & 31];
  return id;
}

/**
 * A new secret of 256 random bits, base64url without padding (43
 * characters; safe inside single quotes in a shell).
 *
 * @example
 * ```ts
 * newSecret().length; // 43
 * ```
 */
export function newSecret(): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(32)))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Hashes `secret` in mosquitto's `$7$` format:
 * `$7$<iterations>$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>`.
 *
 * @example
 * ```ts
 * const hash = await hashSecret("s3cret"); // "$7$101$…$…"
 * await verifySecret("s3cret", hash); // true
 * ```
 */
export async function hashSecret(
  secret: string,
  options: { salt?: Uint8Array; iterations?: number } = {},
): Promise<string> {
  const iterations = options.iterations ?? MOSQUITTO_PBKDF2_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(
      `Cannot hash: 'iterations' must be a positive integer: current value is ${iterations}`,
    );
  }
  const salt = options.salt ?? crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await pbkdf2(secret, salt, iterations, HASH_BYTES);
  return `$7$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/**
 * True when `secret` matches `stored` (a `$7$` hash); compares in constant
 * time. A malformed `stored` never matches.
 *
 * @example
 * ```ts
 * await verifySecret("wrong", await hashSecret("right")); // false
 * ```
 */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const match = /^\$7\$(\d{1,9})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (match === null) return false;
  const iterations = Number(match[1]);
  if (iterations < 1) return false;
  const expected = fromBase64(match[3]);
  const actual = await pbkdf2(secret, fromBase64(match[2]), iterations, expected.length);
  let difference = 0;
  for (let i = 0; i < expected.length; i++) difference |= expected[i] ^ actual[i];
  return difference === 0 && expected.length > 0;
}

async function pbkdf2(
  secret: string,
  salt: Uint8Array,
  iterations: number,
  bytes: number,
): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    "PBKDF2",
    false,
    ["deriveBits"],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-512", salt: salt as Uint8Array<ArrayBuffer>, iterations },
    key,
    bytes * 8,
  );
  return new Uint8Array(bits);
}

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return new Uint8Array(0);
  }
}

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

interface Row {
  id: string;
  factory: string;
  machine: string;
  name: string;
  created_by: string;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  hash: string;
}

/** Longest credential name accepted. */
export const MAX_CREDENTIAL_NAME = 100;

/**
 * The device credentials in the metadata database (table
 * `device_credentials`).
 *
 * @example
 * ```ts
 * const credentials = new DeviceCredentialStore(db, { clock: systemClock });
 * const { credential, password } = await credentials.create({
 *   factory: "demo", machine: "press-01", createdBy: "u_1",
 * });
 * await credentials.verify(credential.id, password); // the credential
 * ```
 */
export class DeviceCredentialStore {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;

  constructor(db: DatabaseSync, options: { clock: Clock }) {
    this.#db = db;
    this.#clock = options.clock;
  }

  /** Creates a credential; the password is returned here and never again. */
  async create(
    input: { factory: string; machine: string; name?: string; createdBy: string },
  ): Promise<{ credential: DeviceCredential; password: string }> {
    checkId("factory", input.factory);
    checkId("machine", input.machine);
    const name = checkName(input.name ?? input.machine);
    const id = newCredentialId("d_");
    const password = newSecret();
    const hash = await hashSecret(password);
    const now = this.#clock.now();
    this.#db.prepare(
      `INSERT INTO device_credentials
         (id, factory, machine, name, created_by, created_at, hash) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(id, input.factory, input.machine, name, input.createdBy, now, hash);
    return { credential: this.get(id)!, password };
  }

  /** The credential `id`, revoked or not. */
  get(id: string): DeviceCredential | undefined {
    const row = this.#db.prepare("SELECT * FROM device_credentials WHERE id = ?").get(id) as
      | Row
      | undefined;
    return row === undefined ? undefined : view(row);
  }

  /** The credentials of `factory` (of one machine when given), newest first, revoked included. */
  list(factory: string, machine?: string): DeviceCredential[] {
    const rows = (machine === undefined
      ? this.#db.prepare(
        "SELECT * FROM device_credentials WHERE factory = ? ORDER BY created_at DESC, id",
      ).all(factory)
      : this.#db.prepare(
        `SELECT * FROM device_credentials WHERE factory = ? AND machine = ?
         ORDER BY created_at DESC, id`,
      ).all(factory, machine)) as unknown as Row[];
    return rows.map(view);
  }

  /** Every live (unrevoked) credential with its hash, by factory, machine and id. */
  live(): HashedDeviceCredential[] {
    const rows = this.#db.prepare(
      "SELECT * FROM device_credentials WHERE revoked_at IS NULL ORDER BY factory, machine, id",
    ).all() as unknown as Row[];
    return rows.map((row) => ({ ...view(row), hash: row.hash }));
  }

  /**
   * Revokes `id` (of `factory` only, when given); returns the credential, or
   * undefined when there is no such credential. Revoking twice keeps the first time.
   */
  revoke(id: string, factory?: string): DeviceCredential | undefined {
    const found = this.get(id);
    if (found === undefined || (factory !== undefined && found.factory !== factory)) {
      return undefined;
    }
    this.#db.prepare(
      "UPDATE device_credentials SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
    ).run(this.#clock.now(), id);
    return this.get(id);
  }

  /**
   * The live credential `id` when `password` is its secret (and records
   * the use), else undefined.
   */
  async verify(id: string, password: string): Promise<DeviceCredential | undefined> {
    const row = this.#db.prepare(
      "SELECT * FROM device_credentials WHERE id = ? AND revoked_at IS NULL",
    ).get(id) as Row | undefined;
    // Hash even for an unknown id, so timing does not tell which ids exist.
    const ok = await verifySecret(password, row?.hash ?? DUMMY_HASH);
    if (row === undefined || !ok) return undefined;
    const now = this.#clock.now();
    // Revoked while we were hashing: refuse.
    const changed = this.#db.prepare(
      "UPDATE device_credentials SET last_used_at = ? WHERE id = ? AND revoked_at IS NULL",
    ).run(now, id);
    if (Number(changed.changes) === 0) return undefined;
    return view({ ...row, last_used_at: now });
  }
}

/** A well-formed hash no secret matches, used for unknown ids. */
export const DUMMY_HASH = `$7$${MOSQUITTO_PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAA$${"A".repeat(86)}==`;

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
