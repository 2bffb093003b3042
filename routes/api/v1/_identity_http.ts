/**
 * Shared pieces of the identity route modules (auth, factories, users,
 * invites, API tokens, audit): error mapping, body reading, factory scoping
 * and the login answer.
 *
 * @module
 */
import type { Context } from "hono";
import type { Identity, SessionGrant, User } from "../../../engine/identity/mod.ts";
import {
  canReachFactory,
  IDENTITY_ERROR_STATUS,
  IdentityError,
  type Principal,
  userView,
} from "../../../engine/identity/mod.ts";
import { principalOf } from "../../../web/auth_context.ts";
import { handleError, HttpError } from "../../../web/http_error.ts";

/** `onError` of the identity route modules: IdentityErrors by kind, the rest as the app does. */
export function identityErrorHandler(error: Error, c: Context): Response {
  if (error instanceof IdentityError) {
    const status = IDENTITY_ERROR_STATUS[error.kind];
    return c.json({ error: { status, message: error.message } }, status);
  }
  return handleError(error, c);
}

/** The JSON object body of a request, or a 400 saying what is wrong. */
export async function objectBody(c: Context): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw new HttpError(400, "The body must be a JSON object", { cause: error });
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "The body must be a JSON object");
  }
  return body as Record<string, unknown>;
}

/**
 * The caller and the path's factory, which must exist and be reachable by the
 * caller; otherwise 404, so another factory's objects are not even confirmed.
 */
export function scopedFactory(
  c: Context,
  factories: Pick<Identity["factories"], "get">,
): { principal: Principal; factory: string } {
  const principal = principalOf(c);
  const factory = c.req.param("factory") ?? "";
  if (!canReachFactory(principal, factory) || factories.get(factory) === undefined) {
    throw new HttpError(404, `No factory '${factory}'`);
  }
  return { principal, factory };
}

/** The answer of login and invite acceptance. */
export function loginAnswer(user: User, session: SessionGrant) {
  return {
    access_token: session.accessToken,
    token_type: "bearer" as const,
    expires_in: session.expiresIn,
    csrf_token: session.csrfToken,
    user: userView(user),
  };
}

/** The request's origin (scheme, host, port), for links when PUBLIC_URL is unset. */
export function originOf(c: Context): string {
  return new URL(c.req.url).origin;
}
