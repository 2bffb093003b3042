import type { HoltWintersState } from "./holt_winters.ts";
import type { MetricForecasterState } from "./metric_forecaster.ts";
import { packNumbers, unpackNumbers } from "./packed_numbers.ts";
import type { PeriodDetectorState } from "./period_detector.ts";

/** Steps of past (level, trend) always kept in a snapshot: the short horizons' pending errors. */
export const SNAPSHOT_PAST_STEPS = 16;

/** The forecaster's layout a snapshot depends on. */
export interface ForecasterLayout {
  /** Length of the past (level, trend) ring: maxSteps + 1. */
  readonly ring: number;
  /** The checked horizons (steps), one per error window. */
  readonly horizons: readonly number[];
  /** Errors kept per horizon. */
  readonly errorWindow: number;
}

/** A Holt model's state in a snapshot (see {@link ForecasterSnapshot}). */
export interface PackedHoltState {
  readonly t: number;
  readonly best: number;
  readonly bestNear?: number;
  /** `f64` of level, trend, mse, mseAhead per candidate (mseAhead −1: not scored yet). */
  readonly fits: string;
  /** Forecasts pending for the ranking horizon: `q16`, `aheadSlots` per candidate. */
  readonly ahead: string;
  readonly aheadSlots: number;
  /** `q16` seasonal terms. */
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
 * {@link MetricForecasterState} in about a seventh of the JSON. Levels,
 * trends, the candidates' running errors and the cached interval bounds stay
 * exact (`f64` / JSON numbers); the seasonal terms, the candidates' pending
 * ranking forecasts, the h-step error windows and the period detector's
 * history are `q16` (error ≤ 1/131068 of each array's range: a ±5 seasonal
 * swing is off by < 1e-4, so the next forecast is the same to ~1e-5). Left
 * out: the period detector's 2 × maxPeriod full-resolution steps (refilled
 * after a restore; until then a coarse period within ±factor of the one in
 * use keeps it) and, once a horizon's error window is full, the (level,
 * trend) of steps further back than {@link SNAPSHOT_PAST_STEPS} that only it
 * needs (after a restore that window skips the errors of forecasts made
 * before the snapshot: it keeps its 64 errors, only less fresh for up to h
 * steps). A window still filling keeps its pending forecasts (`q16` but
 * for the latest {@link SNAPSHOT_PAST_STEPS}).
 */
export interface ForecasterSnapshot {
  readonly version: 2;
  readonly resampler: MetricForecasterState["resampler"];
  readonly model: PackedHoltState | null;
  readonly detector: PackedDetectorState | null;
  readonly period: number | null;
  readonly checksWithoutPeriod: number;
  readonly lastTs: number | null;
  /** Step index of the first past (level, trend) kept. */
  readonly pastFrom: number;
  /** `q16` levels and trends from `pastFrom` up to the latest {@link SNAPSHOT_PAST_STEPS} steps. */
  readonly olderLevels: string;
  readonly olderTrends: string;
  /** `f64` (level, trend) pairs of the latest (up to) {@link SNAPSHOT_PAST_STEPS} steps. */
  readonly past: string;
  /** `q16` rings of h-step errors of every checked horizon, one after the other. */
  readonly errors: string;
  /** Length of each horizon's ring in `errors`. */
  readonly errorSizes: readonly number[];
  readonly errorCounts: readonly number[];
  /** `f64` cached interval bounds, (count, low, high) per checked horizon (NaN: none). */
  readonly bounds: string;
}

/**
 * The compact snapshot of a forecaster's full state.
 *
 * @example
 * ```ts
 * import type { MetricForecasterState } from "./metric_forecaster.ts";
 * declare const state: MetricForecasterState;
 *
 * const layout = { ring: 241, horizons: [1, 2, 4, 8, 16, 32, 64, 128, 240], errorWindow: 64 };
 * const snapshot = packForecasterState(state, layout);
 * const again = unpackForecasterState(snapshot, layout.ring); // same state, near-exact
 * ```
 */
export function packForecasterState(
  state: MetricForecasterState,
  layout: ForecasterLayout,
): ForecasterSnapshot {
  const { ring, horizons, errorWindow } = layout;
  const t = state.model?.t ?? 0;
  let keep = SNAPSHOT_PAST_STEPS;
  horizons.forEach((h, i) => {
    if (state.errorCounts[i] < errorWindow) keep = Math.max(keep, h);
  });
  const pastFrom = Math.max(state.pastFrom ?? 0, t - Math.min(keep, ring));
  const exactFrom = Math.max(pastFrom, t - SNAPSHOT_PAST_STEPS);
  const olderLevels: number[] = [], olderTrends: number[] = [], past: number[] = [];
  for (let j = pastFrom; j < exactFrom; j++) {
    olderLevels.push(state.pastLevel[j % ring]);
    olderTrends.push(state.pastTrend[j % ring]);
  }
  for (let j = exactFrom; j < t; j++) {
    past.push(state.pastLevel[j % ring], state.pastTrend[j % ring]);
  }
  return {
    version: 2,
    resampler: structuredClone(state.resampler),
    model: state.model === null ? null : packHolt(state.model),
    detector: state.detector === null ? null : packDetector(state.detector),
    period: state.period,
    checksWithoutPeriod: state.checksWithoutPeriod,
    lastTs: state.lastTs,
    pastFrom,
    olderLevels: packNumbers(olderLevels, "q16"),
    olderTrends: packNumbers(olderTrends, "q16"),
    past: packNumbers(past, "f64"),
    errors: packNumbers(state.errors.flat(), "q16"),
    errorSizes: state.errors.map((e) => e.length),
    errorCounts: [...state.errorCounts],
    bounds: packNumbers(state.bounds.flatMap((b) => b ?? [NaN, NaN, NaN]), "f64"),
  };
}

/**
 * The full state of a {@link ForecasterSnapshot} (see there for what is
 * left out or rounded).
 *
 * @example
 * ```ts
 * import { MetricForecaster } from "./metric_forecaster.ts";
 * declare const snapshot: ForecasterSnapshot;
 *
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
  const levels = unpackNumbers(snapshot.olderLevels);
  const trends = unpackNumbers(snapshot.olderTrends);
  const past = unpackNumbers(snapshot.past);
  for (let i = 0; i < past.length; i += 2) {
    levels.push(past[i]);
    trends.push(past[i + 1]);
  }
  const pastLevel: number[] = [], pastTrend: number[] = [];
  for (let i = 0; i < levels.length; i++) {
    pastLevel[(snapshot.pastFrom + i) % ring] = levels[i];
    pastTrend[(snapshot.pastFrom + i) % ring] = trends[i];
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
    errors: errorRings(unpackNumbers(snapshot.errors), snapshot.errorSizes),
    errorCounts: [...snapshot.errorCounts],
    bounds: boundsOf(unpackNumbers(snapshot.bounds)),
  };
}

function boundsOf(flat: readonly number[]): Array<[number, number, number] | null> {
  const out: Array<[number, number, number] | null> = [];
  for (let i = 0; i < flat.length; i += 3) {
    out.push(Number.isNaN(flat[i]) ? null : [flat[i], flat[i + 1], flat[i + 2]]);
  }
  return out;
}

function errorRings(flat: readonly number[], sizes: readonly number[]): number[][] {
  let at = 0;
  return sizes.map((size) => flat.slice(at, at += size));
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
    ahead: packNumbers(ahead, "q16"),
    aheadSlots: slots,
    season: packNumbers(model.season, "q16"),
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
