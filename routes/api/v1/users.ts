import { Hono } from "hono";
import type { Identity, Invite, User } from "../../../engine/identity/mod.ts";
import { checkUserName } from "../../../engine/identity/user_store.ts";
import { clientIpOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { identityErrorHandler, objectBody, originOf, scopedFactory } from "./_identity_http.ts";
import { adminView } from "./_user_view.ts";

/** What the user and invite admin routes use of {@link Identity}. */
export type UsersDeps = Pick<
  Identity,
  "factories" | "users" | "invites" | "audit" | "setDisabled" | "deliverInvite"
>;

function inviteView(invite: Invite) {
  return {
    id: invite.id,
    email: invite.email,
    role: invite.role,
    createdBy: invite.createdBy,
    createdAt: invite.createdAt,
    expiresAt: invite.expiresAt,
  };
}

/**
 * Users and invites of a factory (permission `manage_users`):
 * `GET /factories/{f}/users`, `PATCH /factories/{f}/users/{id}`
 * `{name?, role?, disabled?}`, `POST …/users/{id}/password-reset`,
 * `GET|POST /factories/{f}/invites`, `DELETE /factories/{f}/invites/{id}`.
 * Only a super admin grants `super_admin`; nobody disables themselves or
 * changes their own role; a user of another factory is a 404.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", usersApi(identity));
 * // POST /api/v1/factories/plant-1/invites {"email": "grace@plant.example", "role": "operator"}
 * ```
 */
export function usersApi(deps: UsersDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);
  const { users, invites, audit } = deps;

  const member = (factory: string, id: string): User => {
    const user = users.get(id);
    if (user === undefined || user.factory !== factory) {
      throw new HttpError(404, `No user '${id}' in factory '${factory}'`);
    }
    return user;
  };

  app.get("/factories/:factory/users", (c) => {
    const { factory } = scopedFactory(c, deps.factories);
    return c.json({ factory, users: users.list(factory).map(adminView) });
  });

  app.patch("/factories/:factory/users/:id", async (c) => {
    const { principal, factory } = scopedFactory(c, deps.factories);
    const target = member(factory, c.req.param("id"));
    const body = await objectBody(c);
    const unknown = Object.keys(body).filter((k) => !["name", "role", "disabled"].includes(k));
    if (unknown.length > 0) {
      throw new HttpError(400, `Unknown fields ${unknown.join(", ")}; known: name, role, disabled`);
    }
    const self = principal.kind === "user" && principal.id === target.id;
    if (body.disabled !== undefined && typeof body.disabled !== "boolean") {
      throw new HttpError(400, "disabled must be true or false");
    }
    if (body.role !== undefined && body.role !== target.role) {
      if (self) throw new HttpError(403, "You cannot change your own role");
      if (body.role === "super_admin" && principal.factory !== null) {
        throw new HttpError(403, "Only a super admin can grant the super_admin role");
      }
    }
    if (body.disabled === true && self) throw new HttpError(403, "You cannot disable yourself");
    const ip = clientIpOf(c);
    let user = target;
    // Checked (and trimmed) first, so that "Olga " for "Olga" is no rename.
    const name = body.name === undefined ? undefined : checkUserName(body.name);
    if (name !== undefined && name !== target.name) {
      user = users.setName(target.id, name);
      audit.record({
        factory,
        actor: principal,
        action: "user.rename",
        target: target.id,
        ip,
        detail: { from: target.name, to: user.name },
      });
    }
    if (body.role !== undefined && body.role !== target.role) {
      user = users.setRole(target.id, body.role, factory);
      audit.record({
        factory,
        actor: principal,
        action: "user.role",
        target: target.id,
        ip,
        detail: { email: target.email, from: target.role, to: user.role },
      });
    }
    if (body.disabled !== undefined && body.disabled !== target.disabled) {
      user = deps.setDisabled(target.id, body.disabled);
      audit.record({
        factory,
        actor: principal,
        action: body.disabled ? "user.disable" : "user.enable",
        target: target.id,
        ip,
        detail: { email: target.email },
      });
    }
    return c.json(adminView(user));
  });

  app.post("/factories/:factory/users/:id/password-reset", async (c) => {
    const { principal, factory } = scopedFactory(c, deps.factories);
    const target = member(factory, c.req.param("id"));
    const issued = invites.createPasswordReset({ userId: target.id, createdBy: principal.name });
    const { link, mailed } = await deps.deliverInvite(issued, originOf(c));
    audit.record({
      factory,
      actor: principal,
      action: "user.password_reset",
      target: target.id,
      ip: clientIpOf(c),
      detail: { email: target.email, mailed },
    });
    return c.json({ link, mailed, expiresAt: issued.invite.expiresAt }, 201);
  });

  app.get("/factories/:factory/invites", (c) => {
    const { factory } = scopedFactory(c, deps.factories);
    return c.json({ factory, invites: invites.list(factory).map(inviteView) });
  });

  app.post("/factories/:factory/invites", async (c) => {
    const { principal, factory } = scopedFactory(c, deps.factories);
    const body = await objectBody(c);
    const issued = invites.createInvite({
      email: body.email,
      role: body.role,
      factory,
      createdBy: principal.name,
    });
    const { link, mailed } = await deps.deliverInvite(issued, originOf(c));
    audit.record({
      factory,
      actor: principal,
      action: "user.invite",
      target: issued.invite.email,
      ip: clientIpOf(c),
      detail: { role: issued.invite.role, mailed, invite: issued.invite.id },
    });
    return c.json({ invite: inviteView(issued.invite), link, mailed }, 201);
  });

  app.delete("/factories/:factory/invites/:id", (c) => {
    const { principal, factory } = scopedFactory(c, deps.factories);
    const invite = invites.revoke(factory, c.req.param("id"));
    audit.record({
      factory,
      actor: principal,
      action: "user.invite_revoke",
      target: invite.email,
      ip: clientIpOf(c),
      detail: { invite: invite.id },
    });
    return c.body(null, 204);
  });

  return app;
}
