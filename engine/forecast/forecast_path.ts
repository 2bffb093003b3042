/**
 * What a forecaster predicts for one metric: a path of future steps, each
 * with its mean and an 80 % prediction interval.
 *
 * @module
 */

/** One predicted step: mean and interval bounds at `ts` (epoch ms). */
export interface ForecastPoint {
  readonly ts: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/**
 * A forecast of one metric made at `ts` (the end of the latest resampled
 * step), `step` ms apart, `points` in time order (the first is one step
 * ahead). `value` is the model's fitted value at `ts`: the path starts there.
 *
 * @example
 * ```ts
 * const path: ForecastPath = {
 *   ts: 0, step: 60_000, value: 80, coverage: 0.8, period: null,
 *   points: [{ ts: 60_000, mean: 81, low: 80.5, high: 81.5 }],
 * };
 * ```
 */
export interface ForecastPath {
  readonly ts: number;
  readonly step: number;
  readonly value: number;
  /** Nominal coverage of `[low, high]`, e.g. 0.8. */
  readonly coverage: number;
  /** The seasonal period in use (ms), or null for plain Holt. */
  readonly period: number | null;
  readonly points: readonly ForecastPoint[];
}
