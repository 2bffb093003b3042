import { type Aggregate, AGGREGATES } from "../../../engine/store/time_series_store.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseDurationParam, parseTimeParam } from "../../../web/time_param.ts";

/** Points one history request may return per series, and the largest `maxPoints`. */
export const MAX_HISTORY_POINTS = 100_000;

/** Points per series when `maxPoints` is not given. */
export const DEFAULT_MAX_POINTS = 1_000;

/** The range a history request covers when `from` is not given. */
export const DEFAULT_HISTORY_SPAN_MS = 3_600_000;

// Dates beyond ±8.64e15 ms are not representable (ECMAScript Date range).
const TIME_LIMIT = 8.64e15;

/** A history request's parameters, read and checked. */
export interface HistoryParams {
  /** Metric names; empty means every metric of the machine. */
  readonly metrics: readonly string[];
  readonly from: number;
  readonly to: number;
  readonly every?: number;
  readonly agg?: Aggregate;
  /** Set only when the request gave it. */
  readonly maxPoints?: number;
}

/**
 * Reads `metric` (repeated or comma-separated), `from`, `to` (epoch ms or
 * ISO-8601; default the last hour before now), `every`, `agg` and
 * `maxPoints` from a query, refusing parameters not in `allowed`.
 *
 * @example
 * ```ts
 * import type { Context } from "hono";
 * import type { Clock } from "../../../engine/clock.ts";
 * declare const c: Context;
 * declare const deps: { clock: Clock };
 * const HISTORY_PARAMS = ["metric", "from", "to", "every", "agg", "maxPoints"];
 * readHistoryParams(new URL(c.req.url).searchParams, deps.clock.now(), HISTORY_PARAMS);
 * ```
 * @throws {HttpError} 400 naming the parameter, its value and what it must be.
 */
export function readHistoryParams(
  query: URLSearchParams,
  now: number,
  allowed: readonly string[],
): HistoryParams {
  refuseUnknown(query, allowed);
  const metrics = query.getAll("metric").flatMap((m) => m.split(",")).filter((m) => m !== "");
  for (const metric of metrics) {
    if (!ID_PATTERN.test(metric)) {
      throw new HttpError(
        400,
        `'metric' must match ${ID_PATTERN.source}: current value is '${metric}'`,
      );
    }
  }
  const to = timeParam("to", query.get("to"), now);
  const from = timeParam("from", query.get("from"), to - DEFAULT_HISTORY_SPAN_MS);
  if (from > to) throw new HttpError(400, `'from' (${from}) is after 'to' (${to})`);
  const everyParam = query.get("every");
  const every = everyParam === null ? undefined : parseDurationParam("every", everyParam);
  const aggParam = query.get("agg");
  if (aggParam !== null && !AGGREGATES.includes(aggParam as Aggregate)) {
    throw new HttpError(
      400,
      `'agg' must be one of ${AGGREGATES.join(", ")}: current value is '${aggParam}'`,
    );
  }
  const maxParam = query.get("maxPoints");
  let maxPoints: number | undefined;
  if (maxParam !== null) {
    maxPoints = Number(maxParam);
    if (!/^\d+$/.test(maxParam) || maxPoints < 1 || maxPoints > MAX_HISTORY_POINTS) {
      throw new HttpError(
        400,
        `'maxPoints' must be an integer from 1 to ${MAX_HISTORY_POINTS}: current value is '${maxParam}'`,
      );
    }
  }
  return {
    metrics,
    from,
    to,
    ...(every === undefined ? {} : { every }),
    ...(aggParam === null ? {} : { agg: aggParam as Aggregate }),
    ...(maxPoints === undefined ? {} : { maxPoints }),
  };
}

/**
 * Refuses a query parameter the route does not know, so a typo such as
 * `metrics=` is an error rather than silently ignored.
 *
 * @throws {HttpError} 400 naming the parameter and the known ones.
 */
export function refuseUnknown(query: URLSearchParams, allowed: readonly string[]): void {
  for (const name of query.keys()) {
    if (!allowed.includes(name)) {
      throw new HttpError(
        400,
        `Unknown parameter '${name}'; this endpoint takes ${allowed.join(", ")}`,
      );
    }
  }
}

function timeParam(name: string, value: string | null, fallback: number): number {
  const ms = parseTimeParam(name, value ?? undefined, fallback);
  if (!(Math.abs(ms) <= TIME_LIMIT)) {
    throw new HttpError(
      400,
      `'${name}' is outside the dates that can be represented (±${TIME_LIMIT} ms): current value is '${value}'`,
    );
  }
  return ms;
}
