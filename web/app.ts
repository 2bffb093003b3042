import { Hono } from "hono";
import { adminsApi } from "../routes/api/v1/admins.ts";
import { agentApi } from "../routes/api/v1/agent.ts";
import { apiTokensApi } from "../routes/api/v1/api_tokens.ts";
import { auditApi } from "../routes/api/v1/audit.ts";
import { authApi } from "../routes/api/v1/auth.ts";
import { devicesApi } from "../routes/api/v1/devices.ts";
import { factoriesApi } from "../routes/api/v1/factories.ts";
import { forecastApi } from "../routes/api/v1/forecast.ts";
import { invitesApi } from "../routes/api/v1/invites.ts";
import { labelsApi } from "../routes/api/v1/labels.ts";
import { modelsApi } from "../routes/api/v1/models.ts";
import { usersApi } from "../routes/api/v1/users.ts";
import { vibrationApi } from "../routes/api/v1/vibration.ts";
import { alertsApi } from "../routes/api/v1/alerts.ts";
import { exportApi } from "../routes/api/v1/export.ts";
import { historyApi } from "../routes/api/v1/history.ts";
import { ingestApi } from "../routes/api/v1/ingest.ts";
import { latestApi } from "../routes/api/v1/latest.ts";
import { liveApi } from "../routes/api/v1/live.ts";
import { machinesApi } from "../routes/api/v1/machines.ts";
import { notificationsApi } from "../routes/api/v1/notifications.ts";
import { operationsApi } from "../routes/api/v1/operations.ts";
import { ruleBacktestApi } from "../routes/api/v1/rule_backtest.ts";
import { rulesApi } from "../routes/api/v1/rules.ts";
import { trendsApi } from "../routes/api/v1/trends.ts";
import { cors } from "hono/cors";
import type { AppDeps } from "./app_deps.ts";
import { authMiddleware } from "./auth_middleware.ts";
import { AccessTable, API_ACCESS, PAGE_ACCESS } from "./route_access.ts";
import { handleError, HttpError } from "./http_error.ts";
import { OPENAPI_DOCUMENT } from "./openapi.ts";
import { notFoundPage } from "./pages.ts";

/**
 * The whole web app: `/api/v1/*`, `/api/docs` and, when given, the pages.
 *
 * @example
 * ```ts
 * import type { AppDeps } from "./app_deps.ts";
 * import { createPages, type PagesDeps } from "./pages.ts";
 * declare const deps: AppDeps;
 * declare const pageDeps: PagesDeps;
 * const app = createApp(deps, await createPages(pageDeps));
 * Deno.serve({ port: 8000 }, app.fetch);
 * ```
 */
export function createApp(deps: AppDeps, pages?: Hono): Hono {
  const security = deps.security ?? { secure: false, corsOrigins: [] };
  const app = new Hono();
  app.onError(handleError);
  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
    c.header("X-Frame-Options", "DENY");
    if (security.secure) c.header("Strict-Transport-Security", "max-age=31536000");
    if (!c.res.headers.has("Content-Security-Policy")) {
      c.header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
    }
  });
  if (security.corsOrigins.length > 0) {
    // Bearer tokens only: cookies never cross origins, so CSRF stays out of reach.
    app.use(
      "/api/*",
      cors({
        origin: [...security.corsOrigins],
        allowHeaders: ["Authorization", "Content-Type"],
        allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
        credentials: false,
        maxAge: 600,
      }),
    );
  }
  app.use(
    "/api/v1/*",
    authMiddleware({
      authenticator: deps.auth,
      table: new AccessTable(API_ACCESS),
      prefix: "/api/v1",
      mode: "api",
      trustProxy: security.trustProxy,
      audit: deps.audit,
    }),
  );
  const api = new Hono();
  api.route("/", machinesApi(deps));
  api.route("/", historyApi(deps));
  api.route("/", latestApi(deps));
  api.route("/", exportApi(deps));
  api.route("/", trendsApi(deps));
  api.route("/", alertsApi(deps));
  api.route("/", rulesApi(deps));
  api.route("/", ruleBacktestApi(deps));
  api.route("/", notificationsApi(deps));
  api.route("/", ingestApi(deps));
  api.route("/", operationsApi(deps));
  api.route("/", liveApi(deps));
  if (deps.agentApi !== undefined) api.route("/", agentApi(deps.agentApi));
  if (deps.identity !== undefined) {
    const identity = deps.identity;
    const parts = [authApi, factoriesApi, adminsApi, usersApi, invitesApi, apiTokensApi, auditApi];
    for (const part of parts) {
      api.route("/", part(identity));
    }
  }
  if (deps.devices !== undefined) api.route("/", devicesApi(deps.devices));
  if (deps.vibration !== undefined) api.route("/", vibrationApi(deps.vibration));
  if (deps.forecasts !== undefined) api.route("/", forecastApi({ forecasts: deps.forecasts }));
  if (deps.learning !== undefined) {
    const learning = deps.learning;
    api.route("/", labelsApi({ learning, ...deps }));
    api.route("/", modelsApi({ learning, directory: deps.directory }));
  }
  app.route("/api/v1", api);
  app.get("/api/docs", (c) => c.json(OPENAPI_DOCUMENT));
  app.all("/api/*", (c) => {
    throw new HttpError(404, `No API route ${c.req.method} ${c.req.path}; see /api/docs`);
  });
  if (pages !== undefined) {
    app.use(
      "*",
      authMiddleware({
        authenticator: deps.auth,
        table: new AccessTable(PAGE_ACCESS),
        prefix: "",
        mode: "pages",
        trustProxy: security.trustProxy,
      }),
    );
    app.route("/", pages);
    app.notFound((c) => notFoundPage(new URL(c.req.url), `Nothing lives at ${c.req.path}.`));
  }
  return app;
}
