import type { ForecastPath, ForecastPoint } from "./forecast_path.ts";
import {
  type ForecasterSnapshot,
  packForecasterState,
  unpackForecasterState,
} from "./forecaster_snapshot.ts";
import {
  DEFAULT_HOLT_CANDIDATES,
  type HoltWeights,
  HoltWinters,
  type HoltWintersState,
} from "./holt_winters.ts";
import {
  DEFAULT_PERIOD_OPTIONS,
  PeriodDetector,
  type PeriodDetectorOptions,
  type PeriodDetectorState,
} from "./period_detector.ts";
import { type ResampledEvent, StepResampler, type StepResamplerState } from "./step_resampler.ts";

/** Options of a {@link MetricForecaster}. */
export interface ForecasterOptions {
  /** Default horizon of {@link MetricForecaster.forecast}. */
  readonly horizonMs: number;
  /** Most steps ahead; the step grows so that `horizonMs` fits in it. */
  readonly maxSteps: number;
  readonly minStepMs: number;
  /** Gaps measured to fix the step (their median). */
  readonly warmupGaps: number;
  /** Longer gaps (in steps) restart the model. */
  readonly maxFillSteps: number;
  /** Nominal coverage of the prediction interval. */
  readonly coverage: number;
  /** Trend damping φ in (0, 1] of candidates that name none; 1 is undamped. */
  readonly phi: number;
  readonly gamma: number;
  /** Weight of the newest squared one-step error in each candidate's running mean. */
  readonly errorDecay: number;
  /** (α, β) grid fitted online; one entry = fixed parameters. */
  readonly candidates: readonly HoltWeights[];
  /** Detect a seasonal period and use Holt–Winters. */
  readonly seasonal: boolean;
  /**
   * Rank the (α, β, φ) candidates by their error half the horizon ahead
   * instead of one step ahead.
   */
  readonly selectAhead: boolean;
  /** h-step errors kept per checked horizon for the empirical interval. */
  readonly errorWindow: number;
  readonly period: PeriodDetectorOptions;
  /** Where the step grid starts, in [0, 1) of a step (see `StepResamplerOptions.phase`). */
  readonly phase?: number;
}

/**
 * 30 min ahead in at most 240 steps; (α, β, φ) fitted on a grid
 * ({@link DEFAULT_HOLT_CANDIDATES}) and ranked half the horizon ahead;
 * seasonality on.
 */
export const DEFAULT_FORECASTER_OPTIONS: ForecasterOptions = {
  horizonMs: 30 * 60_000,
  maxSteps: 240,
  minStepMs: 1_000,
  warmupGaps: 8,
  maxFillSteps: 64,
  coverage: 0.8,
  phi: 1,
  gamma: 0.1,
  errorDecay: 0.05,
  candidates: DEFAULT_HOLT_CANDIDATES,
  seasonal: true,
  selectAhead: true,
  errorWindow: 64,
  period: DEFAULT_PERIOD_OPTIONS,
};

/** Steps before a forecast is given at all. */
const MIN_STEPS = 8;
/** h-step errors per checked horizon before the empirical interval replaces the formula. */
const MIN_ERRORS = 16;
/** Checks without a period before a seasonal model goes back to plain Holt. */
const DROP_AFTER = 2;

/**
 * A forecaster's whole state as plain JSON (version 1 snapshots); snapshots
 * are now the compact {@link ForecasterSnapshot}, and both restore.
 */
export interface MetricForecasterState {
  readonly version: 1;
  resampler: StepResamplerState;
  /** Null until the step is fixed. */
  model: HoltWintersState | null;
  detector: PeriodDetectorState | null;
  /** Seasonal period in steps, or null. */
  period: number | null;
  checksWithoutPeriod: number;
  /** Time and value of the latest step, or null. */
  lastTs: number | null;
  /** Level and trend after each of the latest maxSteps + 1 steps (ring by step index). */
  pastLevel: number[];
  /** First step index with a level and trend in the ring (later than 0 after a compact restore). */
  pastFrom?: number;
  pastTrend: number[];
  /** Ring of recent h-step errors per checked horizon, and how many each has had. */
  errors: number[][];
  errorCounts: number[];
  /** Error quantiles `[count, low, high]` per checked horizon, re-taken after 8 new errors. */
  bounds: Array<[number, number, number] | null>;
}

/**
 * Forecasts one metric from its samples, O(1) amortised per sample:
 * irregular samples are resampled to a fixed step ({@link StepResampler});
 * each step updates a Holt model with online-fitted (α, β) and optional
 * damping ({@link HoltWinters}), made additive Holt–Winters when a
 * {@link PeriodDetector} check (every 64 × factor steps) finds a period.
 *
 * The prediction interval is empirical: after each step the forecaster
 * records the error of the forecasts made h steps earlier, for h at powers
 * of two up to `maxSteps` (and `maxSteps` itself) — of every (h/8)th
 * forecast only, since forecasts made a step apart err alike far ahead —
 * keeps the latest `errorWindow` of each and takes their (1 ∓ coverage)/2 quantiles, linear
 * in h between checked horizons. Until a horizon has 16 errors it uses
 * Holt's variance formula (σ² from the one-step errors,
 * σ²·[1 + (h−1)(α² + αβh + β²h(2h−1)/6)], normal quantiles).
 *
 * @example
 * ```ts
 * const f = new MetricForecaster();
 * for (let i = 0; i < 600; i++) f.push(i * 1_000, 20 + i * 0.01);
 * f.forecast(60_000)?.points.at(-1)?.mean; // ≈ 26.6
 * ```
 */
export class MetricForecaster {
  readonly #options: ForecasterOptions;
  readonly #state: MetricForecasterState;
  readonly #resampler: StepResampler;
  #model: HoltWinters | null;
  #detector: PeriodDetector | null;
  readonly #horizons: number[];
  /** Least step (ms): `horizonMs` fits in `maxSteps`. */
  readonly #minStep: number;
  /** Lower tail of the interval, (1 − coverage) / 2, and the normal quantile of 1 − tail. */
  readonly #tail: number;
  readonly #z: number;
  /** Error quantiles per checked horizon (low, high), taken at step `#boundsStep`. */
  readonly #boundsCache: Float64Array;
  #boundsStep = -1;
  /** Level and trend after each of the latest maxSteps + 1 steps, interleaved (ring by step index). */
  readonly #past: Float64Array;
  /** Ring of the latest `errorWindow` h-step errors per checked horizon, one after the other. */
  readonly #errors: Float64Array;
  /** Room for a path's means. */
  #means = new Float64Array(60);
  /** Room to sort an error window in. */
  readonly #scratch: Float64Array;
  /** Resampler events, bound once: no closure per sample. */
  readonly #onStep = (event: ResampledEvent): void => {
    if (event.kind === "restart") this.#restart();
    else this.#step(event.ts, event.value);
  };

  constructor(
    options: Partial<ForecasterOptions> = {},
    state?: MetricForecasterState | ForecasterSnapshot,
  ) {
    const o = { ...DEFAULT_FORECASTER_OPTIONS, ...options };
    for (const key of ["horizonMs", "minStepMs", "maxSteps", "errorWindow"] as const) {
      if (!(o[key] > 0) || !Number.isFinite(o[key])) {
        throw new RangeError(
          `Cannot forecast: '${key}' must be a positive number: current value is ${o[key]}`,
        );
      }
    }
    if (!(o.coverage > 0 && o.coverage < 1)) {
      throw new RangeError(
        `Cannot forecast: 'coverage' must be in (0, 1): current value is ${o.coverage}`,
      );
    }
    this.#options = o;
    this.#horizons = checkedHorizons(o.maxSteps);
    this.#minStep = o.horizonMs / o.maxSteps;
    this.#tail = (1 - o.coverage) / 2;
    this.#z = normalQuantile(1 - this.#tail);
    this.#boundsCache = new Float64Array(2 * this.#horizons.length);
    this.#scratch = new Float64Array(o.errorWindow);
    this.#state = state?.version === 2
      ? unpackForecasterState(state, o.maxSteps + 1)
      : state !== undefined
      ? structuredClone(state)
      : {
        version: 1,
        resampler: StepResampler.initialState(),
        model: null,
        detector: null,
        period: null,
        checksWithoutPeriod: 0,
        lastTs: null,
        pastLevel: [],
        pastTrend: [],
        errors: this.#horizons.map(() => []),
        errorCounts: this.#horizons.map(() => 0),
        bounds: this.#horizons.map(() => null),
      };
    this.#resampler = new StepResampler(o, this.#state.resampler);
    this.#model = this.#state.model === null
      ? null
      : new HoltWinters(this.#modelOptions(), this.#state.model);
    this.#detector = this.#state.detector === null
      ? null
      : new PeriodDetector(o.period, this.#state.detector);
    const ring = o.maxSteps + 1, window = o.errorWindow, st = this.#state;
    this.#past = new Float64Array(2 * ring);
    for (let j = 0; j < ring; j++) {
      this.#past[2 * j] = st.pastLevel[j] ?? 0;
      this.#past[2 * j + 1] = st.pastTrend[j] ?? 0;
    }
    this.#errors = new Float64Array(this.#horizons.length * window);
    st.errors.forEach((e, i) => {
      for (let k = 0; k < Math.min(e.length, window); k++) this.#errors[i * window + k] = e[k];
    });
    // Live in #past and #errors from here on; the snapshot rebuilds them.
    st.pastLevel = [];
    st.pastTrend = [];
    st.errors = [];
  }

  /** The resampling step (ms), or null while it is being measured. */
  get step(): number | null {
    return this.#resampler.step;
  }

  /** Time of the latest completed step (a forecast's origin), or null. */
  get lastStepTs(): number | null {
    return this.#state.lastTs;
  }

  /** The seasonal period in ms, or null. */
  get period(): number | null {
    const step = this.#resampler.step;
    return this.#state.period === null || step === null ? null : this.#state.period * step;
  }

  /** The fitted parameters in use, or null before the first step. */
  get parameters(): { alpha: number; beta: number; phi: number; gamma: number } | null {
    if (this.#model === null) return null;
    const { alpha, beta } = this.#model.current;
    return { alpha, beta, phi: this.#options.phi, gamma: this.#options.gamma };
  }

  /** The state for a snapshot: compact JSON (see {@link ForecasterSnapshot}). */
  toJSON(): ForecasterSnapshot {
    return packForecasterState(this.#fullState(), {
      ring: this.#options.maxSteps + 1,
      horizons: this.#horizons,
      errorWindow: this.#options.errorWindow,
    });
  }

  /** The whole state, exact (a copy; larger than {@link toJSON}). */
  #fullState(): MetricForecasterState {
    return {
      ...this.#state,
      resampler: this.#resampler.toJSON(),
      model: this.#model?.toJSON() ?? null,
      detector: this.#detector?.toJSON() ?? null,
      pastLevel: Array.from({ length: this.#options.maxSteps + 1 }, (_, j) => this.#past[2 * j]),
      pastTrend: Array.from(
        { length: this.#options.maxSteps + 1 },
        (_, j) => this.#past[2 * j + 1],
      ),
      errors: this.#horizons.map((_, i) => Array.from(this.#errorWindow(i))),
      errorCounts: [...this.#state.errorCounts],
      bounds: this.#state.bounds.map((b) => b === null ? null : [...b]),
    };
  }

  /** Reads the state {@link push} starts with (see `MetricDetector.warm`). */
  warm(): number {
    return this.#resampler.warm();
  }

  /** Feeds one sample; timestamps must increase (older ones are ignored). */
  push(ts: number, value: number): void {
    this.#resampler.push(ts, value, this.#onStep, this.#minStep);
  }

  #restart(): void {
    const s = this.#state;
    this.#boundsStep = -1;
    this.#model = null;
    this.#detector = null;
    s.period = null;
    s.checksWithoutPeriod = 0;
    s.lastTs = null;
    s.pastFrom = 0;
    this.#past.fill(0);
    this.#errors.fill(0);
    s.errorCounts = this.#horizons.map(() => 0);
    s.bounds = this.#horizons.map(() => null);
  }

  #step(ts: number, y: number): void {
    const s = this.#state, o = this.#options;
    this.#model ??= new HoltWinters(this.#modelOptions());
    this.#detector ??= new PeriodDetector(o.period);
    const model = this.#model;
    const t = model.steps, ring = o.maxSteps + 1, from = Math.max(MIN_STEPS, s.pastFrom ?? 0);
    const past = this.#past, errors = this.#errors, window = o.errorWindow;
    for (let i = 0; i < this.#horizons.length; i++) {
      const h = this.#horizons[i], made = t - h;
      // Forecasts made one step apart err alike far ahead: keep every (h/8)th, so the window
      // spans more of the series' history than one stretch of it.
      if (made < from || made % (h >> 3 || 1) !== 0) continue;
      const at = 2 * (made % ring);
      const predicted = model.forecastFrom(past[at], past[at + 1], made, h);
      errors[i * window + s.errorCounts[i] % window] = y - predicted;
      s.errorCounts[i]++;
    }
    model.update(y);
    const fit = model.fit;
    past[2 * (t % ring)] = fit.level;
    past[2 * (t % ring) + 1] = fit.trend;
    s.lastTs = ts;
    if (this.#detector.push(y) && o.seasonal) this.#checkPeriod();
  }

  /** The model's options: candidates ranked half the horizon (in steps) ahead. */
  #modelOptions() {
    const o = this.#options, step = this.#resampler.step ?? o.minStepMs;
    const steps = Math.max(1, Math.min(o.maxSteps, Math.ceil(o.horizonMs / step)));
    return { ...o, selectionSteps: o.selectAhead ? Math.max(1, Math.round(steps / 2)) : 1 };
  }

  #checkPeriod(): void {
    const s = this.#state, detector = this.#detector!, model = this.#model!;
    const found = detector.detect();
    if (found !== null) {
      s.checksWithoutPeriod = 0;
      // A coarse period (not refined: too few recent steps, e.g. after a restore)
      // within its resolution of the one in use confirms it.
      const tolerance = Math.max(0.05 * (s.period ?? 0), detector.uncertainty);
      if (s.period === null || Math.abs(found - s.period) > tolerance) {
        s.period = found;
        model.setSeason(detector.profile(found));
      }
      return;
    }
    // A period too short for the history's resolution cannot be confirmed: keep it.
    if (s.period === null || s.period < 3 * detector.factor) return;
    if (++s.checksWithoutPeriod >= DROP_AFTER) {
      s.period = null;
      s.checksWithoutPeriod = 0;
      model.setSeason([]);
    }
  }

  /**
   * The forecast from the latest step over `horizonMs` (at most `maxSteps`
   * steps), thinned to at most `maxPoints` points (the last step always
   * included); null until the step is fixed and 8 steps are in.
   */
  forecast(horizonMs = this.#options.horizonMs, maxPoints = 60): ForecastPath | null {
    const s = this.#state, o = this.#options, model = this.#model, step = this.#resampler.step;
    if (model === null || step === null || s.lastTs === null || model.steps < MIN_STEPS) {
      return null;
    }
    const last = Math.max(1, Math.min(o.maxSteps, Math.ceil(horizonMs / step)));
    const stride = Math.max(1, Math.ceil(last / Math.max(1, maxPoints)));
    const bounds = this.#bounds(), horizons = this.#horizons, top = horizons.length - 1;
    const count = Math.ceil(last / stride);
    if (this.#means.length < count) this.#means = new Float64Array(count);
    const means = this.#means;
    model.forecastPath(stride, last, means);
    const points: ForecastPoint[] = [];
    let i = 0, j = 0;
    for (let h = stride; h <= last + stride - 1; h += stride) {
      const k = Math.min(h, last);
      const mean = means[j++];
      // Error quantiles at k: linear between the checked horizons around it.
      while (i < top && horizons[i + 1] < k) i++;
      let low = bounds[2 * i], high = bounds[2 * i + 1];
      if (i < top && k > horizons[i]) {
        const f = (k - horizons[i]) / (horizons[i + 1] - horizons[i]);
        low += f * (bounds[2 * i + 2] - low);
        high += f * (bounds[2 * i + 3] - high);
      }
      points.push({
        ts: s.lastTs + k * step,
        mean,
        low: Math.min(mean, mean + low),
        high: Math.max(mean, mean + high),
      });
    }
    return {
      ts: s.lastTs,
      step,
      value: model.forecast(0),
      coverage: o.coverage,
      period: this.period,
      points,
    };
  }

  /** The h-step errors of checked horizon `i` (a view of its ring, filled part). */
  #errorWindow(i: number): Float64Array {
    const window = this.#options.errorWindow;
    const n = Math.min(this.#state.errorCounts[i], window);
    return this.#errors.subarray(i * window, i * window + n);
  }

  /**
   * Lower and upper error quantiles of every checked horizon (`[low0, high0,
   * low1, …]`), taken once per step: a second forecast in the same step (the
   * API's) reuses them.
   */
  #bounds(): Float64Array {
    const t = this.#model!.steps;
    if (this.#boundsStep !== t) {
      for (let i = 0; i < this.#horizons.length; i++) this.#quantiles(i, this.#horizons[i]);
      this.#boundsStep = t;
    }
    return this.#boundsCache;
  }

  /** Lower and upper error quantiles at checked horizon `i` (= h steps), into the cache. */
  #quantiles(i: number, h: number): void {
    const out = this.#boundsCache;
    if (Math.min(this.#state.errorCounts[i], this.#options.errorWindow) >= MIN_ERRORS) {
      // Re-sorted only after 8 new errors: a forecast per step stays cheap.
      const count = this.#state.errorCounts[i], cached = this.#state.bounds[i];
      if (cached === null || count - cached[0] >= 8) {
        const errors = this.#errorWindow(i);
        this.#state.bounds[i] = [
          count,
          quantile(errors, this.#tail, 1, this.#scratch),
          -quantile(errors, this.#tail, -1, this.#scratch),
        ];
      }
      const bounds = this.#state.bounds[i]!;
      out[2 * i] = bounds[1];
      out[2 * i + 1] = bounds[2];
      return;
    }
    const { alpha, beta } = this.#model!.weights, mse = this.#model!.fit.mse;
    const variance = mse *
      (1 + (h - 1) * (alpha * alpha + alpha * beta * h + (beta * beta * h * (2 * h - 1)) / 6));
    const half = this.#z * Math.sqrt(variance);
    out[2 * i] = -half;
    out[2 * i + 1] = half;
  }
}

/** 1, 2, 4, … below `maxSteps`, then `maxSteps`. */
function checkedHorizons(maxSteps: number): number[] {
  const horizons: number[] = [];
  for (let h = 1; h < maxSteps; h *= 2) horizons.push(h);
  horizons.push(maxSteps);
  return horizons;
}

/**
 * The linear-interpolated `q`-quantile (q ≤ ½) of `sign` × `values`, from
 * its few smallest values kept sorted in `room` (no full sort: a 10 %
 * quantile of 64 errors needs the 8 smallest).
 */
function quantile(values: Float64Array, q: number, sign: 1 | -1, room: Float64Array): number {
  const n = values.length, at = q * (n - 1), i = Math.floor(at), f = at - i;
  const keep = Math.min(n, i + 2);
  let size = 0;
  for (let k = 0; k < n; k++) {
    const v = sign * values[k];
    if (size === keep && v >= room[size - 1]) continue;
    let j = size < keep ? size++ : size - 1;
    while (j > 0 && room[j - 1] > v) room[j] = room[--j];
    room[j] = v;
  }
  return i + 1 < n ? room[i] + f * (room[i + 1] - room[i]) : room[i];
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
function normalQuantile(p: number): number {
  // Coverage is fixed per forecaster; the common case is tabled.
  if (p === 0.9) return 1.2815515655446004;
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
