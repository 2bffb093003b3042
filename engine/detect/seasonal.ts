import type { StreamingDetector } from "./detector.ts";
import { type PackedFloats, packFloats, unpackFloats } from "./packed.ts";

/**
 * JSON state of a {@link SeasonalDetector}: mean and variance as packed
 * Float64, coverage as packed Float32 (see `packed.ts`); plain numbers in
 * older snapshots.
 */
export interface SeasonalState {
  readonly mean: PackedFloats;
  readonly variance: PackedFloats;
  /** Milliseconds of data each bin has learnt. */
  readonly coverage: PackedFloats;
  readonly lastTs: number | null;
}

/** Options of a {@link SeasonalDetector}. */
export interface SeasonalOptions {
  /** Bins per day (48 = half-hours). */
  readonly binsPerDay: number;
  /** Separate bins for Saturday and Sunday. */
  readonly weekend: boolean;
  /**
   * Memory of a bin in milliseconds *of data in that bin*: a value weighs
   * 1 − exp(−Δt / memoryMs), so the bin forgets at the same pace whether the
   * metric arrives every second or every five minutes.
   */
  readonly memoryMs: number;
  readonly k: number;
  /** Milliseconds of data a bin must have learnt before it judges. */
  readonly minCoverageMs: number;
  /** Residuals are clipped to ± winsorize · k · σ when learnt (0 = off). */
  readonly winsorize: number;
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
 * const d = new SeasonalDetector({
 *   binsPerDay: 24,
 *   weekend: false,
 *   memoryMs: 3_000_000,
 *   k: 4,
 *   minCoverageMs: 3_600_000,
 *   winsorize: 0,
 * });
 * d.update(12.5, Date.UTC(2024, 0, 1, 9));
 * ```
 */
export class SeasonalDetector implements StreamingDetector {
  readonly name = "seasonal" as const;
  readonly #o: SeasonalOptions;
  readonly #mean: Float64Array;
  readonly #variance: Float64Array;
  /** Float32: it is only compared with `minCoverageMs`, and halves the snapshot. */
  readonly #coverage: Float32Array;
  #lastTs = NaN;
  /** The bin of the latest value (the next is most likely in it too). */
  #bin = 0;
  #decayDt = NaN;
  #decay = 0;
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: SeasonalOptions, state?: SeasonalState) {
    this.#o = options;
    const bins = options.binsPerDay * (options.weekend ? 2 : 1);
    this.#mean = new Float64Array(bins);
    this.#variance = new Float64Array(bins);
    this.#coverage = new Float32Array(bins);
    if (state) {
      this.#mean.set(unpackFloats(state.mean, Float64Array));
      this.#variance.set(unpackFloats(state.variance, Float64Array));
      this.#coverage.set(unpackFloats(state.coverage, Float32Array));
      this.#lastTs = state.lastTs ?? NaN;
    }
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#mean[this.#bin] + this.#variance[this.#bin] + this.#coverage[this.#bin];
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
    this.#bin = bin;
    const covered = this.#coverage[bin];
    const mean = this.#mean[bin];
    const binMs = dayMs / o.binsPerDay;
    // Time this value stands for: the gap since the previous one, at most a bin.
    const dt = Number.isNaN(this.#lastTs) ? 0 : Math.min(binMs, Math.max(0, ts - this.#lastTs));
    this.#lastTs = ts;
    let score = 0;
    const judged = covered >= o.minCoverageMs;
    if (judged) {
      const sd = Math.max(Math.sqrt(this.#variance[bin]), 1e-9 * Math.max(1, Math.abs(mean)));
      this.expectedLow = mean - o.k * sd;
      this.expectedHigh = mean + o.k * sd;
      score = Math.abs(value - mean) / (o.k * sd);
    }
    if (covered === 0) this.#mean[bin] = value;
    else {
      // Warm-up: weigh by the share of the bin's data so far, then by the memory.
      // exp() only when the gap changes (metrics mostly arrive at a fixed period).
      if (dt !== this.#decayDt) {
        this.#decayDt = dt;
        this.#decay = 1 - Math.exp(-dt / o.memoryMs);
      }
      const a = Math.max(this.#decay, dt / (covered + dt));
      let d = value - mean;
      if (o.winsorize > 0 && judged) {
        // Learn an outlier as if it were at the band's edge: one spike must not
        // blow the bin's variance up for days.
        const edge = o.winsorize * o.k * Math.sqrt(this.#variance[bin]);
        d = Math.max(-edge, Math.min(edge, d));
      }
      this.#mean[bin] = mean + a * d;
      this.#variance[bin] = (1 - a) * (this.#variance[bin] + a * d * d);
    }
    this.#coverage[bin] = covered + (covered === 0 && dt === 0 ? 1 : dt);
    return score;
  }

  snapshot(): SeasonalState {
    return {
      mean: packFloats(this.#mean),
      variance: packFloats(this.#variance),
      coverage: packFloats(this.#coverage),
      lastTs: Number.isNaN(this.#lastTs) ? null : this.#lastTs,
    };
  }
}
