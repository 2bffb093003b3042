import type { ForecastPath } from "./forecast_path.ts";
import type { ForecasterSnapshot } from "./forecaster_snapshot.ts";
import {
  type ForecasterOptions,
  MetricForecaster,
  type MetricForecasterState,
} from "./metric_forecaster.ts";

/** Options of a {@link ForecastFeed}. */
export interface ForecastFeedOptions {
  /** A fresh forecast at most this often (ms of the metric's own time axis). */
  readonly everyMs: number;
  /** Horizon of each forecast (ms). */
  readonly horizonMs: number;
  /** Points per forecast at most (the path is thinned to fit). */
  readonly maxPoints: number;
  readonly forecaster?: Partial<ForecasterOptions>;
}

/** A wait over this many times a metric's usual spacing is a pause (see {@link ForecastFeed.push}). */
const PAUSE_SPACINGS = 4;

/** No wait shorter than this is a pause, ms. */
const MIN_PAUSE_MS = 250;

/** A forecast every 5 s of data, 30 min ahead, at most 60 points. */
export const DEFAULT_FORECAST_FEED_OPTIONS: ForecastFeedOptions = {
  everyMs: 5_000,
  horizonMs: 30 * 60_000,
  maxPoints: 60,
};

/** A feed's whole state: plain JSON (the forecaster's compact snapshot, or a version 1 state). */
export interface ForecastFeedState {
  readonly forecaster: ForecasterSnapshot | MetricForecasterState;
  /** Sample time of the latest forecast handed out, or null. */
  readonly lastForecastTs: number | null;
  /** Origin (`ts`) of the latest forecast handed out, or null: a path is not handed out twice. */
  readonly lastPathTs?: number | null;
  /** Time of the latest sample, or null; absent in older states (the next sample counts as after a gap). */
  readonly lastSampleTs?: number | null;
}

/**
 * One metric's forecaster with its refresh cadence: every sample updates
 * the model (O(1) amortised), and a forecast path (O(maxPoints)) is made
 * only when `everyMs` of sample time passed since the last and a new step
 * has completed since (so at most once per max(everyMs, step)). The machine
 * actor and the rule backtest both run it, so a backtest sees the forecasts
 * the live engine would have had at the same samples.
 *
 * @example
 * ```ts
 * const feed = new ForecastFeed();
 * const path = feed.push(Date.now(), 71.5); // a ForecastPath every 5 s, else null
 * ```
 */
export class ForecastFeed {
  readonly #options: ForecastFeedOptions;
  readonly #forecaster: MetricForecaster;
  #lastForecastTs: number | null;
  #lastPathTs: number | null;
  /** The latest sample's time, or null. */
  #lastSampleTs: number | null;
  /**
   * The latest step from which no path could be made (the model's first
   * steps): not asked again until the next step. Every sample asked before,
   * for the first ~60 s of every metric (an engine start).
   */
  #noPathTs: number | null = null;
  /** Time between the latest two samples (undefined before two, and after a restore). */
  #spacing: number | undefined;
  /** The forecast due was put off by a pause, and is not put off again. */
  #putOff = false;

  constructor(options: Partial<ForecastFeedOptions> = {}, state?: ForecastFeedState) {
    const o = { ...DEFAULT_FORECAST_FEED_OPTIONS, ...options };
    if (!(o.everyMs >= 0) || !(o.maxPoints >= 1)) {
      throw new RangeError(
        `Cannot feed forecasts: 'everyMs' must be ≥ 0 and 'maxPoints' ≥ 1: current values are ${o.everyMs} and ${o.maxPoints}`,
      );
    }
    this.#options = o;
    this.#forecaster = new MetricForecaster(
      { horizonMs: o.horizonMs, ...o.forecaster },
      state?.forecaster,
    );
    this.#lastForecastTs = state?.lastForecastTs ?? null;
    this.#lastPathTs = state?.lastPathTs ?? null;
    this.#lastSampleTs = state?.lastSampleTs ?? null;
  }

  /** The model underneath (step, period, parameters). */
  get forecaster(): MetricForecaster {
    return this.#forecaster;
  }

  /** Reads the state {@link push} starts with (see `MetricDetector.warm`). */
  warm(): number {
    return this.#forecaster.warm();
  }

  /**
   * Feeds one sample; returns a fresh forecast when one is due, else null.
   * The first sample, and the first after a pause (a wait over 4 times the
   * metric's usual spacing and over 250 ms), makes none: the next forecast
   * is due `(1 − phase) · everyMs` later, the metric's own point in the
   * period (`forecaster.phase`). A fleet whose data stopped together (an
   * engine start, a broker outage, a second's lull) would otherwise make all
   * its forecasts due meanwhile on the same message: 4,000 metrics' took
   * ~130 ms. (Over 8 spacings, a lull of 1.3 s among metrics sampled every
   * 200 ms was no pause, and the quarter of them due meanwhile forecast on
   * their first sample after it, all in the same few turns.) A forecast is
   * put off once at most, so a metric published in bursts still gets one
   * every `everyMs`, and one sampled less often than `everyMs` gets one
   * each sample (it got none when any wait over `everyMs` counted as a
   * pause).
   */
  push(ts: number, value: number): ForecastPath | null {
    this.#forecaster.push(ts, value);
    const previous = this.#lastSampleTs;
    if (previous !== null && ts <= previous) return null;
    this.#lastSampleTs = ts;
    const spacing = previous === null ? Infinity : ts - previous;
    const usual = this.#spacing;
    this.#spacing = spacing;
    const every = this.#options.everyMs;
    // A pause: the first sample, or a wait much longer than the metric's usual spacing (longer
    // than `everyMs` while that is unknown). The forecast due is put off once, to the metric's
    // phase; a metric that pauses often (a device publishing in bursts) is not put off again.
    const pause = usual === undefined
      ? spacing > every
      : spacing > Math.max(PAUSE_SPACINGS * usual, MIN_PAUSE_MS);
    if (every > 0 && pause && !this.#putOff) {
      this.#lastForecastTs = ts - (this.#options.forecaster?.phase ?? 0) * every;
      this.#putOff = true;
      return null;
    }
    if (this.#lastForecastTs !== null && ts - this.#lastForecastTs < every) {
      return null;
    }
    // Until a new step completes the path would be the same one again, or none again.
    const stepTs = this.#forecaster.lastStepTs;
    if (stepTs === this.#lastPathTs || stepTs === this.#noPathTs) return null;
    const path = this.#forecaster.forecast(this.#options.horizonMs, this.#options.maxPoints);
    if (path === null) {
      this.#noPathTs = stepTs;
      return null;
    }
    this.#lastForecastTs = ts;
    this.#lastPathTs = path.ts;
    this.#putOff = false;
    return path;
  }

  /** The forecast now, whatever the cadence (for the API). */
  current(horizonMs = this.#options.horizonMs, maxPoints = this.#options.maxPoints) {
    return this.#forecaster.forecast(horizonMs, maxPoints);
  }

  /** The state for a snapshot: plain JSON. */
  toJSON(): ForecastFeedState {
    return {
      forecaster: this.#forecaster.toJSON(),
      lastForecastTs: this.#lastForecastTs,
      lastPathTs: this.#lastPathTs,
      lastSampleTs: this.#lastSampleTs,
    };
  }
}
