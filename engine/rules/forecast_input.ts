import type { ForecastPath } from "../forecast/forecast_path.ts";
import type { Condition } from "./rule.ts";
import type { RuleForecast } from "./rule_input.ts";

/**
 * A forecaster's path as the rules take it: mean as `value`, with the
 * interval's bounds.
 *
 * @example
 * ```ts
 * import type { ForecastPath } from "../forecast/forecast_path.ts";
 * import type { RuleSample } from "./rule_input.ts";
 *
 * declare const ts: number, values: Record<string, number>, path: ForecastPath;
 *
 * const input: RuleSample = {
 *   kind: "sample",
 *   ts,
 *   values,
 *   anomalous: [],
 *   status: "normal",
 *   forecasts: [ruleForecast("temp", path)],
 * };
 * ```
 */
export function ruleForecast(metric: string, path: ForecastPath): RuleForecast {
  return {
    metric,
    points: path.points.map((p) => ({ ts: p.ts, value: p.mean, low: p.low, high: p.high })),
  };
}

/**
 * The thresholds of every `forecast_crosses` predicate in `condition`, by
 * metric (for the crossing estimates shown with forecasts).
 *
 * @example
 * ```ts
 * forecastThresholdsOf({
 *   kind: "forecast_crosses",
 *   metric: "temp",
 *   op: ">",
 *   value: 90,
 *   withinMs: 900_000,
 * });
 * // { temp: [{ op: ">", value: 90 }] }
 * ```
 */
export function forecastThresholdsOf(
  condition: Condition,
  into: Record<string, { op: ">" | ">=" | "<" | "<="; value: number }[]> = {},
): Record<string, { op: ">" | ">=" | "<" | "<="; value: number }[]> {
  if ("all" in condition) condition.all.forEach((c) => forecastThresholdsOf(c, into));
  else if ("any" in condition) condition.any.forEach((c) => forecastThresholdsOf(c, into));
  else if ("not" in condition) forecastThresholdsOf(condition.not, into);
  else if (condition.kind === "forecast_crosses") {
    const list = into[condition.metric] ??= [];
    if (!list.some((t) => t.op === condition.op && t.value === condition.value)) {
      list.push({ op: condition.op, value: condition.value });
    }
  }
  return into;
}
