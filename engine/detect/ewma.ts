import type { StreamingDetector } from "./detector.ts";

/** JSON state of an {@link EwmaDetector}. */
export interface EwmaState {
  readonly mean: number;
  readonly variance: number;
  readonly count: number;
}

/**
 * Exponentially weighted mean with an exponentially weighted (adaptive)
 * variance of the residuals; the raw score is |x − mean| / (k·σ). O(1).
 *
 * @example
 * ```ts
 * const d = new EwmaDetector({ alpha: 0.05, k: 4 });
 * for (let i = 0; i < 200; i++) d.update(5 + Math.sin(i));
 * d.update(50) > 1; // true
 * ```
 */
export class EwmaDetector implements StreamingDetector {
  readonly name = "ewma" as const;
  readonly #alpha: number;
  readonly #k: number;
  #mean = 0;
  #variance = 0;
  #count = 0;
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: { alpha: number; k: number }, state?: EwmaState) {
    this.#alpha = options.alpha;
    this.#k = options.k;
    if (state) {
      this.#mean = state.mean;
      this.#variance = state.variance;
      this.#count = state.count;
    }
  }

  /** The current mean and σ (for other detectors that standardise against it). */
  get mean(): number {
    return this.#mean;
  }
  get sigma(): number {
    return Math.sqrt(this.#variance);
  }
  get count(): number {
    return this.#count;
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#mean + this.#variance;
  }

  update(value: number): number {
    let score = 0;
    if (this.#count === 0) {
      this.#mean = value;
      this.#count = 1;
      return 0;
    }
    const sd = Math.max(Math.sqrt(this.#variance), 1e-9 * Math.max(1, Math.abs(this.#mean)));
    if (this.#count >= 8) {
      this.expectedLow = this.#mean - this.#k * sd;
      this.expectedHigh = this.#mean + this.#k * sd;
      score = Math.abs(value - this.#mean) / (this.#k * sd);
    }
    // Warm-up uses 1/n weights so the first values are not over-trusted.
    const a = Math.max(this.#alpha, 1 / (this.#count + 1));
    const d = value - this.#mean;
    this.#mean += a * d;
    this.#variance = (1 - a) * (this.#variance + a * d * d);
    this.#count++;
    return score;
  }

  snapshot(): EwmaState {
    return { mean: this.#mean, variance: this.#variance, count: this.#count };
  }
}
