import type { ForecastPath } from "./forecast_path.ts";

/** Which way a threshold is crossed: `>`/`>=` upwards, `<`/`<=` downwards. */
export type CrossingOp = ">" | ">=" | "<" | "<=";

/** A threshold to watch: e.g. `{op: ">", value: 90}`. */
export interface ForecastThreshold {
  readonly op: CrossingOp;
  readonly value: number;
}

/**
 * When a forecast crosses a threshold, in ms after the forecast's origin
 * (`path.ts`). `expectedMs` is where the mean path crosses; `earliestMs` /
 * `latestMs` bound it with the prediction interval (upwards: the high bound
 * crosses first, the low bound last; downwards the other way round). A null
 * means "not within the horizon" (`horizonMs`). 0 means it is already past.
 */
export interface ThresholdCrossing extends ForecastThreshold {
  readonly expectedMs: number | null;
  readonly earliestMs: number | null;
  readonly latestMs: number | null;
  readonly horizonMs: number;
}

/**
 * Where the forecast `path` first crosses `threshold`, with straight lines
 * between its points (starting from `path.value` at `path.ts`).
 *
 * @example
 * ```ts
 * import type { ForecastPath } from "./forecast_path.ts";
 * declare const path: ForecastPath;
 *
 * const c = timeToThreshold(path, { op: ">", value: 90 });
 * c.expectedMs; // e.g. 840_000: about 14 min
 * ```
 */
export function timeToThreshold(
  path: ForecastPath,
  threshold: ForecastThreshold,
): ThresholdCrossing {
  const upward = threshold.op === ">" || threshold.op === ">=";
  const last = path.points.at(-1);
  const horizonMs = last === undefined ? 0 : last.ts - path.ts;
  const mean = firstCrossing(path, threshold, (p) => p.mean);
  const low = firstCrossing(path, threshold, (p) => p.low);
  const high = firstCrossing(path, threshold, (p) => p.high);
  return {
    op: threshold.op,
    value: threshold.value,
    expectedMs: mean,
    earliestMs: upward ? high : low,
    latestMs: upward ? low : high,
    horizonMs,
  };
}

function firstCrossing(
  path: ForecastPath,
  { op, value }: ForecastThreshold,
  pick: (p: ForecastPath["points"][number]) => number,
): number | null {
  const passes = op === ">"
    ? (v: number) => v > value
    : op === ">="
    ? (v: number) => v >= value
    : op === "<"
    ? (v: number) => v < value
    : (v: number) => v <= value;
  let prevTs = path.ts, prev = path.value;
  if (passes(prev)) return 0;
  for (const point of path.points) {
    const v = pick(point);
    if (passes(v)) {
      // Linear between the last point short of the threshold and this one.
      const fraction = v === prev ? 1 : (value - prev) / (v - prev);
      return prevTs - path.ts + Math.min(1, Math.max(0, fraction)) * (point.ts - prevTs);
    }
    prevTs = point.ts;
    prev = v;
  }
  return null;
}
