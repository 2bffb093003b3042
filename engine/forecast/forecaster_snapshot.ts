import type { HoltWintersState } from "./holt_winters.ts";
import type { MetricForecasterState } from "./metric_forecaster.ts";
import { packNumbers, unpackNumbers } from "./packed_numbers.ts";
import type { PeriodDetectorState } from "./period_detector.ts";

/** Steps of past (level, trend) kept in a snapshot: the short horizons' pending errors. */
export const SNAPSHOT_PAST_STEPS = 16;

/** A Holt model's state in a snapshot (see {@link ForecasterSnapshot}). */
export interface PackedHoltState {
  readonly t: number;
  readonly best: number;
  readonly bestNear?: number;
  /** `f64` of level, trend, mse, mseAhead per candidate (mseAhead −1: not scored yet). */
  readonly fits: string;
  /** Forecasts pending for the ranking horizon: `f32`, `aheadSlots` per candidate. */
  readonly ahead: string;
  readonly aheadSlots: number;
  /** `f32` seasonal terms. */
  readonly season: string;
}

/** A period detector's state in a snapshot, without its full-resolution recent steps. */
export interface PackedDetectorState {
  /** `q16` downsampled history. */
  readonly values: string;
  readonly factor: number;
  readonly start: number;
  readonly sum: number;
  readonly count: number;
  readonly sinceCheck: number;
}

/**
 * A forecaster's snapshot (version 2): the same state as
 * {@link MetricForecasterState} in about a tenth of the JSON. Numbers that
 * set the next forecast stay exact (`f64`: levels, trends, errors' running
 * means, cached interval bounds); seasonal terms and pending ranking
 * forecasts are `f32`; the h-step error windows and the period detector's
 * history are `q16` (they only feed quantiles and autocorrelations). Left
 * out: the period detector's 2 × maxPeriod full-resolution steps (refilled
 * after a restore; until then a coarse period within ±factor of the one in
 * use keeps it) and the (level, trend) of steps more than
 * {@link SNAPSHOT_PAST_STEPS} back (the longer horizons' error windows skip
 * the errors of forecasts made before the snapshot).
 */
export interface ForecasterSnapshot {
  readonly version: 2;
  readonly resampler: MetricForecasterState["resampler"];
  readonly model: PackedHoltState | null;
  readonly detector: PackedDetectorState | null;
  readonly period: number | null;
  readonly checksWithoutPeriod: number;
  readonly lastTs: number | null;
  /** Step index of the first (level, trend) pair in `past`. */
  readonly pastFrom: number;
  /** `f64` (level, trend) pairs of the latest steps. */
  readonly past: string;
  /** `q16` ring of h-step errors per checked horizon. */
  readonly errors: readonly string[];
  readonly errorCounts: readonly number[];
  readonly bounds: ReadonlyArray<readonly [number, number, number] | null>;
}

/**
 * The compact snapshot of a forecaster's full state; `ring` is the length of
 * its past (level, trend) ring (maxSteps + 1).
 *
 * @example
 * ```ts
 * const snapshot = packForecasterState(state, 241);
 * const again = unpackForecasterState(snapshot, 241); // same state, near-exact
 * ```
 */
export function packForecasterState(state: MetricForecasterState, ring: number): ForecasterSnapshot {
  const t = state.model?.t ?? 0;
  const pastFrom = Math.max(state.pastFrom ?? 0, t - Math.min(SNAPSHOT_PAST_STEPS, ring));
  const past: number[] = [];
  for (let j = pastFrom; j < t; j++) past.push(state.pastLevel[j % ring], state.pastTrend[j % ring]);
  return {
    version: 2,
    resampler: structuredClone(state.resampler),
    model: state.model === null ? null : packHolt(state.model),
    detector: state.detector === null ? null : packDetector(state.detector),
    period: state.period,
    checksWithoutPeriod: state.checksWithoutPeriod,
    lastTs: state.lastTs,
    pastFrom,
    past: packNumbers(past, "f64"),
    errors: state.errors.map((e) => packNumbers(e, "q16")),
    errorCounts: [...state.errorCounts],
    bounds: state.bounds.map((b) => b === null ? null : [b[0], b[1], b[2]] as const),
  };
}

/**
 * The full state of a {@link ForecasterSnapshot} (see there for what is
 * left out or rounded).
 *
 * @example
 * ```ts
 * new MetricForecaster({}, unpackForecasterState(snapshot, 241));
 * ```
 */
export function unpackForecasterState(
  snapshot: ForecasterSnapshot,
  ring: number,
): MetricForecasterState {
  if (snapshot.version !== 2) {
    throw new TypeError(
      `Cannot restore a forecaster: snapshot version ${snapshot.version} is not 2`,
    );
  }
  const past = unpackNumbers(snapshot.past);
  const pastLevel: number[] = [], pastTrend: number[] = [];
  for (let i = 0; 2 * i < past.length; i++) {
    pastLevel[(snapshot.pastFrom + i) % ring] = past[2 * i];
    pastTrend[(snapshot.pastFrom + i) % ring] = past[2 * i + 1];
  }
  return {
    version: 1,
    resampler: structuredClone(snapshot.resampler),
    model: snapshot.model === null ? null : unpackHolt(snapshot.model),
    detector: snapshot.detector === null ? null : unpackDetector(snapshot.detector),
    period: snapshot.period,
    checksWithoutPeriod: snapshot.checksWithoutPeriod,
    lastTs: snapshot.lastTs,
    pastFrom: snapshot.pastFrom,
    pastLevel,
    pastTrend,
    errors: snapshot.errors.map(unpackNumbers),
    errorCounts: [...snapshot.errorCounts],
    bounds: snapshot.bounds.map((b) => b === null ? null : [b[0], b[1], b[2]]),
  };
}

function packHolt(model: HoltWintersState): PackedHoltState {
  const fits: number[] = [], ahead: number[] = [];
  const slots = Math.max(0, ...model.candidates.map((c) => c.ahead?.length ?? 0));
  for (const c of model.candidates) {
    fits.push(c.level, c.trend, c.mse, c.mseAhead ?? -1);
    for (let i = 0; i < slots; i++) ahead.push(c.ahead?.[i] ?? NaN);
  }
  return {
    t: model.t,
    best: model.best,
    ...(model.bestNear === undefined ? {} : { bestNear: model.bestNear }),
    fits: packNumbers(fits, "f64"),
    ahead: packNumbers(ahead, "f32"),
    aheadSlots: slots,
    season: packNumbers(model.season, "f32"),
  };
}

function unpackHolt(packed: PackedHoltState): HoltWintersState {
  const fits = unpackNumbers(packed.fits), ahead = unpackNumbers(packed.ahead);
  const candidates = [];
  for (let i = 0; 4 * i < fits.length; i++) {
    const [level, trend, mse, mseAhead] = fits.slice(4 * i, 4 * i + 4);
    const pending: number[] = [];
    for (let k = 0; k < packed.aheadSlots; k++) {
      const v = ahead[i * packed.aheadSlots + k];
      if (!Number.isNaN(v)) pending[k] = v;
    }
    candidates.push({
      level,
      trend,
      mse,
      ...(mseAhead < 0 ? {} : { mseAhead, ahead: pending }),
    });
  }
  return {
    t: packed.t,
    candidates,
    best: packed.best,
    ...(packed.bestNear === undefined ? {} : { bestNear: packed.bestNear }),
    season: unpackNumbers(packed.season),
  };
}

function packDetector(detector: PeriodDetectorState): PackedDetectorState {
  return {
    values: packNumbers(detector.values, "q16"),
    factor: detector.factor,
    start: detector.start,
    sum: detector.sum,
    count: detector.count,
    sinceCheck: detector.sinceCheck,
  };
}

function unpackDetector(packed: PackedDetectorState): PeriodDetectorState {
  return {
    values: unpackNumbers(packed.values),
    factor: packed.factor,
    start: packed.start,
    sum: packed.sum,
    count: packed.count,
    sinceCheck: packed.sinceCheck,
    recent: [],
    recentCount: 0,
  };
}
