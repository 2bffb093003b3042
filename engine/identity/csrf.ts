import { createHmac, timingSafeEqual } from "node:crypto";
import { Buffer } from "node:buffer";

/** Request header carrying the CSRF token on cookie-authenticated state changes. */
export const CSRF_HEADER = "X-CSRF-Token";

/**
 * CSRF tokens bound to a session: HMAC-SHA256(key, jti), base64url. The key
 * is derived from the signing secret with its own label, so a CSRF token
 * never doubles as anything else. A page reads the token from the login or
 * `/auth/me` answer and sends it back in {@link CSRF_HEADER}.
 *
 * @example
 * ```ts
 * declare const secret: Uint8Array; // the session signing secret
 * declare const jti: string, otherJti: string; // session ids
 * const csrf = new CsrfTokens(secret);
 * const token = csrf.tokenFor(jti);
 * csrf.check(jti, token); // true
 * csrf.check(otherJti, token); // false
 * ```
 */
export class CsrfTokens {
  readonly #key: Buffer;

  constructor(secret: Uint8Array) {
    this.#key = createHmac("sha256", secret).update("millwright csrf v1").digest();
  }

  /** The CSRF token of session `jti`. */
  tokenFor(jti: string): string {
    return createHmac("sha256", this.#key).update(jti).digest("base64url");
  }

  /** True when `headerValue` is the CSRF token of session `jti` (constant time). */
  check(jti: string, headerValue: string | null | undefined): boolean {
    if (typeof headerValue !== "string" || headerValue === "") return false;
    const expected = Buffer.from(this.tokenFor(jti));
    const given = Buffer.from(headerValue);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
