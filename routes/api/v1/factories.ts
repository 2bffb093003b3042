import { Hono } from "hono";
import type { Factory, Identity } from "../../../engine/identity/mod.ts";
import { hasPermission } from "../../../engine/identity/mod.ts";
import { clientIpOf, principalOf } from "../../../web/auth_context.ts";
import { HttpError } from "../../../web/http_error.ts";
import { identityErrorHandler, objectBody } from "./_identity_http.ts";

/** What the factory routes use of {@link Identity}. */
export type FactoriesDeps = Pick<Identity, "factories" | "audit">;

/**
 * Factories (tenants): `GET /factories` (those the caller can reach;
 * `?archived=1` adds archived ones for super admins), `GET /factories/{f}`,
 * and for super admins `POST /factories`, `PATCH /factories/{f}`,
 * `POST /factories/{f}/archive`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", factoriesApi(identity));
 * // POST /api/v1/factories {"slug": "plant-2", "name": "Plant 2", "timeZone": "Europe/Berlin"}
 * ```
 */
export function factoriesApi(deps: FactoriesDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);
  const { factories, audit } = deps;

  app.get("/factories", (c) => {
    const principal = principalOf(c);
    const archived = ["1", "true"].includes(c.req.query("archived") ?? "");
    const list = principal.factory === null
      ? factories.list({ includeArchived: archived })
      : factories.list().filter((f) => f.slug === principal.factory);
    return c.json({ factories: list });
  });

  app.get("/factories/:factory", (c) => c.json(reachable(c, deps)));

  app.post("/factories", async (c) => {
    const principal = principalOf(c);
    requireManage(principal);
    const body = await objectBody(c);
    const factory = factories.create({
      slug: body.slug,
      name: body.name,
      timeZone: body.timeZone,
      autoRegister: body.autoRegister,
    });
    audit.record({
      factory: factory.slug,
      actor: principal,
      action: "factory.create",
      target: factory.slug,
      ip: clientIpOf(c),
      detail: {
        name: factory.name,
        timeZone: factory.timeZone,
        autoRegister: factory.autoRegister,
      },
    });
    c.header("Location", `/api/v1/factories/${factory.slug}`);
    return c.json(factory, 201);
  });

  app.patch("/factories/:factory", async (c) => {
    const principal = principalOf(c);
    requireManage(principal);
    const current = reachable(c, deps);
    const body = await objectBody(c);
    const unknown = Object.keys(body).filter((k) =>
      !["name", "timeZone", "autoRegister"].includes(k)
    );
    if (unknown.length > 0) {
      throw new HttpError(
        400,
        `Unknown fields ${
          unknown.join(", ")
        }; a factory's name, timeZone and autoRegister can change (the slug cannot)`,
      );
    }
    const factory = factories.update(current.slug, {
      name: body.name as string | undefined,
      timeZone: body.timeZone as string | undefined,
      autoRegister: body.autoRegister as boolean | undefined,
    });
    audit.record({
      factory: factory.slug,
      actor: principal,
      action: "factory.update",
      target: factory.slug,
      ip: clientIpOf(c),
      detail: body,
    });
    return c.json(factory);
  });

  app.post("/factories/:factory/archive", (c) => {
    const principal = principalOf(c);
    requireManage(principal);
    const factory = factories.archive(reachable(c, deps).slug);
    audit.record({
      factory: factory.slug,
      actor: principal,
      action: "factory.archive",
      target: factory.slug,
      ip: clientIpOf(c),
    });
    return c.json(factory);
  });

  return app;
}

function requireManage(principal: Parameters<typeof hasPermission>[0]): void {
  if (!hasPermission(principal, "manage_factories")) {
    throw new HttpError(403, "Only a super admin manages factories");
  }
}

function reachable(c: Parameters<typeof principalOf>[0], deps: FactoriesDeps): Factory {
  const principal = principalOf(c);
  const slug = c.req.param("factory") ?? "";
  const factory = deps.factories.get(slug);
  if (
    factory === undefined || (principal.factory !== null && principal.factory !== slug) ||
    (factory.archived && principal.factory !== null)
  ) {
    throw new HttpError(404, `No factory '${slug}'`);
  }
  return factory;
}
