import { Hono } from "hono";
import type { ForecastEvent, ForecastEventCrossing } from "../../../engine/events.ts";
import {
  type CrossingOp,
  describeCrossing,
  type ForecastPath,
  type ForecastThreshold,
  timeToThreshold,
} from "../../../engine/forecast/mod.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseDurationParam } from "../../../web/time_param.ts";

/** What the forecast API needs: the latest forecasts of a machine's running actor. */
export interface ForecastApiDeps {
  /** Latest forecast of each metric (or of `metric`) of a machine; empty when none. */
  readonly forecasts: (factory: string, machine: string, metric?: string) => ForecastEvent[];
}

const PARAMS = new Set(["metric", "horizon", "threshold", "op"]);
const OPS: readonly CrossingOp[] = [">", ">=", "<", "<="];

/**
 * `GET /factories/{f}/machines/{m}/forecast?metric=&horizon=&threshold=&op=`:
 * the latest forecast of each of a machine's metrics (or of `metric`), cut
 * to `horizon` (a duration, e.g. `15m`; default: all the forecast has), with
 * the crossing estimates of its configured thresholds — and of `threshold`
 * (with `op`, default `>`) when given. Answers
 * `{factory, machine, forecasts: [{metric, ts, step, value, coverage, period,
 * horizon: [{ts, mean, low, high}], crossings: [...]}]}`;
 * 404 when the machine has no forecast (unknown, or not warm yet).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { ForecastBoard } from "../../../engine/forecast/mod.ts";
 * declare const app: Hono;
 * declare const board: ForecastBoard;
 * app.route(
 *   "/api/v1",
 *   forecastApi({ forecasts: (f, m, metric) => board.forecasts(f, m, metric) }),
 * );
 * ```
 */
export function forecastApi(deps: ForecastApiDeps): Hono {
  const app = new Hono();
  app.get("/factories/:factory/machines/:machine/forecast", (c) => {
    const params = new URL(c.req.url).searchParams;
    for (const name of params.keys()) {
      if (!PARAMS.has(name)) {
        throw new HttpError(
          400,
          `Unknown parameter '${name}': use metric, horizon, threshold or op`,
        );
      }
    }
    const factory = c.req.param("factory"), machine = c.req.param("machine");
    const metric = params.get("metric") ?? undefined;
    const horizon = params.get("horizon");
    const horizonMs = horizon === null ? Infinity : parseDurationParam("horizon", horizon);
    const extra = readThreshold(params.get("threshold"), params.get("op"));
    const found = deps.forecasts(factory, machine, metric);
    if (found.length === 0) {
      throw new HttpError(
        404,
        metric === undefined
          ? `No forecast for machine '${machine}' in factory '${factory}': unknown machine, or too few values yet`
          : `No forecast of '${metric}' for machine '${machine}' in factory '${factory}': unknown metric, or too few values yet`,
      );
    }
    return c.json({
      factory,
      machine,
      forecasts: found.map((event) => answer(event, horizonMs, extra)),
    });
  });
  return app;
}

function readThreshold(threshold: string | null, op: string | null): ForecastThreshold | null {
  if (threshold === null) {
    if (op !== null) throw new HttpError(400, "'op' needs 'threshold' (e.g. threshold=90&op=>)");
    return null;
  }
  const value = Number(threshold);
  if (threshold.trim() === "" || !Number.isFinite(value)) {
    throw new HttpError(
      400,
      `'threshold' must be a finite number: current value is '${threshold}'`,
    );
  }
  const chosen = (op ?? ">") as CrossingOp;
  if (!OPS.includes(chosen)) {
    throw new HttpError(400, `'op' must be one of >, >=, <, <=: current value is '${op}'`);
  }
  return { op: chosen, value };
}

function answer(event: ForecastEvent, horizonMs: number, extra: ForecastThreshold | null) {
  const path: ForecastPath = {
    ts: event.ts,
    step: event.step,
    value: event.value,
    coverage: event.coverage,
    period: event.period,
    points: event.horizon.filter((p) => p.ts - event.ts <= horizonMs),
  };
  const thresholds: ForecastThreshold[] = event.crossings.map(({ op, value }) => ({ op, value }));
  if (extra !== null && !thresholds.some((t) => t.op === extra.op && t.value === extra.value)) {
    thresholds.push(extra);
  }
  const crossings: ForecastEventCrossing[] = thresholds.map((threshold) => {
    const crossing = timeToThreshold(path, threshold);
    return { ...crossing, text: describeCrossing(event.metric, crossing, event.coverage) };
  });
  return {
    metric: event.metric,
    ts: path.ts,
    step: path.step,
    value: path.value,
    coverage: path.coverage,
    period: path.period,
    horizon: path.points,
    crossings,
  };
}
