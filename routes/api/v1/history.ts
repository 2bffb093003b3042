import { Hono } from "hono";
import { autoEvery, bucketSpan } from "../../../engine/store/history_plan.ts";
import type { SeriesData } from "../../../engine/store/time_series_store.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";
import { DEFAULT_MAX_POINTS, MAX_HISTORY_POINTS, readHistoryParams } from "./_history_params.ts";
import { storedMachine } from "./_machine_ref.ts";

const PARAMS = ["metric", "from", "to", "every", "agg", "maxPoints"] as const;

/**
 * `GET /factories/{f}/machines/{m}/history?metric=&from=&to=&every=&agg=&maxPoints=`.
 *
 * Without `every` and `agg`, the raw points when every series has at most
 * `maxPoints` (default 1,000) in the range; otherwise one point per bucket
 * of a nice width ({@link autoEvery}) chosen so each series has at most
 * `maxPoints`, read from the coarsest rollup that divides it, with the
 * min/max `envelope` of each bucket so spikes stay visible. With `every`,
 * buckets of that width (at most 100,000, or `maxPoints` when given).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", historyApi(deps));
 * // GET /api/v1/factories/demo/machines/press-01/history?metric=temp&from=2026-11-01T00:00:00Z
 * ```
 */
export function historyApi(deps: Pick<AppDeps, "clock" | "directory" | "store">): Hono {
  const app = new Hono();
  app.get("/factories/:factory/machines/:machine/history", async (c) => {
    const params = readHistoryParams(new URL(c.req.url).searchParams, deps.clock.now(), PARAMS);
    const ref = await storedMachine(deps, c.req.param("factory"), c.req.param("machine"));
    const { metrics, from, to } = params;
    const maxPoints = params.maxPoints ?? DEFAULT_MAX_POINTS;
    const answer = (
      every: number | null,
      agg: string | null,
      series: SeriesData[],
      limit: number,
    ) =>
      c.json({
        ...ref,
        from,
        to,
        every,
        agg,
        truncated: series.some((s) => s.points.length > limit),
        series: series.map((s) => ({
          metric: s.metric,
          points: s.points.slice(0, limit),
          ...(s.envelope === undefined ? {} : { envelope: s.envelope.slice(0, limit) }),
          resolution: s.resolution ?? "raw",
        })),
      });

    if (params.every === undefined && params.agg === undefined) {
      const raw = await deps.store.queryRange({ ...ref, metrics, from, to, limit: maxPoints + 1 });
      if (raw.every((s) => s.points.length <= maxPoints)) {
        return answer(null, null, raw, maxPoints);
      }
    }
    let every = params.every;
    let limit = maxPoints;
    if (every === undefined) {
      every = autoEvery(from, to, maxPoints);
    } else {
      limit = params.maxPoints ?? MAX_HISTORY_POINTS;
      const buckets = bucketSpan(from, to, every).count;
      if (buckets > limit) {
        throw new HttpError(
          400,
          `'every' (${every} ms) splits the range into ${buckets} buckets, more than ` +
            `${params.maxPoints === undefined ? "the limit of" : "'maxPoints'"} ${limit}; ` +
            `widen 'every', narrow 'from'/'to', or leave 'every' out to choose it automatically`,
        );
      }
    }
    const agg = params.agg ?? "mean";
    const series = await deps.store.queryRange({ ...ref, metrics, from, to, every, agg, limit });
    return answer(every, agg, series, limit);
  });
  return app;
}
