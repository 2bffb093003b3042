/** Smoothing weights of one Holt candidate. */
export interface HoltWeights {
  readonly alpha: number;
  readonly beta: number;
  /** Trend damping of this candidate; the model's `phi` when absent. */
  readonly phi?: number;
}

/** Options of a {@link HoltWinters} model. */
export interface HoltWintersOptions {
  /**
   * Candidate (α, β) pairs run side by side on the same steps; forecasts use
   * the one with the least recent one-step squared error. One pair = fixed
   * parameters.
   */
  readonly candidates: readonly HoltWeights[];
  /** Seasonal smoothing weight. */
  readonly gamma: number;
  /** Trend damping φ in (0, 1]; 1 is Holt's undamped linear trend. */
  readonly phi: number;
  /** Weight of the newest squared error in each candidate's running mean. */
  readonly errorDecay: number;
  /**
   * Candidates are ranked by their squared error this many steps ahead (1:
   * one-step errors). Forecasts are read minutes ahead, where a trend fitted
   * to one-step errors overshoots; ranking there favours what holds up.
   */
  readonly selectionSteps?: number;
}

/**
 * The grid fitted online by default: α ∈ {0.05, 0.2, 0.6} × (β = 0, i.e.
 * simple smoothing; β ∈ {0.02, 0.15} each undamped and damped with φ = 0.95):
 * 15 candidates. A steady ramp keeps an undamped trend; a cycle or noise
 * ranks a damped or flat one first.
 */
export const DEFAULT_HOLT_CANDIDATES: readonly HoltWeights[] = [0.05, 0.2, 0.6].flatMap((
  alpha,
) => [
  { alpha, beta: 0 },
  ...[0.02, 0.15].flatMap((beta) => [{ alpha, beta, phi: 1 }, { alpha, beta, phi: 0.95 }]),
]);

/** One candidate's running level, trend and recent mean squared errors. */
export interface HoltCandidateState {
  level: number;
  trend: number;
  /** Running mean squared one-step error. */
  mse: number;
  /** Running mean squared error `selectionSteps` ahead (0 until scored). */
  mseAhead?: number;
  /** Forecasts made for `selectionSteps` ahead, ring by target step index. */
  ahead?: number[];
}

/** The model's whole state: plain JSON. */
export interface HoltWintersState {
  /** Steps seen. */
  t: number;
  candidates: HoltCandidateState[];
  /** Index of the candidate in use. */
  best: number;
  /** Index of the candidate with the least one-step error (= best without ranking ahead). */
  bestNear?: number;
  /** Additive seasonal terms indexed by step index mod length; empty when not seasonal. */
  season: number[];
}

/**
 * Holt's linear method (level + trend, optionally damped) with additive
 * Holt–Winters seasonality when a season is set, for one metric's resampled
 * steps. Parameters are fitted online: every candidate (α, β, φ) of a small
 * grid keeps its own level and trend and running means of its squared
 * one-step errors and (with `selectionSteps` k > 1) of its errors k steps
 * ahead; the candidate with the least k-step error forecasts, starting from
 * the level of the one with the least one-step error (the difference fades
 * over ~k/4 steps). The seasonal terms are shared and learn from the
 * one-step error of the candidate with the smallest α (error-correction
 * form), so a fast level cannot swallow the cycle. O(candidates) per step;
 * memory O(16 × candidates + season).
 *
 * @example
 * ```ts
 * const m = new HoltWinters({
 *   candidates: [{ alpha: 0.5, beta: 0.1 }],
 *   gamma: 0.1,
 *   phi: 1,
 *   errorDecay: 0.05,
 * });
 * for (let t = 0; t < 100; t++) m.update(2 * t);
 * m.forecast(10); // ≈ 218
 * ```
 */
export class HoltWinters {
  readonly #options: HoltWintersOptions;
  readonly #state: HoltWintersState;
  /** The candidate with the smallest α: it alone updates the season. */
  readonly #anchor: number;
  /** φ + … + φʰ by h, per candidate (damped ones only), grown on demand. */
  readonly #dampedTables: (Float64Array | undefined)[] = [];
  /** φ of each candidate (its own, else the model's). */
  readonly #phis: Float64Array;

  constructor(options: HoltWintersOptions, state?: HoltWintersState) {
    if (options.candidates.length === 0) {
      throw new RangeError("Cannot build a Holt model: 'candidates' must not be empty");
    }
    if (!(options.phi > 0 && options.phi <= 1)) {
      throw new RangeError(
        `Cannot build a Holt model: 'phi' must be in (0, 1]: current value is ${options.phi}`,
      );
    }
    this.#options = options;
    this.#phis = Float64Array.from(options.candidates, (c) => c.phi ?? options.phi);
    this.#anchor = options.candidates.reduce(
      (best, c, i, all) => (c.alpha < all[best].alpha ? i : best),
      0,
    );
    this.#state = state ?? {
      t: 0,
      candidates: options.candidates.map(() => ({ level: 0, trend: 0, mse: 0 })),
      best: 0,
      season: [],
    };
  }

  /** Steps seen so far. */
  get steps(): number {
    return this.#state.t;
  }

  /** The seasonal length in steps, 0 without seasonality. */
  get seasonLength(): number {
    return this.#state.season.length;
  }

  /** The candidate in use: its weights, level, trend and recent one-step MSE. */
  get current(): HoltWeights & Readonly<HoltCandidateState> {
    const s = this.#state;
    return { ...this.#options.candidates[s.best], ...s.candidates[s.best] };
  }

  /** The weights of the candidate in use (no copy: cheap on hot paths). */
  get weights(): HoltWeights {
    return this.#options.candidates[this.#state.best];
  }

  /** The running state of the candidate in use (read-only view, no copy). */
  get fit(): Readonly<HoltCandidateState> {
    return this.#state.candidates[this.#state.best];
  }

  /** The state, for snapshots (a copy). */
  toJSON(): HoltWintersState {
    return structuredClone(this.#state);
  }

  /**
   * Starts seasonality with these terms (index = step index mod length), or
   * stops it with `[]`; levels keep the latest fitted value, trends restart at `trend`.
   */
  setSeason(season: readonly number[], trend = 0): void {
    const s = this.#state;
    // The trend Holt had while chasing the cycle is the cycle's slope, not the
    // series': restart it (and the level) so the season does not absorb it.
    const last = s.t - 1;
    for (const c of s.candidates) {
      c.level += this.seasonAt(last) - (season.length > 0 ? season[last % season.length] : 0);
      c.trend = trend;
    }
    s.season = [...season];
  }

  #phiOf(candidate: number): number {
    return this.#phis[candidate];
  }

  /** The φ + … + φʰ table of `candidate` (damped), at least `h` + 1 long. */
  #dampedTable(candidate: number, h: number): Float64Array {
    let table = this.#dampedTables[candidate];
    if (table === undefined || table.length <= h) {
      const phi = this.#phis[candidate];
      const size = Math.max(h + 1, 2 * (table?.length ?? 128));
      table = new Float64Array(size);
      for (let k = 1, power = 1; k < size; k++) table[k] = table[k - 1] + (power *= phi);
      this.#dampedTables[candidate] = table;
    }
    return table;
  }

  /** φ + … + φʰ of `candidate` for integer h (tabled: a path reads it 60 times). */
  #dampedSum(candidate: number, h: number): number {
    const phi = this.#phis[candidate];
    if (phi === 1 || !Number.isInteger(h) || h < 0 || h > 4_096) return dampedSum(phi, h);
    return this.#dampedTable(candidate, h)[h];
  }

  /** The seasonal term of step index `t` (0 without seasonality). */
  seasonAt(t: number): number {
    const season = this.#state.season;
    return season.length === 0 ? 0 : season[t % season.length];
  }

  /** Feeds the next step's value. */
  update(y: number): void {
    const s = this.#state;
    const { candidates, phi, gamma, errorDecay } = this.#options;
    const k = this.#options.selectionSteps ?? 1;
    const seasonal = this.seasonAt(s.t);
    // The season learns from the slowest candidate's one-step error (before
    // this step's update): a fast level would absorb the cycle and leave the
    // season wrong, with the trend chasing the difference.
    const before = s.candidates[this.#anchor];
    const deseasoned = y - before.level - (candidates[this.#anchor].phi ?? phi) * before.trend;
    if (s.t === 0) {
      for (const c of s.candidates) c.level = y - seasonal;
    } else {
      let best = 0;
      for (let i = 0; i < candidates.length; i++) {
        const c = s.candidates[i], { alpha, beta } = candidates[i];
        const damping = candidates[i].phi ?? phi;
        const error = y - (c.level + damping * c.trend + seasonal);
        c.mse = s.t === 1 ? error * error : c.mse + errorDecay * (error * error - c.mse);
        const level = alpha * (y - seasonal) + (1 - alpha) * (c.level + damping * c.trend);
        c.trend = beta * (level - c.level) + (1 - beta) * damping * c.trend;
        c.level = level;
      }
      if (k > 1) this.#scoreAhead(y, k);
      const ranked = k > 1 && s.t > 2 * k;
      let near = 0;
      for (let i = 1; i < candidates.length; i++) {
        const c = s.candidates[i], b = s.candidates[best];
        if (ranked ? c.mseAhead! < b.mseAhead! : c.mse < b.mse) best = i;
        if (c.mse < s.candidates[near].mse) near = i;
      }
      s.best = best;
      s.bestNear = near;
    }
    if (s.season.length > 0) {
      const i = s.t % s.season.length;
      s.season[i] = s.t === 0 ? s.season[i] : gamma * deseasoned + (1 - gamma) * s.season[i];
    }
    s.t++;
  }

  /**
   * Every r-th step (r = ⌈k/16⌉, so at most 16 forecasts per candidate are
   * kept), scores each candidate's forecast made K = r·round(k/r) ≈ k steps
   * ago for this step, then stores its forecast K steps ahead in that slot.
   */
  #scoreAhead(y: number, k: number): void {
    const s = this.#state, { errorDecay, candidates } = this.#options;
    const stride = Math.ceil(k / 16);
    if (s.t % stride !== 0) return;
    const slots = Math.max(1, Math.round(k / stride)), reachSteps = stride * slots;
    const slot = (s.t / stride) % slots, seasonal = this.seasonAt(s.t + reachSteps);
    for (let i = 0; i < candidates.length; i++) {
      const c = s.candidates[i], reach = this.#dampedSum(i, reachSteps);
      c.ahead ??= [];
      c.mseAhead ??= 0;
      const made = c.ahead[slot];
      if (made !== undefined) {
        const error = y - made;
        c.mseAhead = c.mseAhead === 0
          ? error * error
          : c.mseAhead + errorDecay * (error * error - c.mseAhead);
      }
      c.ahead[slot] = c.level + c.trend * reach + seasonal;
    }
  }

  /** The mean forecast `h` ≥ 0 steps past the latest (h = 0: its fitted value). */
  forecast(h: number): number {
    const s = this.#state, c = s.candidates[s.best];
    const path = c.level + c.trend * this.#dampedSum(s.best, h) + this.seasonAt(s.t - 1 + h);
    // Near term, start from the level that predicts the next step best and
    // hand over to the candidate ranked ahead: the gap fades over ~k/4 steps.
    const near = s.candidates[s.bestNear ?? s.best];
    const fade = (this.#options.selectionSteps ?? 1) / 4;
    return near === c ? path : path + (near.level - c.level) * Math.exp(-h / fade);
  }

  /** Forecast from a saved (level, trend) made `h` steps before now for the next step. */
  forecastFrom(level: number, trend: number, madeAt: number, h: number): number {
    return level + trend * this.#dampedSum(this.#state.best, h) + this.seasonAt(madeAt + h);
  }

  /**
   * The mean forecasts {@link forecast}(k) for k = stride, 2·stride, … up to
   * `last` (the last one k = `last`), into `out` (at least ⌈last / stride⌉
   * long): one pass, no allocation.
   */
  forecastPath(stride: number, last: number, out: Float64Array): void {
    const s = this.#state, c = s.candidates[s.best], near = s.candidates[s.bestNear ?? s.best];
    const fade = (this.#options.selectionSteps ?? 1) / 4, gap = near.level - c.level;
    const season = s.season, length = season.length, origin = s.t - 1;
    const damped = this.#phis[s.best] === 1 || !Number.isInteger(last) || last > 4_096
      ? null
      : this.#dampedTable(s.best, last);
    let j = 0;
    for (let h = stride; h <= last + stride - 1; h += stride) {
      const k = h < last ? h : last;
      const path = c.level + c.trend * (damped === null ? this.#dampedSum(s.best, k) : damped[k]) +
        (length === 0 ? 0 : season[(origin + k) % length]);
      out[j++] = near === c ? path : path + gap * Math.exp(-k / fade);
    }
  }
}

/** φ + φ² + … + φʰ (h when φ = 1). */
export function dampedSum(phi: number, h: number): number {
  return phi === 1 ? h : (phi * (1 - phi ** h)) / (1 - phi);
}
