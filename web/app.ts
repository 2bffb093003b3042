import { Hono } from "hono";
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
import type { AppDeps } from "./app_deps.ts";
import { handleError, HttpError } from "./http_error.ts";
import { OPENAPI_DOCUMENT } from "./openapi.ts";
import { notFoundPage } from "./pages.ts";

/**
 * The whole web app: `/api/v1/*`, `/api/docs` and, when given, the pages.
 *
 * @example
 * ```ts
 * const app = createApp(deps, await createPages(pageDeps));
 * Deno.serve({ port: 8000 }, app.fetch);
 * ```
 */
export function createApp(deps: AppDeps, pages?: Hono): Hono {
  const app = new Hono();
  app.onError(handleError);
  app.use("*", async (c, next) => {
    await next();
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Referrer-Policy", "same-origin");
  });
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
  app.route("/api/v1", api);
  app.get("/api/docs", (c) => c.json(OPENAPI_DOCUMENT));
  app.all("/api/*", (c) => {
    throw new HttpError(404, `No API route ${c.req.method} ${c.req.path}; see /api/docs`);
  });
  if (pages !== undefined) {
    app.route("/", pages);
    app.notFound((c) => notFoundPage(new URL(c.req.url), `Nothing lives at ${c.req.path}.`));
  }
  return app;
}
