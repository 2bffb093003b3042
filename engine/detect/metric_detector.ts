import { CusumDetector, type CusumState } from "./cusum.ts";
import type { DetectorName, StreamingDetector } from "./detector.ts";
import { EwmaDetector, type EwmaState } from "./ewma.ts";
import { FlatlineDetector, type FlatlineState } from "./flatline.ts";
import { ContextualDetector, type ContextualOptions, type ContextualState } from "./contextual.ts";
import { AnomalyLikelihood, type LikelihoodOptions, type LikelihoodState } from "./likelihood.ts";
import { RobustMadDetector, type RobustMadState } from "./robust_mad.ts";
import { RollingSigmaDetector, type RollingSigmaState } from "./rolling_sigma.ts";
import { SeasonalDetector, type SeasonalOptions, type SeasonalState } from "./seasonal.ts";

/** Tunables of a {@link MetricDetector}: ONE set for every metric (and for NAB). */
export interface MetricDetectorOptions {
  readonly sigma: { readonly window: number; readonly k: number };
  readonly mad: { readonly window: number; readonly k: number };
  readonly ewma: { readonly alpha: number; readonly k: number };
  readonly cusum: { readonly alpha: number; readonly drift: number; readonly h: number };
  readonly flatline: { readonly minRun: number };
  readonly seasonal: SeasonalOptions;
  readonly likelihood: LikelihoodOptions;
  /** Contextual novelty (never-seen transitions of quantised values); see {@link ContextualDetector}. */
  readonly context: ContextualOptions;
  /** The score is at least `contextWeight` × the contextual novelty (0 = off). */
  readonly contextWeight: number;
  /** A point is flagged when its (sensitivity-scaled) score reaches this. */
  readonly flagThreshold: number;
  /** Points after a flag during which the score is lowered (one incident, one flag). */
  readonly refractory: number;
  /** How much the score is lowered during the refractory points (1 = silenced). */
  readonly refractoryPenalty: number;
  /**
   * Detectors whose raw score feeds the score. The others (MAD, EWMA, CUSUM)
   * run for explanations only: on NAB, feeding them in lowered the score.
   * `seasonal` needs timestamps; without them it says nothing.
   */
  readonly scored: readonly DetectorName[];
  /**
   * Weight of the squashed raw score raw / (raw + 1) against the likelihood in
   * the final score (0 = likelihood only).
   */
  readonly blend: number;
  /** Each flag raises the metric's fatigue by this much; the score is lowered by the fatigue. */
  readonly fatigueStep: number;
  /** Points for the fatigue to halve: a metric that keeps flagging gets less sensitive for a while. */
  readonly fatigueHalfLife: number;
  /**
   * A value within this fraction of the rolling mean's magnitude is never
   * anomalous to the deviation detectors nor the contextual novelty (flatline
   * still judges it): it removes flags on the quantisation steps of smooth,
   * finely-resolved signals (e.g. a pH of 6.80 read as 6.84). 0 or absent = off.
   */
  readonly minRelDeviation?: number;
}

/**
 * The one parameter set used by the actors, `deno task detect` and `deno task
 * nab` (chosen by measuring on the NAB corpus; see BENCHMARKS.md).
 */
export const DEFAULT_METRIC_DETECTOR_OPTIONS: MetricDetectorOptions = {
  sigma: { window: 300, k: 3 },
  mad: { window: 32, k: 4 },
  ewma: { alpha: 0.05, k: 4 },
  cusum: { alpha: 0.01, drift: 0.5, h: 8 },
  flatline: { minRun: 30 },
  seasonal: {
    binsPerDay: 48,
    weekend: false,
    memoryMs: 120 * 60_000,
    k: 3,
    minCoverageMs: 60 * 60_000,
    winsorize: 0,
  },
  likelihood: { shortWindow: 1, longWindow: 250, warmup: 30, decades: 4 },
  context: { grids: [5, 6, 7], order: 2, rest: 70, restLevel: 0.75, warmup: 50 },
  contextWeight: 1,
  flagThreshold: 0.75,
  refractory: 60,
  refractoryPenalty: 0.2,
  blend: 0.5,
  fatigueStep: 0.08,
  fatigueHalfLife: 1000,
  scored: ["sigma", "seasonal", "flatline"],
  minRelDeviation: 0.01,
};

/** Points the contextual detector learns silently after a restore from a snapshot without it. */
const LEGACY_CONTEXT_WARMUP = 2_000;

/** Bounds of the per-metric sensitivity factor (1 = default, > 1 = less sensitive). */
export const SENSITIVITY_BOUNDS = { min: 0.5, max: 3 } as const;

/** One point's verdict with its explanation. */
export interface DetectionResult {
  /** Calibrated anomaly score in [0, 1] (after the sensitivity factor). */
  readonly score: number;
  readonly flagged: boolean;
  /**
   * Not flagged, but within the refractory period of a flag and still beyond
   * a scored detector's alarm level: the same incident goes on.
   */
  readonly continuing: boolean;
  /** The detector with the largest raw score on this point. */
  readonly detector: DetectorName;
  /** That detector's raw score (1 = its own alarm level). */
  readonly raw: number;
  /** The band that detector expected the value in. */
  readonly expected: { readonly low: number; readonly high: number };
}

/** JSON snapshot of a {@link MetricDetector}. */
export interface MetricDetectorState {
  readonly version: 1;
  readonly sigma: RollingSigmaState;
  readonly mad: RobustMadState;
  readonly ewma: EwmaState;
  readonly cusum: CusumState;
  readonly flatline: FlatlineState;
  readonly seasonal?: SeasonalState;
  readonly likelihood: LikelihoodState;
  readonly context?: ContextualState;
  readonly sensitivity: number;
  readonly quiet: number;
  readonly fatigue?: number;
  /** Points left of a {@link MetricDetector.settle} grace period (absent = 0). */
  readonly grace?: number;
  /** A flatline that began during a grace period is expected until the value moves (absent = false). */
  readonly flatExempt?: boolean;
  /** The operating mode `sigma` belongs to (absent: none seen yet). */
  readonly mode?: string;
  /** The rolling-σ baselines of the other modes seen (absent = none). */
  readonly parked?: Record<string, RollingSigmaState>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Operating modes whose rolling-σ baseline a metric keeps besides the current one. */
const MAX_PARKED_MODES = 3;

/**
 * The per-metric detection stack: rolling σ, time-of-day context (seasonal),
 * flatline, robust median/MAD, EWMA and CUSUM (level and variance). The
 * largest raw score of the scored detectors becomes one score in [0, 1]: a
 * blend of the squashed raw score and the anomaly likelihood (how rare that
 * raw score is in the metric's own recent history), divided by the metric's
 * sensitivity factor. After a flag the score is lowered for `refractory`
 * points (one incident, one flag), and each flag adds a decaying fatigue (a
 * metric that keeps flagging grows less sensitive). Last, the score is raised
 * to the contextual novelty (a never-seen transition between quantised
 * levels, see {@link ContextualDetector}; it rests on its own after an alarm).
 * The explanation names the detector with the largest raw score and its
 * expected band. A value within `minRelDeviation` of the rolling mean is
 * judged by the flatline only; during a {@link MetricDetector.settle} grace
 * period (an operating-mode change) nothing is flagged.
 *
 * O(1) amortised per point (MAD: O(w) at worst with w = 32); snapshot/restore
 * gives bit-identical next scores (no cold start); the snapshot is ≈ 5–6 KB of
 * JSON (windows packed as base64, see `packed.ts`).
 *
 * @example
 * ```ts
 * const d = new MetricDetector();
 * const r = d.update(21.4, Date.now());
 * r.score; // 0 during warm-up
 * const copy = MetricDetector.restore(JSON.parse(JSON.stringify(d.snapshot())));
 * ```
 */
export class MetricDetector {
  readonly #o: MetricDetectorOptions;
  #sigma: RollingSigmaDetector;
  #mode: string | undefined;
  readonly #parked = new Map<string, RollingSigmaDetector>();
  readonly #mad: RobustMadDetector;
  readonly #ewma: EwmaDetector;
  readonly #cusum: CusumDetector;
  readonly #flatline: FlatlineDetector;
  readonly #seasonal: SeasonalDetector;
  readonly #likelihood: AnomalyLikelihood;
  readonly #context: ContextualDetector;
  readonly #all: readonly StreamingDetector[];
  readonly #scoredMask: readonly boolean[];
  /** Each detector's raw score, then a slot the warming loads are summed into. */
  readonly #raws = new Float64Array(7);
  /** What {@link judge} returns, refilled each time (doubles from the start: no field changes kind). */
  readonly #result: Mutable<DetectionResult> & { expected: { low: number; high: number } } = {
    score: 0.5,
    flagged: false,
    continuing: false,
    detector: "sigma",
    raw: 0.5,
    expected: { low: -Infinity, high: Infinity },
  };
  readonly #seasonalOn: boolean;
  #sensitivity = 1;
  #quiet = 0;
  #fatigue = 0;
  #grace = 0;
  #flatExempt = false;
  readonly #fatigueDecay: number;

  constructor(
    options: MetricDetectorOptions = DEFAULT_METRIC_DETECTOR_OPTIONS,
    state?: MetricDetectorState,
  ) {
    this.#o = options;
    this.#sigma = new RollingSigmaDetector(options.sigma, state?.sigma);
    this.#mad = new RobustMadDetector(options.mad, state?.mad);
    this.#ewma = new EwmaDetector(options.ewma, state?.ewma);
    this.#cusum = new CusumDetector(options.cusum, state?.cusum);
    this.#flatline = new FlatlineDetector(options.flatline, state?.flatline);
    this.#seasonal = new SeasonalDetector(options.seasonal, state?.seasonal);
    this.#likelihood = new AnomalyLikelihood(options.likelihood, state?.likelihood);
    // A snapshot from before the contextual detector: let it learn silently for a
    // while, or every transition would be news right after the upgrade.
    this.#context = state && !state.context
      ? new ContextualDetector({ ...options.context, warmup: LEGACY_CONTEXT_WARMUP })
      : new ContextualDetector(options.context, state?.context);
    this.#all = [
      this.#sigma,
      this.#mad,
      this.#ewma,
      this.#cusum,
      this.#flatline,
      this.#seasonal,
    ];
    this.#scoredMask = this.#all.map((d) => options.scored.includes(d.name));
    this.#seasonalOn = options.scored.includes("seasonal");
    this.#fatigueDecay = Math.pow(0.5, 1 / options.fatigueHalfLife);
    if (state) {
      this.#sensitivity = state.sensitivity;
      this.#quiet = state.quiet;
      this.#fatigue = state.fatigue ?? 0;
      this.#grace = state.grace ?? 0;
      this.#flatExempt = state.flatExempt ?? false;
      this.#mode = state.mode;
      for (const [mode, sigma] of Object.entries(state.parked ?? {})) {
        this.#parked.set(mode, new RollingSigmaDetector(options.sigma, sigma));
      }
    }
  }

  /** A detector restored from {@link snapshot}'s output. */
  static restore(
    state: MetricDetectorState,
    options: MetricDetectorOptions = DEFAULT_METRIC_DETECTOR_OPTIONS,
  ): MetricDetector {
    if (state?.version !== 1) {
      throw new TypeError(
        `Cannot restore metric detector: unknown state version ${state?.version}`,
      );
    }
    return new MetricDetector(options, state);
  }

  get sensitivity(): number {
    return this.#sensitivity;
  }

  /** Sets the sensitivity factor, clamped to {@link SENSITIVITY_BOUNDS}. */
  set sensitivity(value: number) {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `Cannot set sensitivity: must be a finite number: current value is ${value}`,
      );
    }
    this.#sensitivity = Math.min(SENSITIVITY_BOUNDS.max, Math.max(SENSITIVITY_BOUNDS.min, value));
  }

  /** Points left of the current grace period (0 = judging normally). */
  get grace(): number {
    return this.#grace;
  }

  /**
   * Starts a grace period of `points` values (or extends the one under way):
   * the detectors keep learning, but no value is flagged, because the metric is
   * expected to step to a new level (e.g. its machine stopped or started). A
   * flatline that begins during the grace period (a stopped machine's constant
   * reading) is not scored until the value moves again.
   *
   * @example
   * ```ts
   * const d = new MetricDetector();
   * d.settle(60); // the machine just stopped
   * d.update(0).flagged; // false
   * ```
   */
  settle(points: number): void {
    if (!Number.isInteger(points) || points < 0) {
      throw new RangeError(
        `Cannot settle metric detector: points must be a non-negative integer: current value is ${points}`,
      );
    }
    if (points > this.#grace) this.#grace = points;
  }

  /** The operating mode the rolling-σ baseline belongs to; undefined before the first change. */
  get mode(): string | undefined {
    return this.#mode;
  }

  /**
   * The machine entered operating mode `mode` (e.g. `running=0`) from
   * `previous`: the rolling-σ baseline of `previous` is kept aside and the
   * one of `mode` taken up, as it was when the machine last left that mode
   * (fresh the first time). A window mixing a running and a stopped
   * machine's values has a σ so wide that a real fault fits inside it for
   * the whole window; each mode's own baseline does not. At most
   * {@link MAX_PARKED_MODES} other modes are kept (the least recent goes).
   *
   * @example
   * ```ts
   * const d = new MetricDetector();
   * d.enterMode("running=0", "running=1"); // the machine stopped
   * d.enterMode("running=1", "running=0"); // back to the running baseline
   * ```
   */
  enterMode(mode: string, previous: string): void {
    const current = this.#mode ?? previous;
    if (mode === current) return;
    this.#parked.delete(current);
    this.#parked.set(current, this.#sigma);
    this.#sigma = this.#parked.get(mode) ?? new RollingSigmaDetector(this.#o.sigma);
    this.#parked.delete(mode);
    this.#mode = mode;
    while (this.#parked.size > MAX_PARKED_MODES) {
      this.#parked.delete(this.#parked.keys().next().value!);
    }
  }

  /**
   * Reads the state each detector's update starts with, and returns a sum
   * of it that means nothing. With 1,000 machines' state, each detector's is
   * a cache miss, reached through a chain of dependent loads (detector,
   * array, its elements); started together here, the chains overlap, where
   * the updates one after another would wait a memory round trip each
   * (`bench/cold_state_bench.ts`: ~15 % of a cold update).
   */
  warm(): number {
    return this.#sigma.warm() + this.#mad.warm() + this.#ewma.warm() + this.#cusum.warm() +
      this.#flatline.warm() + this.#seasonal.warm() + this.#likelihood.warm() +
      this.#context.warm();
  }

  /**
   * Judges `value` (at `ts`, epoch ms, for the time-of-day context) against
   * the metric's history, then learns it.
   *
   * With `explainAll` false the explanation (`detector`, `raw`, `expected`)
   * is exact for flagged points only: the robust MAD detector, which feeds
   * no score, is then scored just for them (its median and MAD are the
   * costliest part of an update). The score and the flag are the same
   * either way. The machine actor reads explanations of flags alone.
   */
  update(value: number, ts = NaN, explainAll = true): DetectionResult {
    const r = this.judge(value, ts, explainAll);
    return { ...r, expected: { low: r.expected.low, high: r.expected.high } };
  }

  /**
   * {@link update} for a caller that reads the verdict at once: the result
   * (and its `expected`) is this detector's own object, overwritten by its
   * next `judge`, so a point allocates nothing (the machine actor judges
   * every value of every metric: ~0.7 KB less garbage a message).
   */
  judge(value: number, ts = NaN, explainAll = true): DetectionResult {
    // Each detector is called at its own call site (monomorphic, so V8 inlines them).
    const mask = this.#scoredMask;
    const raws = this.#raws;
    raws[6] = this.warm();
    raws[0] = this.#sigma.update(value);
    raws[1] = explainAll ? this.#mad.update(value) : 0;
    raws[2] = this.#ewma.update(value);
    raws[3] = this.#cusum.update(value);
    raws[4] = this.#flatline.update(value);
    raws[5] = this.#seasonalOn ? this.#seasonal.update(value, ts) : 0;
    if (this.#grace > 0) this.#flatExempt = true;
    if (this.#flatExempt) {
      // A run that began in a grace period ends when the value moves (flatline score back to 0).
      if (raws[4] === 0 && this.#grace === 0) this.#flatExempt = false;
      else raws[4] = 0;
    }
    let bestAt = 0;
    let fed = 0;
    for (let i = 0; i < 6; i++) {
      const raw = raws[i];
      if (raw > raws[bestAt]) bestAt = i;
      if (mask[i] && raw > fed) fed = raw;
    }
    const minRel = this.#o.minRelDeviation ?? 0;
    let inBand = false;
    if (minRel > 0) {
      const mid = (this.#sigma.expectedLow + this.#sigma.expectedHigh) / 2;
      if (Number.isFinite(mid) && Math.abs(value - mid) <= minRel * Math.abs(mid)) {
        inBand = true;
        raws[0] =
          raws[1] =
          raws[2] =
          raws[3] =
          raws[5] =
            0;
        if (raws[4] === 0) bestAt = 0;
        else bestAt = 4;
        fed = mask[4] ? raws[4] : 0;
      }
    }
    if (this.#grace > 0) {
      if (!explainAll) this.#mad.skip(value);
      return this.#settling(value, bestAt);
    }
    const calibrated = this.#likelihood.update(fed);
    const direct = fed / (fed + 1);
    let score = this.#o.blend * direct + (1 - this.#o.blend) * calibrated;
    let novelty = this.#o.contextWeight > 0
      ? this.#o.contextWeight * this.#context.update(value) / this.#sensitivity
      : 0;
    if (inBand) novelty = 0;
    score /= this.#sensitivity;
    if (score > 1) score = 1;
    const inRefractory = this.#quiet > 0;
    if (inRefractory) {
      this.#quiet--;
      score = Math.max(0, score - this.#o.refractoryPenalty);
    }
    if (this.#fatigue > 1e-6) {
      score = Math.max(0, score - this.#fatigue);
      this.#fatigue *= this.#fatigueDecay;
    }
    // Only the stack's own flags start a refractory period and add fatigue: the
    // contextual detector rests on its own (feeding it into both lowered NAB).
    const stackFlag = score >= this.#o.flagThreshold;
    if (novelty > score) score = novelty > 1 ? 1 : novelty;
    const flagged = score >= this.#o.flagThreshold;
    if (stackFlag) {
      this.#quiet = this.#o.refractory;
      this.#fatigue += this.#o.fatigueStep;
    }
    if (!explainAll) {
      if (flagged && !inBand) {
        // As in the loop above: the first of equal raw scores is the best.
        raws[1] = this.#mad.score(value);
        if (raws[1] > raws[bestAt] || (raws[1] === raws[bestAt] && bestAt > 1)) bestAt = 1;
      }
      this.#mad.skip(value);
    }
    return this.#verdict(score, flagged, !flagged && inRefractory && fed >= 1, bestAt);
  }

  /**
   * One point of a grace period: the contextual detector learns the new
   * transitions, the likelihood keeps its history (the expected step is not
   * evidence of how rare large scores are), nothing is flagged.
   */
  #settling(value: number, bestAt: number): DetectionResult {
    this.#grace--;
    if (this.#o.contextWeight > 0) this.#context.update(value);
    if (this.#quiet > 0) this.#quiet--;
    if (this.#fatigue > 1e-6) this.#fatigue *= this.#fatigueDecay;
    return this.#verdict(0, false, false, bestAt);
  }

  /** Fills this detector's result object; detector `at` of {@link judge}'s list explains it. */
  #verdict(score: number, flagged: boolean, continuing: boolean, at: number): DetectionResult {
    const r = this.#result;
    r.score = score;
    r.flagged = flagged;
    r.continuing = continuing;
    r.detector = this.#all[at].name;
    r.raw = this.#raws[at];
    // One monomorphic read per detector.
    const band = r.expected;
    switch (at) {
      case 0:
        band.low = this.#sigma.expectedLow;
        band.high = this.#sigma.expectedHigh;
        break;
      case 1:
        band.low = this.#mad.expectedLow;
        band.high = this.#mad.expectedHigh;
        break;
      case 2:
        band.low = this.#ewma.expectedLow;
        band.high = this.#ewma.expectedHigh;
        break;
      case 3:
        band.low = this.#cusum.expectedLow;
        band.high = this.#cusum.expectedHigh;
        break;
      case 4:
        band.low = this.#flatline.expectedLow;
        band.high = this.#flatline.expectedHigh;
        break;
      default:
        band.low = this.#seasonal.expectedLow;
        band.high = this.#seasonal.expectedHigh;
    }
    return r;
  }

  snapshot(): MetricDetectorState {
    return {
      version: 1,
      sigma: this.#sigma.snapshot(),
      mad: this.#mad.snapshot(),
      ewma: this.#ewma.snapshot(),
      cusum: this.#cusum.snapshot(),
      flatline: this.#flatline.snapshot(),
      seasonal: this.#seasonal.snapshot(),
      likelihood: this.#likelihood.snapshot(),
      context: this.#context.snapshot(),
      sensitivity: this.#sensitivity,
      quiet: this.#quiet,
      fatigue: this.#fatigue,
      grace: this.#grace,
      flatExempt: this.#flatExempt,
      ...(this.#mode === undefined ? {} : { mode: this.#mode }),
      ...(this.#parked.size === 0 ? {} : {
        parked: Object.fromEntries([...this.#parked].map(([mode, d]) => [mode, d.snapshot()])),
      }),
    };
  }
}
