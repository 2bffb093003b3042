import type { DatabaseSync } from "node:sqlite";
import { errors, jwtVerify, SignJWT } from "jose";
import type { Clock } from "../clock.ts";
import { JWT_SECRET_MIN_BYTES } from "./jwt_secret.ts";

/** Issuer of every session JWT. */
export const SESSION_ISSUER = "millwright";
/** Audience of every session JWT. */
export const SESSION_AUDIENCE = "millwright-api";
/** Default session lifetime: 12 hours. */
export const DEFAULT_SESSION_LIFETIME_MS = 12 * 3_600_000;

/** A newly issued session. */
export interface IssuedSession {
  /** The JWT. */
  readonly token: string;
  /** Its `jti`: the session id. */
  readonly jti: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
  /** Seconds until it expires (`expires_in`). */
  readonly expiresIn: number;
}

/** A verified session. */
export interface SessionClaims {
  readonly userId: string;
  readonly jti: string;
  /** Epoch ms. */
  readonly issuedAt: number;
  /** Epoch ms. */
  readonly expiresAt: number;
}

/** Outcome of {@link SessionTokens.check}: the claims, or why the token is refused. */
export type SessionCheck =
  | { readonly valid: true; readonly claims: SessionClaims }
  | { readonly valid: false; readonly reason: string };

/** Options of {@link SessionTokens}. */
export interface SessionTokensOptions {
  /** HS256 key, at least 32 bytes. */
  readonly secret: Uint8Array;
  readonly clock: Clock;
  /** Session lifetime, ms (default 12 h). */
  readonly lifetimeMs?: number;
  /** The user's token cutoff (epoch ms), or undefined when there is no such user. */
  readonly cutoffOf: (userId: string) => number | undefined;
}

/**
 * Session JWTs (`npm:jose`): HS256 only, `typ: JWT`, `iss` millwright,
 * `aud` millwright-api, `token_use: "session"`, `sub`, `iat`, `exp`, `jti`.
 * Verification checks all of them, refuses a token issued before the user's
 * cutoff (logout-all, disable, password reset) and a logged-out `jti` until
 * it would have expired anyway. `iat` carries milliseconds (a fractional
 * NumericDate, RFC 7519 §2) so a login right after "sign out everywhere" is
 * not caught by its cutoff.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { User, UserStore } from "./user_store.ts";
 * declare const db: DatabaseSync, secret: Uint8Array, clock: Clock;
 * declare const users: UserStore, user: User;
 *
 * const sessions = new SessionTokens(db, {
 *   secret,
 *   clock,
 *   cutoffOf: (id) => users.tokenCutoff(id),
 * });
 * const { token, jti } = await sessions.issue(user.id);
 * (await sessions.verify(token))?.userId === user.id; // true
 * sessions.revoke(jti);
 * ```
 */
export class SessionTokens {
  readonly #db: DatabaseSync;
  readonly #secret: Uint8Array;
  readonly #clock: Clock;
  readonly #lifetimeMs: number;
  readonly #cutoffOf: (userId: string) => number | undefined;

  constructor(db: DatabaseSync, options: SessionTokensOptions) {
    if (options.secret.length < JWT_SECRET_MIN_BYTES) {
      throw new RangeError(
        `Cannot sign sessions: the secret must be at least ${JWT_SECRET_MIN_BYTES} bytes (256 bits): it has ${options.secret.length}`,
      );
    }
    const lifetimeMs = options.lifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS;
    if (!Number.isInteger(lifetimeMs) || lifetimeMs < 60_000) {
      throw new RangeError(
        `Cannot sign sessions: 'lifetimeMs' must be an integer >= 60000: current value is ${lifetimeMs}`,
      );
    }
    this.#db = db;
    this.#secret = options.secret;
    this.#clock = options.clock;
    this.#lifetimeMs = lifetimeMs;
    this.#cutoffOf = options.cutoffOf;
  }

  /** Session lifetime in ms. */
  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  /** Signs a new session for `userId`. */
  async issue(userId: string): Promise<IssuedSession> {
    const now = this.#clock.now();
    const jti = crypto.randomUUID();
    const expiresAt = Math.floor((now + this.#lifetimeMs) / 1000) * 1000;
    const token = await new SignJWT({ token_use: "session" })
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setSubject(userId)
      .setIssuer(SESSION_ISSUER)
      .setAudience(SESSION_AUDIENCE)
      .setIssuedAt(now / 1000)
      .setExpirationTime(expiresAt / 1000)
      .setJti(jti)
      .sign(this.#secret);
    return {
      token,
      jti,
      issuedAt: now,
      expiresAt,
      expiresIn: Math.round((expiresAt - now) / 1000),
    };
  }

  /** The verified claims of `token`, or null when it is refused for any reason. */
  async verify(token: string): Promise<SessionClaims | null> {
    const result = await this.check(token);
    return result.valid ? result.claims : null;
  }

  /** Like {@link verify}, saying why a token is refused (for logs and tests). */
  async check(token: string): Promise<SessionCheck> {
    let payload;
    try {
      ({ payload } = await jwtVerify(token, this.#secret, {
        algorithms: ["HS256"],
        typ: "JWT",
        issuer: SESSION_ISSUER,
        audience: SESSION_AUDIENCE,
        requiredClaims: ["sub", "iat", "exp", "jti"],
        currentDate: new Date(this.#clock.now()),
        clockTolerance: 0,
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        return { valid: false, reason: `${error.code}: ${error.message}` };
      }
      if (error instanceof TypeError) return { valid: false, reason: error.message };
      throw error;
    }
    if (payload.token_use !== "session") {
      return { valid: false, reason: "not a session token (token_use)" };
    }
    const { sub, jti, iat, exp } = payload as {
      sub: string;
      jti: string;
      iat: number;
      exp: number;
    };
    if (typeof jti !== "string" || jti === "") return { valid: false, reason: "jti missing" };
    const issuedAt = Math.round(iat * 1000);
    const cutoff = this.#cutoffOf(sub);
    if (cutoff === undefined) return { valid: false, reason: "unknown user" };
    if (issuedAt < cutoff) return { valid: false, reason: "issued before the user's cutoff" };
    if (this.isRevoked(jti)) return { valid: false, reason: "session logged out" };
    return { valid: true, claims: { userId: sub, jti, issuedAt, expiresAt: exp * 1000 } };
  }

  /** Logs out one session: its `jti` is refused until `expiresAt` (default: a full lifetime). */
  revoke(jti: string, expiresAt = this.#clock.now() + this.#lifetimeMs): void {
    this.prune();
    this.#db.prepare(
      "INSERT INTO revoked_sessions (jti, expires_at) VALUES (?, ?) ON CONFLICT (jti) DO NOTHING",
    ).run(jti, expiresAt);
  }

  /** True when `jti` was logged out (and has not expired yet). */
  isRevoked(jti: string): boolean {
    return this.#db.prepare("SELECT 1 FROM revoked_sessions WHERE jti = ?").get(jti) !==
      undefined;
  }

  /** Forgets logged-out sessions that have expired anyway; returns how many. */
  prune(): number {
    const result = this.#db.prepare("DELETE FROM revoked_sessions WHERE expires_at < ?")
      .run(this.#clock.now());
    return Number(result.changes);
  }
}
