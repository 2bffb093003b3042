/**
 * The feature window of an event: a machine's metrics read from the store
 * around a moment, each reduced to a fixed vector of statistics. Labels keep
 * it; classifiers train and predict on it.
 *
 * @module
 */
import type { TimeSeriesStore } from "../store/time_series_store.ts";
import type { MachineRef } from "../telemetry.ts";

/**
 * The statistics computed per metric, in vector order:
 * - `count`: points in the window;
 * - `mean`, `std` (population), `min`, `max`;
 * - `slope`: least-squares slope in units per minute;
 * - `last_minus_mean`: the newest value minus the mean;
 * - `last_z`: `last_minus_mean / std` (0 when std is 0);
 * - `kurtosis`: excess kurtosis (0 for fewer than 4 points or std 0);
 * - `skewness` (0 for fewer than 3 points or std 0);
 * - `flat_fraction`: share of consecutive pairs with equal values (a stuck sensor → 1);
 * - `diff_std`: std of the first differences (noise level, trend-free);
 * - `longest_flat`: the longest run of one repeated value, as a share of the points
 *   (a sensor stuck for the last minutes stands out even where coarse rounding
 *   makes equal neighbours common).
 */
export const FEATURE_NAMES = [
  "count",
  "mean",
  "std",
  "min",
  "max",
  "slope",
  "last_minus_mean",
  "last_z",
  "kurtosis",
  "skewness",
  "flat_fraction",
  "diff_std",
  "longest_flat",
] as const;

/** One of {@link FEATURE_NAMES}. */
export type FeatureName = typeof FEATURE_NAMES[number];

/** How far around the event the window reaches, in ms. */
export interface WindowSpan {
  /** Reach before the event (default 10 min). */
  readonly beforeMs: number;
  /** Reach after the event (default 2 min). */
  readonly afterMs: number;
}

/** −10 min … +2 min around the event. */
export const DEFAULT_WINDOW_SPAN: WindowSpan = { beforeMs: 600_000, afterMs: 120_000 };

/** Longest window a label may keep: 6 h on either side. */
export const MAX_WINDOW_REACH_MS = 6 * 3_600_000;

/** Raw points read per metric at most; a denser window is read as 1 s means. */
const MAX_POINTS = 20_000;

/** The features of one event: per metric, values in {@link FEATURE_NAMES} order. */
export interface FeatureWindow {
  /** The event's time (epoch ms). */
  readonly ts: number;
  readonly from: number;
  readonly to: number;
  /** Metric name → feature vector; metrics without points in the window are left out. */
  readonly metrics: Readonly<Record<string, readonly number[]>>;
}

/**
 * The feature vector of one series of `[epoch ms, value]` points in time
 * order, in {@link FEATURE_NAMES} order. Deterministic; an empty series gives
 * all zeros.
 *
 * @example
 * ```ts
 * metricFeatures([[0, 1], [60_000, 2], [120_000, 3]]);
 * // [3, 2, 0.816…, 1, 3, 1, 1, 1.224…, 0, 0, 0, 0, 0.333…]
 * ```
 */
export function metricFeatures(points: ReadonlyArray<readonly [number, number]>): number[] {
  const n = points.length;
  if (n === 0) return FEATURE_NAMES.map(() => 0);
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const [, v] of points) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = sum / n;
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (const [, v] of points) {
    const d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
    m4 += d * d * d * d;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  const std = Math.sqrt(m2);
  const flat = std === 0 || std < 1e-12 * Math.max(1, Math.abs(mean));
  const last = points[n - 1][1];
  const skewness = n >= 3 && !flat ? m3 / (m2 * std) : 0;
  const kurtosis = n >= 4 && !flat ? m4 / (m2 * m2) - 3 : 0;
  return [
    n,
    mean,
    flat ? 0 : std,
    min,
    max,
    slopePerMinute(points),
    last - mean,
    flat ? 0 : (last - mean) / std,
    kurtosis,
    skewness,
    flatFraction(points),
    differenceStd(points),
    longestFlat(points),
  ];
}

function longestFlat(points: ReadonlyArray<readonly [number, number]>): number {
  let longest = 1;
  let run = 1;
  for (let i = 1; i < points.length; i++) {
    run = points[i][1] === points[i - 1][1] ? run + 1 : 1;
    if (run > longest) longest = run;
  }
  return longest / points.length;
}

function slopePerMinute(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  // Times relative to the first point, in minutes, keep the sums well conditioned.
  const t0 = points[0][0];
  let st = 0;
  let sv = 0;
  for (const [t, v] of points) {
    st += (t - t0) / 60_000;
    sv += v;
  }
  const mt = st / n;
  const mv = sv / n;
  let num = 0;
  let den = 0;
  for (const [t, v] of points) {
    const dt = (t - t0) / 60_000 - mt;
    num += dt * (v - mv);
    den += dt * dt;
  }
  return den === 0 ? 0 : num / den;
}

function flatFraction(points: ReadonlyArray<readonly [number, number]>): number {
  if (points.length < 2) return 0;
  let equal = 0;
  for (let i = 1; i < points.length; i++) if (points[i][1] === points[i - 1][1]) equal++;
  return equal / (points.length - 1);
}

function differenceStd(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length - 1;
  if (n < 1) return 0;
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += points[i][1] - points[i - 1][1];
  const mean = sum / n;
  let m2 = 0;
  for (let i = 1; i <= n; i++) {
    const d = points[i][1] - points[i - 1][1] - mean;
    m2 += d * d;
  }
  return Math.sqrt(m2 / n);
}

/**
 * Checks a window span from user input.
 *
 * @throws {RangeError} when a reach is negative, not finite, or over {@link MAX_WINDOW_REACH_MS}.
 */
export function checkWindowSpan(span: WindowSpan): WindowSpan {
  for (const key of ["beforeMs", "afterMs"] as const) {
    const value = span[key];
    if (!Number.isInteger(value) || value < 0 || value > MAX_WINDOW_REACH_MS) {
      throw new RangeError(
        `Cannot use the feature window: '${key}' must be an integer 0..${MAX_WINDOW_REACH_MS} ms: ` +
          `current value is ${value}`,
      );
    }
  }
  if (span.beforeMs + span.afterMs === 0) {
    throw new RangeError("Cannot use the feature window: 'beforeMs' + 'afterMs' must be > 0");
  }
  return span;
}

/**
 * Reads `ref`'s metrics from `store` over `[ts − beforeMs, ts + afterMs]` and
 * computes each metric's features (`vib.*` metrics included, like any
 * other). Points are raw; a window holding more than 20 000 points of a
 * metric is read as 1 s means instead.
 *
 * @example
 * ```ts
 * import type { TimeSeriesStore } from "../store/time_series_store.ts";
 *
 * declare const store: TimeSeriesStore, ts: number;
 *
 * const window = await readFeatureWindow(store, { factory: "demo", machine: "press-01" }, ts);
 * window.metrics.oil_temp; // [720, 48.2, 0.4, …]
 * ```
 */
export async function readFeatureWindow(
  store: Pick<TimeSeriesStore, "queryRange">,
  ref: MachineRef,
  ts: number,
  span: WindowSpan = DEFAULT_WINDOW_SPAN,
): Promise<FeatureWindow> {
  const from = ts - span.beforeMs;
  const to = ts + span.afterMs;
  const query = { factory: ref.factory, machine: ref.machine, metrics: [], from, to };
  let series = await store.queryRange({ ...query, limit: MAX_POINTS + 1 });
  if (series.some((s) => s.points.length > MAX_POINTS)) {
    series = await store.queryRange({ ...query, every: 1_000, agg: "mean" });
  }
  const metrics: Record<string, readonly number[]> = {};
  for (const { metric, points } of [...series].sort((a, b) => a.metric.localeCompare(b.metric))) {
    if (points.length > 0) metrics[metric] = metricFeatures(points);
  }
  return { ts, from, to, metrics };
}

/**
 * The columns of a classifier's input: `${metric}.${feature}` for each of
 * `metrics` (sorted) and each of {@link FEATURE_NAMES}.
 *
 * @example
 * ```ts
 * featureColumns(["b", "a"]).slice(0, 2); // ["a.count", "a.mean"]
 * ```
 */
export function featureColumns(metrics: Iterable<string>): string[] {
  return [...new Set(metrics)].sort().flatMap((metric) =>
    FEATURE_NAMES.map((feature) => `${metric}.${feature}`)
  );
}

/**
 * Flattens a window into the vector for `columns` (see {@link featureColumns});
 * a metric the window lacks contributes zeros.
 *
 * @example
 * ```ts
 * toVector({ metrics: { a: metricFeatures([[0, 2]]) } }, ["a.mean", "b.mean"]);
 * // [2, 0]
 * ```
 */
export function toVector(
  window: Pick<FeatureWindow, "metrics">,
  columns: readonly string[],
): number[] {
  return columns.map((column) => {
    const dot = column.lastIndexOf(".");
    const values = window.metrics[column.slice(0, dot)];
    const index = FEATURE_NAMES.indexOf(column.slice(dot + 1) as FeatureName);
    const value = values?.[index];
    return value === undefined || !Number.isFinite(value) ? 0 : value;
  });
}
