import { Hono } from "hono";
import type { Identity } from "../../../engine/identity/mod.ts";
import { PERMISSIONS, userView } from "../../../engine/identity/mod.ts";
import { clientIpOf, principalOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { identityErrorHandler, loginAnswer, objectBody } from "./_identity_http.ts";

/** What the auth routes use of {@link Identity}. */
export type AuthDeps = Pick<
  Identity,
  "login" | "logout" | "logoutAll" | "changePassword" | "csrfTokenFor" | "clearCookie" | "users"
>;

const BAD_CREDENTIALS = "Wrong e-mail or password";

/**
 * Sessions: `POST /auth/login` (public), `POST /auth/logout`,
 * `POST /auth/logout-all`, `GET /auth/me`, `POST /auth/password`. Login
 * answers `{access_token, token_type: "bearer", expires_in, csrf_token, user}`
 * and sets the session cookie; bad credentials are one 401 whatever was
 * wrong; too many failures are a 429 with `Retry-After` (seconds).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", authApi(identity));
 * // POST /api/v1/auth/login {"email": "ada@plant.example", "password": "…"}
 * ```
 */
export function authApi(deps: AuthDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);

  app.post("/auth/login", async (c) => {
    const body = await objectBody(c);
    if (typeof body.email !== "string" || typeof body.password !== "string") {
      throw new HttpError(400, "The body must be {email, password}, both strings");
    }
    const outcome = await deps.login(body.email, body.password, clientIpOf(c));
    if (!outcome.ok) {
      if (outcome.reason === "throttled") {
        const seconds = Math.max(1, Math.ceil(outcome.retryAfterMs / 1000));
        c.header("Retry-After", String(seconds));
        return c.json({
          error: {
            status: 429,
            message: `Too many failed logins; try again in ${seconds} s`,
          },
        }, 429);
      }
      if (outcome.reason === "disabled") {
        return c.json({
          error: {
            status: 403,
            message: "This account or its factory is disabled; ask an administrator",
          },
        }, 403);
      }
      return c.json({ error: { status: 401, message: BAD_CREDENTIALS } }, 401);
    }
    c.header("Set-Cookie", outcome.session.cookie);
    c.header("Cache-Control", "no-store");
    return c.json(loginAnswer(outcome.user, outcome.session));
  });

  app.post("/auth/logout", (c) => {
    principalOf(c);
    const sessionId = c.get("sessionId") as string | undefined;
    if (sessionId !== undefined) deps.logout(sessionId);
    c.header("Set-Cookie", deps.clearCookie());
    return c.body(null, 204);
  });

  app.post("/auth/logout-all", (c) => {
    const principal = principalOf(c);
    if (principal.kind !== "user") {
      throw new HttpError(400, "Only a signed-in user can sign out everywhere");
    }
    deps.logoutAll(principal.id);
    c.header("Set-Cookie", deps.clearCookie());
    return c.body(null, 204);
  });

  app.get("/auth/me", (c) => {
    const principal = principalOf(c);
    const user = principal.kind === "user" ? deps.users.get(principal.id) : undefined;
    const sessionId = c.get("sessionId") as string | undefined;
    c.header("Cache-Control", "no-store");
    return c.json({
      user: user === undefined ? null : userView(user),
      principal: {
        kind: principal.kind,
        id: principal.id,
        name: principal.name,
        role: principal.role,
        factory: principal.factory,
      },
      permissions: PERMISSIONS.filter((p) => principal.permissions.has(p)),
      ...(sessionId === undefined ? {} : { csrf_token: deps.csrfTokenFor(sessionId) }),
    });
  });

  app.post("/auth/password", async (c) => {
    const principal = principalOf(c);
    if (principal.kind !== "user") {
      throw new HttpError(400, "Only a signed-in user has a password to change");
    }
    const body = await objectBody(c);
    const session = await deps.changePassword(
      principal.id,
      body.current,
      body.next,
      clientIpOf(c),
    );
    c.header("Set-Cookie", session.cookie);
    c.header("Cache-Control", "no-store");
    return c.json(loginAnswer(deps.users.get(principal.id)!, session));
  });

  return app;
}
