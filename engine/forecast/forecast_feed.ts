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
  }

  /** The model underneath (step, period, parameters). */
  get forecaster(): MetricForecaster {
    return this.#forecaster;
  }

  /** Feeds one sample; returns a fresh forecast when one is due, else null. */
  /** Reads the state {@link push} starts with (see `MetricDetector.warm`). */
  warm(): number {
    return this.#forecaster.warm();
  }

  push(ts: number, value: number): ForecastPath | null {
    this.#forecaster.push(ts, value);
    if (this.#lastForecastTs !== null && ts - this.#lastForecastTs < this.#options.everyMs) {
      return null;
    }
    // Until a new step completes the path would be the same one again.
    if (this.#forecaster.lastStepTs === this.#lastPathTs) return null;
    const path = this.#forecaster.forecast(this.#options.horizonMs, this.#options.maxPoints);
    if (path === null) return null;
    this.#lastForecastTs = ts;
    this.#lastPathTs = path.ts;
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
    };
  }
}
