/** p50, p99 and the extremes of a set of latency samples, in the samples' unit. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * The `p`-th percentile (0 < p ≤ 100) of ascending `sorted` samples by the
 * nearest-rank method: the smallest sample with at least p % of the samples
 * at or below it. `NaN` for no samples.
 *
 * @example
 * ```ts
 * percentile([1, 2, 3, 4], 50); // 2
 * ```
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (!(p > 0 && p <= 100)) {
    throw new RangeError(
      `Cannot take a percentile: 'p' must be in (0, 100]: current value is ${p}`,
    );
  }
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/**
 * Sorts a copy of `samples` and summarizes it.
 *
 * @example
 * ```ts
 * summarizeLatency([5, 1, 3]); // { count: 3, p50: 3, p99: 5, max: 5 }
 * ```
 */
export function summarizeLatency(samples: ArrayLike<number>): LatencySummary {
  const sorted = Float64Array.from(samples).sort();
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? NaN : sorted[sorted.length - 1],
  };
}

/**
 * The median of `values` (mean of the middle two for an even count), `NaN`
 * for none; for combining the figures of several rounds.
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
