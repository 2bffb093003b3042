import { Hono } from "hono";
import { bucketSpan } from "../../../engine/store/history_plan.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseTimeParam } from "../../../web/time_param.ts";
import { refuseUnknown } from "./_history_params.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WIDTHS: Readonly<Record<string, number>> = { "1h": HOUR, "1d": DAY };

/** Buckets one trend request may span. */
export const MAX_TREND_BUCKETS = 1_000;

/**
 * `GET /factories/{f}/trends?from=&to=&every=1h|1d`: per hour (default) or
 * day, the factory's machines by the worst status each held in the bucket
 * and the number of anomalous values, from the event log. `to` defaults to
 * now, `from` to 24 h (hourly) or 30 d (daily) before `to`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", trendsApi(deps));
 * // GET /api/v1/factories/demo/trends?every=1d&from=2026-11-01
 * ```
 */
export function trendsApi(deps: Pick<AppDeps, "clock" | "directory" | "eventLog">): Hono {
  const app = new Hono();
  app.get("/factories/:factory/trends", (c) => {
    const factory = c.req.param("factory");
    const query = new URL(c.req.url).searchParams;
    refuseUnknown(query, ["from", "to", "every"]);
    const everyParam = query.get("every") ?? "1h";
    const every = WIDTHS[everyParam];
    if (every === undefined) {
      throw new HttpError(400, `'every' must be 1h or 1d: current value is '${everyParam}'`);
    }
    const to = parseTimeParam("to", query.get("to") ?? undefined, deps.clock.now());
    const from = parseTimeParam(
      "from",
      query.get("from") ?? undefined,
      to - (every === HOUR ? DAY : 30 * DAY),
    );
    if (from > to) throw new HttpError(400, `'from' (${from}) is after 'to' (${to})`);
    const buckets = bucketSpan(from, to, every).count;
    if (buckets > MAX_TREND_BUCKETS) {
      throw new HttpError(
        400,
        `'from'…'to' spans ${buckets} buckets of ${everyParam}, more than ${MAX_TREND_BUCKETS}; ` +
          `narrow the range${every === HOUR ? " or use every=1d" : ""}`,
      );
    }
    const known = deps.directory.machines(factory);
    if (known.length === 0 && !deps.directory.factories().includes(factory)) {
      throw new HttpError(404, `No factory '${factory}' is known`);
    }
    const machines = new Map(known.map((m) => [m.machine, m.firstSeen]));
    return c.json({
      factory,
      from,
      to,
      every,
      buckets: deps.eventLog.trend({ factory, from, to, every, machines }),
    });
  });
  return app;
}
