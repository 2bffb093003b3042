import { Hono } from "hono";
import type { Context } from "hono";
import type { Identity } from "../../../engine/identity/mod.ts";
import { AUDIT_LIST_MAX } from "../../../engine/identity/mod.ts";
import { principalOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { identityErrorHandler, scopedFactory } from "./_identity_http.ts";

/** What the audit routes use of {@link Identity}. */
export type AuditDeps = Pick<Identity, "factories" | "audit">;

/**
 * The audit log, newest first, in pages: `GET /factories/{f}/audit?limit=&before=`
 * (permission `manage_users`) and `GET /audit` (every factory and the
 * records of no factory; super admins only). `before` is the `nextBefore` of
 * the previous page.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", auditApi(identity));
 * // GET /api/v1/factories/plant-1/audit?limit=50
 * ```
 */
export function auditApi(deps: AuditDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);

  app.get("/factories/:factory/audit", (c) => {
    const { factory } = scopedFactory(c, deps.factories);
    return c.json({ factory, ...page(c, deps, factory) });
  });

  app.get("/audit", (c) => {
    const principal = principalOf(c);
    if (principal.factory !== null) {
      throw new HttpError(403, "Only a super admin reads the audit log of every factory");
    }
    return c.json(page(c, deps, undefined));
  });

  return app;
}

function page(c: Context, deps: AuditDeps, factory: string | undefined) {
  const limit = intParam(c, "limit", 100);
  if (limit < 1 || limit > AUDIT_LIST_MAX) {
    throw new HttpError(400, `limit must be 1..${AUDIT_LIST_MAX}: current value is ${limit}`);
  }
  const beforeRaw = c.req.query("before");
  const before = beforeRaw === undefined ? undefined : intParam(c, "before", 0);
  const entries = deps.audit.list({ factory, limit, before });
  return {
    entries,
    nextBefore: entries.length === limit ? entries[entries.length - 1].id : null,
  };
}

function intParam(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === "") return fallback;
  if (!/^\d{1,15}$/.test(raw)) {
    throw new HttpError(400, `${name} must be a whole number: current value is '${raw}'`);
  }
  return Number(raw);
}
