import type { AnomalyReason } from "../../engine/events.ts";
import type { WindowStats } from "./rolling_window.ts";

/** Fixed limits of one metric; either side may be absent. */
export interface MetricThresholds {
  readonly low?: number;
  readonly high?: number;
}

/** Options of {@link assessValue}. */
export interface SigmaDetectorOptions {
  /** How many standard deviations from the rolling mean count as anomalous. */
  readonly sigma: number;
  /** Values seen before the σ test applies (thresholds apply from the first value). */
  readonly minSamples: number;
}

export const DEFAULT_SIGMA_OPTIONS: SigmaDetectorOptions = { sigma: 3, minSamples: 30 };

/** The detector's verdict on one value. */
export interface Assessment {
  readonly anomalous: boolean;
  readonly reason?: AnomalyReason;
  /** |value − mean| / σ, 0 while the window is too small to judge. */
  readonly score: number;
  /** The band the value is expected in: thresholds, narrowed by mean ± kσ once known. */
  readonly expected: { readonly low: number; readonly high: number };
}

/** What the detector knows of a metric besides the value being judged. */
export interface MetricHistory {
  /** The rolling window's statistics before this value joins it. */
  readonly stats: WindowStats;
  readonly thresholds?: MetricThresholds;
  /** Every value of the metric so far was 0 or 1 (a boolean). */
  readonly twoState: boolean;
}

/** The window figures the σ test reads: a {@link RollingWindow} has them, as does {@link WindowStats}. */
export type SigmaBasis = Pick<WindowStats, "count" | "mean" | "stddev">;

/**
 * |value − mean| / σ of the window *before* the value joins it; 0 while the
 * window holds fewer than `minSamples` values and for two-state metrics. σ is
 * floored at a millionth of the mean's magnitude, so a flat signal that moves
 * scores high instead of dividing by zero.
 */
export function sigmaScore(
  value: number,
  basis: SigmaBasis,
  twoState: boolean,
  options: SigmaDetectorOptions = DEFAULT_SIGMA_OPTIONS,
): number {
  if (twoState || basis.count < options.minSamples) return 0;
  const mean = basis.mean;
  return Math.abs(value - mean) / Math.max(basis.stddev, 1e-6 * Math.max(1, Math.abs(mean)));
}

/** Which configured limit `value` breaks, if any. */
export function thresholdBreach(
  value: number,
  thresholds: MetricThresholds | undefined,
): "above_threshold" | "below_threshold" | undefined {
  if (thresholds === undefined) return undefined;
  if (value > (thresholds.high ?? Infinity)) return "above_threshold";
  if (value < (thresholds.low ?? -Infinity)) return "below_threshold";
  return undefined;
}

/** The band a value is expected in: the thresholds, narrowed by mean ± kσ once the window is judged. */
export function expectedBand(
  basis: SigmaBasis,
  thresholds: MetricThresholds | undefined,
  twoState: boolean,
  options: SigmaDetectorOptions = DEFAULT_SIGMA_OPTIONS,
): { low: number; high: number } {
  const low = thresholds?.low ?? -Infinity;
  const high = thresholds?.high ?? Infinity;
  if (twoState || basis.count < options.minSamples) return { low, high };
  const mean = basis.mean;
  const sd = Math.max(basis.stddev, 1e-6 * Math.max(1, Math.abs(mean)));
  return {
    low: Math.max(low, mean - options.sigma * sd),
    high: Math.min(high, mean + options.sigma * sd),
  };
}

/**
 * Judges one value against a metric's configured thresholds and its rolling
 * mean ± kσ (computed from the window *before* the value joins it): the
 * pieces above, together.
 *
 * Thresholds win over σ, since an engineer set them. Two-state metrics
 * (booleans) are judged by thresholds alone: a machine switching on is not an
 * anomaly.
 *
 * @example
 * ```ts
 * import type { RollingWindow } from "./rolling_window.ts";
 *
 * declare const tempWindow: RollingWindow;
 *
 * const verdict = assessValue(97.2, {
 *   stats: tempWindow.stats(),
 *   thresholds: { high: 90 },
 *   twoState: false,
 * });
 * verdict.reason; // "above_threshold"
 * ```
 */
export function assessValue(
  value: number,
  history: MetricHistory,
  options: SigmaDetectorOptions = DEFAULT_SIGMA_OPTIONS,
): Assessment {
  const { stats, thresholds, twoState } = history;
  const score = sigmaScore(value, stats, twoState, options);
  const expected = expectedBand(stats, thresholds, twoState, options);
  const breach = thresholdBreach(value, thresholds);
  if (breach !== undefined) return { anomalous: true, reason: breach, score, expected };
  if (score > options.sigma) return { anomalous: true, reason: "sigma", score, expected };
  return { anomalous: false, score, expected };
}
