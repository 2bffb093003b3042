import type { ApiTokenStore } from "./api_tokens.ts";
import type { FactoryStore } from "./factory_store.ts";
import { type Principal, userPrincipal } from "./principal.ts";
import { readCookie, sessionCookieName } from "./session_cookie.ts";
import type { SessionTokens } from "./session_tokens.ts";
import type { User, UserStore } from "./user_store.ts";

/** A verified request credential. */
export interface Authenticated {
  readonly principal: Principal;
  /** A cookie session needs CSRF protection on state changes; a bearer token does not. */
  readonly credential: "bearer" | "cookie";
  /** The session's `jti` (sessions only, not API tokens). */
  readonly sessionId?: string;
  /** The signed-in user (sessions only). */
  readonly user?: User;
}

/** What {@link Authenticator} reads. */
export interface AuthenticatorParts {
  readonly sessions: Pick<SessionTokens, "verify">;
  readonly users: Pick<UserStore, "get">;
  readonly factories: Pick<FactoryStore, "isActive">;
  readonly apiTokens: Pick<ApiTokenStore, "authenticate">;
  /** Served over TLS: the cookie is `__Host-mw_session`. */
  readonly secure: boolean;
}

/**
 * Turns a request's credential into a principal: `Authorization: Bearer
 * <jwt>` (a session) or `Bearer mwt_…` (an API token), else the session
 * cookie. A malformed, expired, revoked or unknown credential, a disabled
 * user, or an archived factory gives null; a present but bad Authorization
 * header does not fall back to the cookie.
 *
 * @example
 * ```ts
 * import type { Context } from "hono";
 * import { HttpError } from "../../web/http_error.ts";
 * import type { Identity } from "./identity.ts";
 * import type { Principal } from "./principal.ts";
 * declare const identity: Identity;
 * declare const c: Context<{ Variables: { principal: Principal } }>; // a Hono handler's
 *
 * const auth = await identity.authenticator.authenticate(c.req.raw);
 * if (auth === null) throw new HttpError(401, "Sign in first");
 * c.set("principal", auth.principal);
 * ```
 */
export class Authenticator {
  readonly #parts: AuthenticatorParts;

  constructor(parts: AuthenticatorParts) {
    this.#parts = parts;
  }

  /** The cookie name this server uses. */
  get cookieName(): string {
    return sessionCookieName(this.#parts.secure);
  }

  async authenticate(request: Request): Promise<Authenticated | null> {
    const authorization = request.headers.get("Authorization");
    if (authorization !== null) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
      if (match === null) return null;
      const secret = match[1];
      if (secret.startsWith("mwt_")) {
        const principal = this.#parts.apiTokens.authenticate(secret);
        if (principal === null || !this.#parts.factories.isActive(principal.factory!)) return null;
        return { principal, credential: "bearer" };
      }
      return await this.#session(secret, "bearer");
    }
    const cookie = readCookie(request.headers.get("Cookie"), this.cookieName);
    if (cookie === undefined || cookie === "") return null;
    return await this.#session(cookie, "cookie");
  }

  async #session(token: string, credential: "bearer" | "cookie"): Promise<Authenticated | null> {
    const claims = await this.#parts.sessions.verify(token);
    if (claims === null) return null;
    const user = this.#parts.users.get(claims.userId);
    if (user === undefined || user.disabled) return null;
    if (user.role !== "super_admin" && !this.#parts.factories.isActive(user.factory!)) return null;
    return { principal: userPrincipal(user), credential, sessionId: claims.jti, user };
  }
}
