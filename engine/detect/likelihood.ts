import { type PackedFloats, packFloats, unpackFloats } from "./packed.ts";

/** JSON state of an {@link AnomalyLikelihood}. */
export interface LikelihoodState {
  readonly recent: number[];
  /** Float32 short-term means, packed (see `packed.ts`); plain numbers in older snapshots. */
  readonly averages: PackedFloats;
  readonly count: number;
  /** Running sums, restored as they were so the next scores are bit-identical. */
  readonly sums: readonly [recentSum: number, sum: number, sumSq: number, sinceRecompute: number];
}

/** Options of an {@link AnomalyLikelihood}. */
export interface LikelihoodOptions {
  /** Raw scores averaged into the short-term mean that is judged. */
  readonly shortWindow: number;
  /** Short-term means that make up the reference distribution. */
  readonly longWindow: number;
  /** Raw scores seen before the likelihood says anything but 0. */
  readonly warmup: number;
  /** Score 1 means a tail probability of 10^-decades. */
  readonly decades: number;
}

/**
 * Turns raw scores into a calibrated anomaly score in [0, 1], in the spirit of
 * NAB's anomaly likelihood: the short-term mean of the latest raw scores is
 * judged against a Gaussian fitted to the short-term means of the last
 * `longWindow` points; the score is 1 − tail probability, log-scaled so that
 * 0.5 ≈ a one-in-300 event and 1 ≈ one in 10¹⁰. Running sums make it O(1).
 * The long window keeps its means in Float32 (a compact, exact snapshot).
 *
 * @example
 * ```ts
 * const l = new AnomalyLikelihood({ shortWindow: 5, longWindow: 1000, warmup: 100, decades: 10 });
 * for (let i = 0; i < 500; i++) l.update(0.1 + 0.05 * Math.sin(i));
 * l.update(5) > 0.3; // true
 * ```
 */
export class AnomalyLikelihood {
  readonly #o: LikelihoodOptions;
  readonly #recent: Float64Array;
  readonly #averages: Float32Array;
  #count = 0;
  #recentSum = 0;
  #sum = 0;
  #sumSq = 0;
  #sinceRecompute = 0;

  constructor(options: LikelihoodOptions, state?: LikelihoodState) {
    this.#o = options;
    this.#recent = new Float64Array(options.shortWindow);
    this.#averages = new Float32Array(options.longWindow);
    if (state) {
      this.#recent.set(state.recent.slice(0, options.shortWindow));
      this.#averages.set(unpackFloats(state.averages, Float32Array).slice(0, options.longWindow));
      this.#count = state.count;
      [this.#recentSum, this.#sum, this.#sumSq, this.#sinceRecompute] = state.sums;
    }
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#recent[0] + this.#averages[this.#count % this.#o.longWindow] + this.#sum;
  }

  /** Judges `raw` (after it joins the short window) and learns it; returns a score in [0, 1]. */
  update(raw: number): number {
    const o = this.#o;
    const i = this.#count;
    this.#recentSum += raw - this.#recent[i % o.shortWindow];
    this.#recent[i % o.shortWindow] = raw;
    const shortMean = this.#recentSum / Math.min(i + 1, o.shortWindow);
    const n = Math.min(i, o.longWindow);
    let score = 0;
    if (i >= o.warmup && n > 1) {
      const mean = this.#sum / n;
      const variance = Math.max(0, (this.#sumSq - n * mean * mean) / (n - 1));
      const sd = Math.max(Math.sqrt(variance), 1e-4);
      const z = (shortMean - mean) / sd;
      score = z <= 0 ? 0 : logScale(tailProbability(z), o.decades);
    }
    // Learn the short-term mean into the long window.
    const slot = i % o.longWindow;
    const old = i >= o.longWindow ? this.#averages[slot] : 0;
    const stored = Math.fround(shortMean);
    this.#sum += stored - old;
    this.#sumSq += stored * stored - old * old;
    this.#averages[slot] = stored;
    this.#count++;
    if (++this.#sinceRecompute >= o.longWindow) this.#recompute();
    return score;
  }

  snapshot(): LikelihoodState {
    return {
      recent: Array.from(this.#recent),
      averages: packFloats(this.#averages),
      count: this.#count,
      sums: [this.#recentSum, this.#sum, this.#sumSq, this.#sinceRecompute],
    };
  }

  #recompute(): void {
    const n = Math.min(this.#count, this.#o.longWindow);
    let sum = 0;
    let sumSq = 0;
    for (let k = 0; k < n; k++) {
      const v = this.#averages[k];
      sum += v;
      sumSq += v * v;
    }
    this.#sum = sum;
    this.#sumSq = sumSq;
    let recentSum = 0;
    for (let k = 0; k < Math.min(this.#count, this.#o.shortWindow); k++) {
      recentSum += this.#recent[k];
    }
    this.#recentSum = recentSum;
    this.#sinceRecompute = 0;
  }
}

/** P(Z > z) of a standard normal (Abramowitz–Stegun 7.1.26 erfc up to z = 5, then the asymptotic series). */
export function tailProbability(z: number): number {
  if (z > 5) {
    // Asymptotic series: keeps relative accuracy far into the tail, where the log scale lives.
    const z2 = z * z;
    return Math.exp(-z2 / 2) / (z * Math.sqrt(2 * Math.PI)) * (1 - 1 / z2 + 3 / (z2 * z2));
  }
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc = t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return z >= 0 ? 0.5 * erfc : 1 - 0.5 * erfc;
}

/** Maps a tail probability to [0, 1] on a log scale: p = 10^-decades → 1, p = 1 → 0. */
export function logScale(p: number, decades = 10): number {
  return Math.min(1, Math.max(0, -Math.log10(Math.max(p, 1e-300)) / decades));
}
