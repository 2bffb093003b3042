import { Hono } from "hono";
import type { Identity, Principal, Role, User } from "../../../engine/identity/mod.ts";
import { hasPermission } from "../../../engine/identity/mod.ts";
import { checkRole, checkUserName } from "../../../engine/identity/user_store.ts";
import { clientIpOf, principalOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { identityErrorHandler, objectBody } from "./_identity_http.ts";
import { adminView } from "./_user_view.ts";

/** What the super admin routes use of {@link Identity}. */
export type AdminsDeps = Pick<Identity, "users" | "audit" | "setDisabled" | "logoutAll">;

const FIELDS = ["name", "disabled", "role", "factory"];

/** A checked `PATCH /admins/{id}` body: only what changes. */
interface AdminChange {
  readonly name?: string;
  readonly disabled?: boolean;
  /** A demotion: the new role and the factory it is in. */
  readonly demotion?: { readonly role: Exclude<Role, "super_admin">; readonly factory: string };
}

/**
 * Super admins (they belong to no factory, so the factory-scoped user routes
 * do not reach them), for super admins only (permission `manage_factories`):
 * `GET /admins` → `{admins: [...]}`, and `PATCH /admins/{id}`
 * `{name?, disabled?, role?, factory?}` to rename, disable, enable, or make
 * a factory user (`role` other than `super_admin`, with the `factory`).
 * Nobody disables themselves or changes their own role; a change that would
 * leave no enabled super admin is a 409. Disabling and demoting end the
 * user's sessions and live streams at once.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", adminsApi(identity));
 * // PATCH /api/v1/admins/4f7c… {"role": "admin", "factory": "plant-1"}
 * ```
 */
export function adminsApi(deps: AdminsDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);
  const { users, audit } = deps;

  app.get("/admins", (c) => {
    requireManage(principalOf(c));
    return c.json({ admins: users.superAdmins().map(adminView) });
  });

  app.patch("/admins/:id", async (c) => {
    const principal = principalOf(c);
    requireManage(principal);
    const id = c.req.param("id");
    const target = users.get(id);
    if (target === undefined || target.role !== "super_admin") {
      throw new HttpError(404, `No super admin '${id}'`);
    }
    const change = checkedChange(await objectBody(c), target);
    const self = principal.kind === "user" && principal.id === target.id;
    if (self && change.demotion !== undefined) {
      throw new HttpError(403, "You cannot change your own role");
    }
    if (self && change.disabled === true) throw new HttpError(403, "You cannot disable yourself");
    // Counted now, after the body was read: nothing runs between this check and the change.
    const leaving = !target.disabled && (change.disabled === true || change.demotion !== undefined);
    if (leaving && users.superAdmins().filter((u) => !u.disabled).length <= 1) {
      throw new HttpError(
        409,
        `${target.email} is the last enabled super admin; make or enable another one first`,
      );
    }
    const ip = clientIpOf(c);
    let user = target;
    if (change.demotion !== undefined) {
      // Checks the factory (exists, not archived) before anything else changes.
      user = users.setRole(target.id, change.demotion.role, change.demotion.factory);
      // Live streams of factories they no longer reach must close: end their sessions.
      deps.logoutAll(target.id);
      audit.record({
        factory: user.factory,
        actor: principal,
        action: "admin.role",
        target: target.id,
        ip,
        detail: { email: target.email, from: target.role, to: user.role, factory: user.factory },
      });
    }
    if (change.name !== undefined) {
      user = users.setName(target.id, change.name);
      audit.record({
        factory: user.factory,
        actor: principal,
        action: "admin.rename",
        target: target.id,
        ip,
        detail: { email: target.email, from: target.name, to: user.name },
      });
    }
    if (change.disabled !== undefined) {
      user = deps.setDisabled(target.id, change.disabled);
      audit.record({
        factory: user.factory,
        actor: principal,
        action: change.disabled ? "admin.disable" : "admin.enable",
        target: target.id,
        ip,
        detail: { email: target.email },
      });
    }
    return c.json(adminView(user));
  });

  return app;
}

/** The body checked whole before anything changes, so a bad field changes nothing. */
function checkedChange(body: Record<string, unknown>, target: User): AdminChange {
  const unknown = Object.keys(body).filter((k) => !FIELDS.includes(k));
  if (unknown.length > 0) {
    throw new HttpError(400, `Unknown fields ${unknown.join(", ")}; known: ${FIELDS.join(", ")}`);
  }
  if (body.disabled !== undefined && typeof body.disabled !== "boolean") {
    throw new HttpError(
      400,
      `disabled must be true or false: current value is ${JSON.stringify(body.disabled)}`,
    );
  }
  const role = body.role === undefined ? undefined : checkRole(body.role);
  const demoted = role !== undefined && role !== "super_admin";
  if (body.factory !== undefined && !demoted) {
    throw new HttpError(
      400,
      "factory goes with a role other than super_admin (a super admin belongs to no factory)",
    );
  }
  if (demoted && (typeof body.factory !== "string" || body.factory === "")) {
    throw new HttpError(
      400,
      `A ${role} needs a factory: send "factory" with the slug of the factory they join`,
    );
  }
  const name = body.name === undefined ? undefined : checkUserName(body.name);
  return {
    name: name === target.name ? undefined : name,
    disabled: body.disabled === target.disabled ? undefined : body.disabled as boolean | undefined,
    demotion: demoted
      ? { role: role as Exclude<Role, "super_admin">, factory: body.factory as string }
      : undefined,
  };
}

function requireManage(principal: Principal): void {
  if (!hasPermission(principal, "manage_factories")) {
    throw new HttpError(403, "Only a super admin manages super admins");
  }
}
