import { Hono } from "hono";
import type { AppDeps } from "../../../web/app_deps.ts";
import { readHistoryParams } from "./_history_params.ts";
import { storedMachine } from "./_machine_ref.ts";

/**
 * `GET /factories/{f}/machines/{m}/latest?metric=`: the newest stored value
 * of each of a machine's series (or of the named ones), as
 * `{factory, machine, latest: {metric: {ts, value}}}`. Read from the store,
 * so it survives restarts and covers machines only known from imports.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", latestApi(deps));
 * ```
 */
export function latestApi(deps: Pick<AppDeps, "directory" | "store">): Hono {
  const app = new Hono();
  app.get("/factories/:factory/machines/:machine/latest", async (c) => {
    const { metrics } = readHistoryParams(new URL(c.req.url).searchParams, 0, ["metric"]);
    const ref = await storedMachine(deps, c.req.param("factory"), c.req.param("machine"));
    const stored = await deps.store.latest(ref.factory, ref.machine);
    const latest: Record<string, { ts: number; value: number }> = {};
    for (const [metric, [ts, value]] of Object.entries(stored)) {
      if (metrics.length === 0 || metrics.includes(metric)) latest[metric] = { ts, value };
    }
    return c.json({ ...ref, latest });
  });
  return app;
}
