import type { StreamingDetector } from "./detector.ts";

/** JSON state of a {@link CusumDetector}. */
export interface CusumState {
  readonly mean: number;
  readonly variance: number;
  readonly count: number;
  readonly up: number;
  readonly down: number;
  readonly spread: number;
}

/**
 * Two-sided CUSUM for level shifts plus a CUSUM on z² for variance increases,
 * on values standardised against a slow EWMA baseline. O(1). The raw score
 * is the largest cumulative sum over the decision interval `h` (1 = change
 * detected); after a detection the sums restart and the baseline is learnt
 * afresh from the new level (16 values), so one shift raises one alarm.
 *
 * @example
 * ```ts
 * const d = new CusumDetector({ alpha: 0.01, drift: 0.5, h: 8 });
 * for (let i = 0; i < 300; i++) d.update(i % 2);
 * let peak = 0;
 * for (let i = 0; i < 30; i++) peak = Math.max(peak, d.update(3 + (i % 2)));
 * peak >= 1; // true
 * ```
 */
export class CusumDetector implements StreamingDetector {
  readonly name = "cusum" as const;
  readonly #alpha: number;
  readonly #drift: number;
  readonly #h: number;
  #s: { mean: number; variance: number; count: number; up: number; down: number; spread: number };
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: { alpha: number; drift: number; h: number }, state?: CusumState) {
    this.#alpha = options.alpha;
    this.#drift = options.drift;
    this.#h = options.h;
    this.#s = state ? { ...state } : { mean: 0, variance: 0, count: 0, up: 0, down: 0, spread: 0 };
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#s.mean + this.#s.up;
  }

  update(value: number): number {
    const s = this.#s;
    if (s.count === 0) {
      s.mean = value;
      s.count = 1;
      return 0;
    }
    const sd = Math.max(Math.sqrt(s.variance), 1e-9 * Math.max(1, Math.abs(s.mean)));
    let score = 0;
    if (s.count >= 16) {
      const z = Math.max(-6, Math.min(6, (value - s.mean) / sd));
      s.up = Math.max(0, s.up + z - this.#drift);
      s.down = Math.max(0, s.down - z - this.#drift);
      s.spread = Math.max(0, s.spread + z * z - 1 - 2 * this.#drift);
      score = Math.max(s.up, s.down, 0.5 * s.spread) / this.#h;
      const band = this.#h * sd / 4;
      this.expectedLow = s.mean - band;
      this.expectedHigh = s.mean + band;
    }
    const a = Math.max(this.#alpha, 1 / (s.count + 1));
    const d = value - s.mean;
    if (score >= 1) {
      // Re-learn the baseline from the new regime (a fresh warm-up keeps the
      // variance) so one shift raises one alarm.
      s.mean = value;
      s.count = 1;
      s.up = 0;
      s.down = 0;
      s.spread = 0;
      return score;
    }
    s.mean += a * d;
    s.variance = (1 - a) * (s.variance + a * d * d);
    s.count++;
    return score;
  }

  snapshot(): CusumState {
    return { ...this.#s };
  }
}
