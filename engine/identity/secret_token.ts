import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";

/**
 * A fresh 256-bit random secret, base64url (43 characters), with an optional
 * prefix (`mwt_` for API tokens).
 *
 * @example
 * ```ts
 * randomSecret("mwt_"); // "mwt_Q2h…" (47 characters)
 * ```
 */
export function randomSecret(prefix = ""): string {
  return prefix + Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

/**
 * SHA-256 of a secret, hex: what is stored instead of the secret itself. A
 * 256-bit random secret needs no salt or slow hash.
 *
 * @example
 * ```ts
 * secretDigest("abc").length; // 64
 * ```
 */
export function secretDigest(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}
