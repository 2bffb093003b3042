import { Hono } from "hono";
import type { Identity } from "../../../engine/identity/mod.ts";
import { clientIpOf } from "../../../web/auth_context.ts";
import { identityErrorHandler, objectBody, scopedFactory } from "./_identity_http.ts";

/** What the API token routes use of {@link Identity}. */
export type ApiTokensDeps = Pick<Identity, "factories" | "apiTokens" | "audit">;

/**
 * API tokens of a factory (permission `manage_users`):
 * `GET /factories/{f}/api-tokens`, `POST /factories/{f}/api-tokens`
 * `{name, permissions}` → 201 `{token, apiToken}` (the token is shown this
 * once), `DELETE /factories/{f}/api-tokens/{id}` (revokes; 204).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { Identity } from "../../../engine/identity/mod.ts";
 * declare const app: Hono;
 * declare const identity: Identity;
 * app.route("/api/v1", apiTokensApi(identity));
 * // POST /api/v1/factories/plant-1/api-tokens {"name": "MES", "permissions": ["view", "ingest"]}
 * ```
 */
export function apiTokensApi(deps: ApiTokensDeps): Hono {
  const app = new Hono();
  app.onError(identityErrorHandler);
  const { apiTokens, audit } = deps;

  app.get("/factories/:factory/api-tokens", (c) => {
    const { factory } = scopedFactory(c, deps.factories);
    return c.json({ factory, apiTokens: apiTokens.list(factory) });
  });

  app.post("/factories/:factory/api-tokens", async (c) => {
    const { principal, factory } = scopedFactory(c, deps.factories);
    const body = await objectBody(c);
    const { token, apiToken } = apiTokens.create({
      factory,
      name: body.name,
      permissions: body.permissions,
      creator: principal,
    });
    audit.record({
      factory,
      actor: principal,
      action: "api_token.create",
      target: apiToken.id,
      ip: clientIpOf(c),
      detail: { name: apiToken.name, permissions: apiToken.permissions },
    });
    c.header("Cache-Control", "no-store");
    return c.json({ token, apiToken }, 201);
  });

  app.delete("/factories/:factory/api-tokens/:id", (c) => {
    const { principal, factory } = scopedFactory(c, deps.factories);
    const apiToken = apiTokens.revoke(factory, c.req.param("id"));
    audit.record({
      factory,
      actor: principal,
      action: "api_token.revoke",
      target: apiToken.id,
      ip: clientIpOf(c),
      detail: { name: apiToken.name },
    });
    return c.body(null, 204);
  });

  return app;
}
