import { Hono } from "hono";
import type { AppDeps } from "../../../web/app_deps.ts";

/** `GET /health` (200 when ok, 503 otherwise) and `GET /metrics` (Prometheus text). */
export function operationsApi(deps: AppDeps): Hono {
  const app = new Hono();
  app.get("/health", (c) => {
    const report = deps.health();
    return c.json(report, report.status === "ok" ? 200 : 503);
  });
  app.get("/metrics", async (c) => {
    return c.text(await deps.metrics.render(), 200, {
      "content-type": "text/plain; version=0.0.4; charset=utf-8",
    });
  });
  return app;
}
