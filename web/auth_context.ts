/**
 * The verified caller of a request, as route handlers read it. The auth
 * middleware (web/auth_middleware.ts) authenticates every request, checks the
 * route's permission and factory, and then sets these variables; a handler
 * behind it never sees an unauthenticated call to a protected route.
 *
 * @module
 */
import type { Context } from "hono";
import type { Principal } from "../engine/identity/principal.ts";
import type { PageSession } from "./islands_layer/page_session.ts";
import { HttpError } from "./http_error.ts";

/** Hono variables set by the auth middleware. */
export interface AuthVariables {
  /** The verified caller; absent on public routes called without a credential. */
  principal?: Principal;
  /** How the credential came: a session cookie needs CSRF protection on state changes. */
  credential?: "bearer" | "cookie";
  /** The session's JWT id (`jti`), for logout of this session alone. */
  sessionId?: string;
  /** The caller's network address, for throttling and the audit log. */
  clientIp?: string;
  /** CSRF token of the cookie session, for the page being rendered. */
  csrfToken?: string;
}

declare module "hono" {
  // Typed `c.get`/`c.set` of the auth variables in every handler.
  interface ContextVariableMap extends AuthVariables {}
}

/** The verified caller, or a 401 when the request carries none. */
export function principalOf(c: Context): Principal {
  const principal = c.get("principal");
  if (principal === undefined) {
    throw new HttpError(401, "Sign in first: this route needs a credential");
  }
  return principal;
}

/** The caller's principal when one was given (public routes), else undefined. */
export function optionalPrincipalOf(c: Context): Principal | undefined {
  return c.get("principal");
}

/** The caller's network address ("unknown" when the server cannot tell). */
export function clientIpOf(c: Context): string {
  return c.get("clientIp") ?? "unknown";
}

/**
 * Who acts, for audit trails (alert actions, rule versions): the verified
 * caller's name; undefined only where no auth gate runs (route unit tests).
 */
export function actorNameOf(c: Context): string | undefined {
  return c.get("principal")?.name;
}

/** The page session of a signed-in request (pages show the user and embed the CSRF token). */
export function pageSessionOf(c: Context): PageSession | undefined {
  const principal = c.get("principal");
  if (principal === undefined) return undefined;
  const csrfToken = c.get("csrfToken");
  return {
    user: {
      id: principal.id,
      name: principal.name,
      role: principal.role,
      factory: principal.factory,
      permissions: [...principal.permissions],
    },
    ...(csrfToken === undefined ? {} : { csrfToken }),
  };
}
