/**
 * Password hashing with Argon2id (`npm:hash-wasm`, WebAssembly), stored as
 * PHC strings: `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
 *
 * @module
 */
import { argon2id } from "hash-wasm";
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";

/** Argon2id cost parameters. */
export interface Argon2Params {
  /** Memory in KiB. */
  readonly memoryKiB: number;
  /** Passes over memory. */
  readonly iterations: number;
  /** Lanes. */
  readonly parallelism: number;
}

/** OWASP's recommended minimum for Argon2id: m = 19 MiB, t = 2, p = 1. */
export const OWASP_ARGON2ID: Argon2Params = { memoryKiB: 19_456, iterations: 2, parallelism: 1 };

const SALT_BYTES = 16;
const HASH_BYTES = 32;
const PHC = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

interface ParsedHash {
  readonly params: Argon2Params;
  readonly salt: Uint8Array;
  readonly hash: Uint8Array;
}

function parse(phc: string): ParsedHash {
  const match = PHC.exec(phc);
  if (match === null) {
    throw new RangeError(
      "Cannot verify the password: the stored hash is not an Argon2id v19 PHC string",
    );
  }
  const [, m, t, p, salt, hash] = match;
  return {
    params: { memoryKiB: Number(m), iterations: Number(t), parallelism: Number(p) },
    salt: new Uint8Array(Buffer.from(salt, "base64")),
    hash: new Uint8Array(Buffer.from(hash, "base64")),
  };
}

function checkParams(params: Argon2Params): void {
  const { memoryKiB, iterations, parallelism } = params;
  if (!Number.isInteger(parallelism) || parallelism < 1 || parallelism > 16) {
    throw new RangeError(
      `Cannot hash: 'parallelism' must be an integer 1..16: current value is ${parallelism}`,
    );
  }
  if (!Number.isInteger(iterations) || iterations < 1) {
    throw new RangeError(
      `Cannot hash: 'iterations' must be a positive integer: current value is ${iterations}`,
    );
  }
  if (!Number.isInteger(memoryKiB) || memoryKiB < 8 * parallelism) {
    throw new RangeError(
      `Cannot hash: 'memoryKiB' must be an integer >= 8 × parallelism: current value is ${memoryKiB}`,
    );
  }
}

/** One Argon2id computation. */
export interface Argon2Job {
  readonly password: string;
  readonly salt: Uint8Array;
  readonly params: Argon2Params;
  readonly hashLength: number;
}

/** Computes Argon2id: in this thread, or in a worker ({@link Argon2Worker}). */
export type Argon2Run = (job: Argon2Job) => Promise<Uint8Array>;

/**
 * Argon2id on the calling thread (blocks it for the hash's duration, about
 * 0.1 s at OWASP's parameters).
 */
export const runArgon2InThread: Argon2Run = async (job) =>
  await argon2id({
    // hash-wasm refuses an empty password; callers treat "" as never matching.
    password: job.password === "" ? "\0" : job.password,
    salt: job.salt,
    parallelism: job.params.parallelism,
    iterations: job.params.iterations,
    memorySize: job.params.memoryKiB,
    hashLength: job.hashLength,
    outputType: "binary",
  });

function b64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64").replace(/=+$/, "");
}

/**
 * Argon2id password hashing with fixed parameters and a chosen place to run:
 * `hash` makes a PHC string with a fresh 128-bit salt, `verify` recomputes
 * with the stored parameters and compares in constant time, `needsRehash`
 * tells when stored parameters differ from the wanted ones.
 *
 * @example
 * ```ts
 * import { Argon2Worker } from "./argon2_worker.ts";
 * const hasher = new PasswordHasher({ run: new Argon2Worker().run });
 * const stored = await hasher.hash("kettle-orbit-fjord-42");
 * await hasher.verify(stored, "kettle-orbit-fjord-42"); // true
 * ```
 */
export class PasswordHasher {
  readonly params: Argon2Params;
  readonly #run: Argon2Run;

  constructor(options: { params?: Argon2Params; run?: Argon2Run } = {}) {
    this.params = options.params ?? OWASP_ARGON2ID;
    checkParams(this.params);
    this.#run = options.run ?? runArgon2InThread;
  }

  /** The PHC string of `password` with a fresh salt. */
  async hash(password: string): Promise<string> {
    const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
    const hash = await this.#run({ password, salt, params: this.params, hashLength: HASH_BYTES });
    const { memoryKiB: m, iterations: t, parallelism: p } = this.params;
    return `$argon2id$v=19$m=${m},t=${t},p=${p}$${b64(salt)}$${b64(hash)}`;
  }

  /**
   * True when `password` matches `stored`; an empty password never matches.
   *
   * @throws {RangeError} when `stored` is not an Argon2id PHC string.
   */
  async verify(stored: string, password: string): Promise<boolean> {
    const { params, salt, hash } = parse(stored);
    checkParams(params);
    const computed = await this.#run({ password, salt, params, hashLength: hash.length });
    const same = computed.length === hash.length && timingSafeEqual(computed, hash);
    return same && password !== "";
  }

  /** True when `stored` was made with other parameters than this hasher's. */
  needsRehash(stored: string): boolean {
    return needsRehash(stored, this.params);
  }
}

/**
 * Hashes `password` on this thread with a fresh 128-bit salt; returns the PHC string.
 *
 * @example
 * ```ts
 * const stored = await hashPassword("correct horse battery staple");
 * stored.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"); // true
 * ```
 */
export async function hashPassword(
  password: string,
  params: Argon2Params = OWASP_ARGON2ID,
): Promise<string> {
  return await new PasswordHasher({ params }).hash(password);
}

/**
 * True when `password` matches the PHC string `stored` (computed on this
 * thread, compared in constant time).
 *
 * @example
 * ```ts
 * const stored = await hashPassword("correct horse battery staple");
 * await verifyPassword(stored, "correct horse battery staple"); // true
 * ```
 * @throws {RangeError} when `stored` is not an Argon2id PHC string.
 */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  return await new PasswordHasher({ params: parse(stored).params }).verify(stored, password);
}

/**
 * True when `stored` was made with other parameters than `params` (or is
 * not an Argon2id hash at all): rehash it at the next successful login.
 *
 * @example
 * ```ts
 * needsRehash("$argon2id$v=19$m=4096,t=3,p=1$c2FsdHNhbHQ$aGFzaA"); // true
 * ```
 */
export function needsRehash(stored: string, params: Argon2Params = OWASP_ARGON2ID): boolean {
  const match = PHC.exec(stored);
  if (match === null) return true;
  return Number(match[1]) !== params.memoryKiB || Number(match[2]) !== params.iterations ||
    Number(match[3]) !== params.parallelism ||
    Buffer.from(match[5], "base64").length !== HASH_BYTES;
}
