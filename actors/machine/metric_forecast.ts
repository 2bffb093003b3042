import type { ForecastEvent, ForecastEventCrossing } from "../../engine/events.ts";
import {
  DEFAULT_FORECAST_FEED_OPTIONS,
  describeCrossing,
  ForecastFeed,
  type ForecastFeedOptions,
  type ForecastFeedState,
  type ForecastPath,
  type ForecastThreshold,
  timeToThreshold,
} from "../../engine/forecast/mod.ts";
import {
  forecastThresholdsOf,
  type Rule,
  type RuleForecast,
  ruleForecast,
} from "../../engine/rules/mod.ts";
import type { MachineRef } from "../../engine/telemetry.ts";
import type { MetricThresholds } from "./sigma_detector.ts";

/** Options of every metric's forecast in a machine actor. */
export type MetricForecastOptions = ForecastFeedOptions;

/** A fresh forecast every 5 s of data, 30 min ahead, 60 points. */
export const DEFAULT_METRIC_FORECAST_OPTIONS: MetricForecastOptions = DEFAULT_FORECAST_FEED_OPTIONS;

/**
 * What the actor snapshot keeps of a metric's forecast: plain JSON, the
 * forecaster as a compact `ForecasterSnapshot` (≤ ~6 KB after a long run;
 * older full-JSON snapshots still restore).
 */
export type MetricForecastSnapshot = ForecastFeedState;

/**
 * One metric's forecast inside a machine actor: a {@link ForecastFeed}
 * (resampling, Holt / Holt–Winters, empirical intervals) fed with every
 * judged value, whose fresh paths (at most every `everyMs`) become
 * `forecast` bus events and the rules' forecast input.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../../engine/bus.ts";
 * import type { MachineRef } from "../../engine/telemetry.ts";
 *
 * declare const bus: EventBus, ref: MachineRef, ts: number;
 *
 * const forecast = new MetricForecast();
 * const path = forecast.observe(ts, 71.5);
 * if (path !== null) bus.publish(forecastEvent(ref, "temp", path, [{ op: ">", value: 90 }]));
 * ```
 */
export class MetricForecast extends ForecastFeed {
  // A subclass, not a wrapper: the handler reaches the model one pointer sooner for every value.

  /** `phase` places the metric's step grid (see `StepResamplerOptions.phase`); 0 by default. */
  constructor(
    options: MetricForecastOptions = DEFAULT_METRIC_FORECAST_OPTIONS,
    snapshot?: MetricForecastSnapshot,
    phase = 0,
  ) {
    super({ ...options, forecaster: { ...options.forecaster, phase } }, snapshot);
  }

  /** Feeds a judged value; returns a fresh forecast when one is due, else null. */
  observe(ts: number, value: number): ForecastPath | null {
    return this.push(ts, value);
  }

  toSnapshot(): MetricForecastSnapshot {
    return this.toJSON();
  }
}

/**
 * The thresholds whose crossing is estimated for `metric`: its configured
 * limits (`high` upwards, `low` downwards) and every `forecast_crosses`
 * predicate of the machine's rules on it.
 *
 * @example
 * ```ts
 * import type { Rule } from "../../engine/rules/mod.ts";
 *
 * declare const rules: readonly Rule[];
 *
 * forecastThresholds("temp", { high: 90 }, rules); // [{ op: ">", value: 90 }, …]
 * ```
 */
export function forecastThresholds(
  metric: string,
  limits: MetricThresholds | undefined,
  rules: readonly Rule[],
): ForecastThreshold[] {
  const thresholds: ForecastThreshold[] = [];
  if (limits?.high !== undefined) thresholds.push({ op: ">", value: limits.high });
  if (limits?.low !== undefined) thresholds.push({ op: "<", value: limits.low });
  for (const rule of rules) {
    if (!rule.enabled) continue;
    for (const t of forecastThresholdsOf(rule.condition)[metric] ?? []) {
      if (!thresholds.some((u) => u.op === t.op && u.value === t.value)) thresholds.push(t);
    }
  }
  return thresholds;
}

/**
 * The rules' forecast input: the fresh `forecasts` of the metrics some rule
 * (condition or clear, enabled or not) has a `forecast_crosses` predicate
 * on. Empty when no rule looks at forecasts: the paths are not copied then.
 *
 * @example
 * ```ts
 * import type { ForecastPath } from "../../engine/forecast/mod.ts";
 * import type { Rule } from "../../engine/rules/mod.ts";
 *
 * declare const path: ForecastPath, rules: readonly Rule[];
 *
 * const input = ruleForecasts([["temp", path]], rules); // [] without forecast_crosses rules
 * ```
 */
export function ruleForecasts(
  forecasts: readonly (readonly [string, ForecastPath])[],
  rules: readonly Rule[],
): RuleForecast[] {
  if (forecasts.length === 0 || rules.length === 0) return [];
  const watched: Record<string, ForecastThreshold[]> = {};
  for (const rule of rules) {
    forecastThresholdsOf(rule.condition, watched);
    if (rule.clear !== undefined) forecastThresholdsOf(rule.clear, watched);
  }
  const out: RuleForecast[] = [];
  for (const [metric, path] of forecasts) {
    if (watched[metric] !== undefined) out.push(ruleForecast(metric, path));
  }
  return out;
}

/** The crossing estimates of `path` for `thresholds`, each with its sentence. */
export function forecastCrossings(
  metric: string,
  path: ForecastPath,
  thresholds: readonly ForecastThreshold[],
): ForecastEventCrossing[] {
  return thresholds.map((threshold) => {
    const crossing = timeToThreshold(path, threshold);
    return { ...crossing, text: describeCrossing(metric, crossing, path.coverage) };
  });
}

/**
 * The `forecast` bus event of a fresh path.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../../engine/bus.ts";
 * import type { ForecastPath } from "../../engine/forecast/mod.ts";
 *
 * declare const bus: EventBus, path: ForecastPath;
 *
 * bus.publish(
 *   forecastEvent({ factory: "f", machine: "oven-1" }, "temp", path, [{ op: ">", value: 90 }]),
 * );
 * ```
 */
export function forecastEvent(
  ref: MachineRef,
  metric: string,
  path: ForecastPath,
  thresholds: readonly ForecastThreshold[],
): ForecastEvent {
  return {
    type: "forecast",
    factory: ref.factory,
    machine: ref.machine,
    ts: path.ts,
    metric,
    step: path.step,
    value: path.value,
    coverage: path.coverage,
    period: path.period,
    horizon: path.points,
    crossings: forecastCrossings(metric, path, thresholds),
  };
}

/**
 * The forecaster of `metric` in `forecasts`, created on first use with
 * the machine's `phase`.
 *
 * @example
 * ```ts
 * import type { MachineOptions, MachineState } from "./machine_state.ts";
 *
 * declare const state: MachineState, options: MachineOptions, ts: number, value: number;
 *
 * if (options.forecast !== false) {
 *   const path = forecastOf(state.forecasts, "temp", options.forecast, state.phase)
 *     .observe(ts, value);
 * }
 * ```
 */
export function forecastOf(
  forecasts: Map<string, MetricForecast>,
  metric: string,
  options: MetricForecastOptions | undefined,
  phase = 0,
): MetricForecast {
  let forecast = forecasts.get(metric);
  if (forecast === undefined) {
    forecast = new MetricForecast(options ?? DEFAULT_METRIC_FORECAST_OPTIONS, undefined, phase);
    forecasts.set(metric, forecast);
  }
  return forecast;
}
