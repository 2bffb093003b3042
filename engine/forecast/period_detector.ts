/** Options of a {@link PeriodDetector}. */
export interface PeriodDetectorOptions {
  /** Downsampled history kept (even); pairs merge when it fills. */
  readonly capacity: number;
  /** Steps between checks while the history is at full resolution. */
  readonly checkEvery: number;
  /** Least autocorrelation of a peak to count as a period. */
  readonly minCorrelation: number;
  /** Periods outside `[minPeriod, maxPeriod]` steps are ignored. */
  readonly minPeriod: number;
  readonly maxPeriod: number;
}

/** Sensible defaults: 256 values, periods of 4 … 512 steps. */
export const DEFAULT_PERIOD_OPTIONS: PeriodDetectorOptions = {
  capacity: 256,
  checkEvery: 64,
  minCorrelation: 0.3,
  minPeriod: 4,
  maxPeriod: 512,
};

/** The detector's whole state: plain JSON. */
export interface PeriodDetectorState {
  /** Means of `factor` consecutive steps, oldest first. */
  values: number[];
  factor: number;
  /** Step index of `values[0]`'s first step. */
  start: number;
  /** Running sum and count of the group in progress. */
  sum: number;
  count: number;
  /** Steps since the last check. */
  sinceCheck: number;
  /** The latest 2 × maxPeriod steps at full resolution (ring), for refining a coarse period. */
  recent: number[];
  recentCount: number;
}

/**
 * Finds a seasonal period in a metric's resampled steps from the
 * autocorrelation of a bounded, downsampled history: the history holds at
 * most `capacity` values, each the mean of `factor` steps; when it fills,
 * neighbouring pairs merge (`factor` doubles) until the lags reach
 * `maxPeriod`, and from then on the oldest half is dropped (a sliding
 * window). A check (linear detrend, then the
 * autocorrelation at lags 2 … capacity/3 — at least three cycles in view)
 * takes O(capacity²/3) and runs every `checkEvery × factor` steps, which is
 * O(1) amortised per step. A coarse period (factor > 1) is refined to the
 * step on the latest 2 × maxPeriod steps, kept at full resolution. The
 * period is the lag of the highest local peak at or above `minCorrelation`,
 * refined by a parabola through its neighbours and scaled back to steps.
 *
 * @example
 * ```ts
 * const d = new PeriodDetector(DEFAULT_PERIOD_OPTIONS);
 * for (let t = 0; t < 1_000; t++) d.push(Math.sin((2 * Math.PI * t) / 50));
 * d.detect(); // 50
 * ```
 */
export class PeriodDetector {
  readonly #options: PeriodDetectorOptions;
  readonly #state: PeriodDetectorState;
  readonly #maxFactor: number;
  #uncertainty = 0;

  constructor(options: PeriodDetectorOptions, state?: PeriodDetectorState) {
    if (!Number.isInteger(options.capacity) || options.capacity < 16 || options.capacity % 2) {
      throw new RangeError(
        `Cannot detect periods: 'capacity' must be an even integer ≥ 16: current value is ${options.capacity}`,
      );
    }
    this.#options = options;
    // The smallest power of two whose lags (up to capacity/3) reach maxPeriod.
    this.#maxFactor = 2 **
      Math.max(0, Math.ceil(Math.log2(options.maxPeriod / (options.capacity / 3))));
    this.#state = state ?? {
      values: [],
      factor: 1,
      start: 0,
      sum: 0,
      count: 0,
      sinceCheck: 0,
      recent: [],
      recentCount: 0,
    };
  }

  /** The state, for snapshots (a copy). */
  toJSON(): PeriodDetectorState {
    return structuredClone(this.#state);
  }

  /**
   * ± steps of the latest {@link detect}'s period: 0 at full resolution or
   * when refined, else `factor` (too few recent steps to refine, e.g. right
   * after a restore: snapshots leave the full-resolution steps out).
   */
  get uncertainty(): number {
    return this.#uncertainty;
  }

  /** Steps per history value: the resolution periods are seen at. */
  get factor(): number {
    return this.#state.factor;
  }

  /** Adds one step's value; true when a check is due (then call {@link detect}). */
  push(value: number): boolean {
    const s = this.#state;
    s.sum += value;
    s.count++;
    s.sinceCheck++;
    s.recent[s.recentCount++ % (2 * this.#options.maxPeriod)] = value;
    if (s.count === s.factor) {
      s.values.push(s.sum / s.factor);
      s.sum = 0;
      s.count = 0;
      if (s.values.length === this.#options.capacity) {
        const half = this.#options.capacity / 2;
        if (s.factor >= this.#maxFactor) {
          // Coarse enough to see the longest period: slide instead of merging.
          s.values = s.values.slice(half);
          s.start += half * s.factor;
        } else {
          const merged: number[] = [];
          for (let i = 0; i < s.values.length; i += 2) {
            merged.push((s.values[i] + s.values[i + 1]) / 2);
          }
          s.values = merged;
          s.factor *= 2;
        }
      }
    }
    return s.values.length >= 24 && s.sinceCheck >= this.#options.checkEvery * s.factor;
  }

  /** The period in steps, or null when there is none; resets the check countdown. */
  detect(): number | null {
    const s = this.#state;
    s.sinceCheck = 0;
    this.#uncertainty = 0;
    const x = detrended(s.values);
    const n = x.length;
    let energy = 0, spread = 0;
    const mean = s.values.reduce((a, b) => a + b, 0) / n;
    for (let i = 0; i < n; i++) {
      energy += x[i] * x[i];
      spread += (s.values[i] - mean) ** 2;
    }
    // A straight line leaves only rounding noise, whose correlations mean nothing.
    if (energy <= 1e-9 * spread || energy === 0) return null;
    const maxLag = Math.floor(n / 3);
    const r = new Float64Array(maxLag + 2);
    for (let lag = 1; lag <= maxLag + 1; lag++) {
      let sum = 0;
      for (let i = 0; i + lag < n; i++) sum += x[i] * x[i + lag];
      r[lag] = sum / energy;
    }
    let best = -1, bestR = this.#options.minCorrelation;
    for (let lag = 2; lag <= maxLag; lag++) {
      if (r[lag] >= bestR && r[lag] > r[lag - 1] && r[lag] >= r[lag + 1]) {
        best = lag;
        bestR = r[lag];
      }
    }
    if (best < 0) return null;
    const curvature = r[best - 1] - 2 * r[best] + r[best + 1];
    const offset = curvature < 0 ? 0.5 * (r[best - 1] - r[best + 1]) / curvature : 0;
    const coarse = Math.round((best + offset) * s.factor);
    const period = s.factor === 1 ? coarse : this.#refine(coarse, s.factor);
    return period >= this.#options.minPeriod && period <= this.#options.maxPeriod ? period : null;
  }

  /**
   * The lag within ±`factor` of `coarse` whose Pearson correlation over the
   * full-resolution recent steps is highest: (2·factor + 1) × 2·maxPeriod work.
   */
  #refine(coarse: number, factor: number): number {
    const s = this.#state, size = 2 * this.#options.maxPeriod;
    const n = Math.min(s.recentCount, size);
    const first = s.recentCount > size ? s.recentCount % size : 0;
    const ordered: number[] = [];
    for (let i = 0; i < n; i++) ordered.push(s.recent[(first + i) % size]);
    // Pearson over each lag's pairs already removes a level difference; a
    // linear detrend of a few cycles would bias the lag, so none here.
    const x = ordered;
    let best = coarse, bestR = -Infinity;
    this.#uncertainty = factor;
    for (let lag = Math.max(2, coarse - factor); lag <= coarse + factor; lag++) {
      const pairs = n - lag;
      if (pairs < lag) break; // fewer than two cycles of overlap: keep the coarse value
      this.#uncertainty = 0;
      let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
      for (let i = 0; i < pairs; i++) {
        const a = x[i], b = x[i + lag];
        sa += a;
        sb += b;
        saa += a * a;
        sbb += b * b;
        sab += a * b;
      }
      const cov = sab - (sa * sb) / pairs;
      const denominator = Math.sqrt((saa - (sa * sa) / pairs) * (sbb - (sb * sb) / pairs));
      const r = denominator > 0 ? cov / denominator : 0;
      if (r > bestR) {
        bestR = r;
        best = lag;
      }
    }
    return best;
  }

  /**
   * Mean seasonal profile for `period` steps, indexed by step index mod
   * `period` (the history's detrended values binned by phase at the
   * history's resolution; mean 0), for seeding a seasonal model.
   */
  profile(period: number): number[] {
    const s = this.#state;
    const x = detrended(s.values);
    const bins = Math.max(1, Math.ceil(period / s.factor));
    const sums = new Float64Array(bins), counts = new Float64Array(bins);
    for (let i = 0; i < x.length; i++) {
      const centre = s.start + i * s.factor + (s.factor - 1) / 2;
      const bin = Math.floor((centre % period) / s.factor) % bins;
      sums[bin] += x[i];
      counts[bin]++;
    }
    const season: number[] = [];
    for (let j = 0; j < period; j++) {
      const bin = Math.floor(j / s.factor) % bins;
      season.push(counts[bin] > 0 ? sums[bin] / counts[bin] : 0);
    }
    const mean = season.reduce((a, b) => a + b, 0) / period;
    return season.map((v) => v - mean);
  }
}

/** `values` minus their least-squares line. */
function detrended(values: readonly number[]): Float64Array {
  const n = values.length;
  const out = new Float64Array(n);
  if (n === 0) return out;
  const meanX = (n - 1) / 2;
  let meanY = 0;
  for (let i = 0; i < n; i++) meanY += values[i];
  meanY /= n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - meanX) * (values[i] - meanY);
    sxx += (i - meanX) * (i - meanX);
  }
  const slope = sxx === 0 ? 0 : sxy / sxx;
  for (let i = 0; i < n; i++) out[i] = values[i] - meanY - slope * (i - meanX);
  return out;
}
