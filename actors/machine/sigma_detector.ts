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

/**
 * Judges one value against a metric's configured thresholds and its rolling
 * mean ± kσ (computed from the window *before* the value joins it).
 *
 * Thresholds win over σ, since an engineer set them. Two-state metrics
 * (booleans) are judged by thresholds alone: a machine switching on is not an
 * anomaly. σ is floored at a millionth of the mean's magnitude so a flat
 * signal that moves is flagged without dividing by zero.
 *
 * @example
 * ```ts
 * const verdict = assessValue(97.2, { stats: window.stats(), thresholds: { high: 90 }, twoState: false });
 * verdict.reason; // "above_threshold"
 * ```
 */
export function assessValue(
  value: number,
  history: MetricHistory,
  options: SigmaDetectorOptions = DEFAULT_SIGMA_OPTIONS,
): Assessment {
  const { stats, thresholds } = history;
  const judged = stats.count >= options.minSamples && !history.twoState;
  const sd = Math.max(stats.stddev, 1e-6 * Math.max(1, Math.abs(stats.mean)));
  const score = judged ? Math.abs(value - stats.mean) / sd : 0;
  const low = thresholds?.low ?? -Infinity;
  const high = thresholds?.high ?? Infinity;
  const expected = judged
    ? {
      low: Math.max(low, stats.mean - options.sigma * sd),
      high: Math.min(high, stats.mean + options.sigma * sd),
    }
    : { low, high };
  if (value > high) return { anomalous: true, reason: "above_threshold", score, expected };
  if (value < low) return { anomalous: true, reason: "below_threshold", score, expected };
  if (judged && score > options.sigma) return { anomalous: true, reason: "sigma", score, expected };
  return { anomalous: false, score, expected };
}
