/**
 * The secrets of MQTT device credentials and provisioning keys: random ids
 * and secrets, and hashes in mosquitto's own PBKDF2-SHA512 `$7$` format, so
 * a stored hash goes verbatim into an external mosquitto's password file.
 *
 * The secrets are 256 random bits: nobody can guess them, so a fast KDF
 * (mosquitto's default of 101 iterations) is as safe as a slow one here and
 * keeps every MQTT connect cheap.
 *
 * @module
 */

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

/** A well-formed hash no secret matches, used for unknown ids. */
export const DUMMY_HASH = `$7$${MOSQUITTO_PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAA$${"A".repeat(86)}==`;
