import { Hono } from "hono";
import type { Identity } from "../../../engine/identity/mod.ts";
import { clientIpOf } from "../../../web/auth_context.ts";
import { identityErrorHandler, loginAnswer, objectBody } from "./_identity_http.ts";

/** What the public invite routes use of {@link Identity}. */
export type InvitesDeps = Pick<
  Identity,
  "invites" | "audit" | "startSession" | "notifySessionsEnded"
>;

/**
 * Public invite and password-reset links: `GET /invites/{token}` →
 * `{kind, email, factory, role, expiresAt}` (404 unknown, 410 expired or
 * used), `POST /invites/{token}/accept` `{name?, password}` → the login
 * answer and the session cookie (`name` is required for invites).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", invitesApi(identity));
 * // POST /api/v1/invites/Zm9v…/accept {"name": "Grace", "password": "…"}
 * ```
 */
export function invitesApi(deps: InvitesDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);

  app.get("/invites/:token", (c) => {
    const invite = deps.invites.lookup(c.req.param("token"));
    c.header("Cache-Control", "no-store");
    return c.json({
      kind: invite.kind,
      email: invite.email,
      factory: invite.factory,
      role: invite.role,
      expiresAt: invite.expiresAt,
    });
  });

  app.post("/invites/:token/accept", async (c) => {
    const body = await objectBody(c);
    const token = c.req.param("token");
    const invite = deps.invites.lookup(token);
    const user = await deps.invites.accept(token, { name: body.name, password: body.password });
    if (invite.kind === "password_reset") deps.notifySessionsEnded(user.id);
    deps.audit.record({
      factory: user.factory,
      actor: { kind: "user", id: user.id, name: user.name },
      action: invite.kind === "invite" ? "user.create" : "user.password",
      target: user.id,
      ip: clientIpOf(c),
      detail: {
        email: user.email,
        via: invite.kind,
        invite: invite.id,
        createdBy: invite.createdBy,
      },
    });
    if (user.disabled) {
      return c.json({
        error: {
          status: 403,
          message: "The password is set, but this account is disabled; ask an administrator",
        },
      }, 403);
    }
    const session = await deps.startSession(user);
    c.header("Set-Cookie", session.cookie);
    c.header("Cache-Control", "no-store");
    return c.json(loginAnswer(user, session));
  });

  return app;
}
