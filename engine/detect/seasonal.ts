import type { StreamingDetector } from "./detector.ts";

/** JSON state of a {@link SeasonalDetector}. */
export interface SeasonalState {
  readonly mean: number[];
  readonly variance: number[];
  readonly count: number[];
}

/** Options of a {@link SeasonalDetector}. */
export interface SeasonalOptions {
  /** Bins per day (48 = half-hours). */
  readonly binsPerDay: number;
  /** Separate bins for Saturday and Sunday. */
  readonly weekend: boolean;
  /** EWMA weight of a new value in its bin. */
  readonly alpha: number;
  readonly k: number;
  /** Values a bin must have seen before it judges. */
  readonly minCount: number;
}

/**
 * Time-of-day context: an EWMA mean and variance per bin of the day (and,
 * optionally, weekend days apart), so a value is judged against what is usual
 * *at that time* — a night-time value at a day-time level, a missing daily
 * peak, a shifted daily pattern. O(1) per point; the raw score is
 * |x − bin mean| / (k · bin σ).
 *
 * @example
 * ```ts
 * const d = new SeasonalDetector({ binsPerDay: 24, weekend: false, alpha: 0.1, k: 4, minCount: 5 });
 * d.update(12.5, Date.UTC(2024, 0, 1, 9));
 * ```
 */
export class SeasonalDetector implements StreamingDetector {
  readonly name = "seasonal" as const;
  readonly #o: SeasonalOptions;
  readonly #mean: Float64Array;
  readonly #variance: Float64Array;
  readonly #count: Float64Array;
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: SeasonalOptions, state?: SeasonalState) {
    this.#o = options;
    const bins = options.binsPerDay * (options.weekend ? 2 : 1);
    this.#mean = new Float64Array(bins);
    this.#variance = new Float64Array(bins);
    this.#count = new Float64Array(bins);
    if (state) {
      this.#mean.set(state.mean);
      this.#variance.set(state.variance);
      this.#count.set(state.count);
    }
  }

  /** Judges `value` at time `ts` (epoch ms; NaN = no context, score 0). */
  update(value: number, ts = NaN): number {
    if (!Number.isFinite(ts)) return 0;
    const o = this.#o;
    const dayMs = 86_400_000;
    const t = ((ts % dayMs) + dayMs) % dayMs;
    let bin = Math.floor(t * o.binsPerDay / dayMs);
    if (o.weekend) {
      const weekday = (Math.floor(ts / dayMs) + 4) % 7; // 1970-01-01 was a Thursday
      if (weekday === 0 || weekday === 6) bin += o.binsPerDay;
    }
    const n = this.#count[bin];
    const mean = this.#mean[bin];
    let score = 0;
    if (n >= o.minCount) {
      const sd = Math.max(Math.sqrt(this.#variance[bin]), 1e-9 * Math.max(1, Math.abs(mean)));
      this.expectedLow = mean - o.k * sd;
      this.expectedHigh = mean + o.k * sd;
      score = Math.abs(value - mean) / (o.k * sd);
    }
    if (n === 0) this.#mean[bin] = value;
    else {
      const a = Math.max(o.alpha, 1 / (n + 1));
      const d = value - mean;
      this.#mean[bin] = mean + a * d;
      this.#variance[bin] = (1 - a) * (this.#variance[bin] + a * d * d);
    }
    this.#count[bin] = n + 1;
    return score;
  }

  snapshot(): SeasonalState {
    return {
      mean: Array.from(this.#mean),
      variance: Array.from(this.#variance),
      count: Array.from(this.#count),
    };
  }
}
