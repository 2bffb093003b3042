/**
 * One metric's history answer in uPlot's column layout: times, values and,
 * when the server aggregated, each bucket's min and max (drawn as a band so
 * a spike inside a bucket stays visible). Where data is missing for longer
 * than a bucket (or a few raw steps), a null breaks the line, so a gap in the data reads as a
 * gap on the chart instead of a straight line drawn across it.
 */

/** One series as the history API returns it. */
export interface HistorySeries {
  readonly metric: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** `[bucket start, min, max]` per point, when aggregated. */
  readonly envelope?: ReadonlyArray<readonly [number, number, number]>;
  /** What the answer was computed from: "raw", "1m", "1h" or "1d". */
  readonly resolution?: string;
}

/** uPlot columns of a history chart. */
export interface HistoryColumns {
  readonly ts: number[];
  readonly values: Array<number | null>;
  /** Present when the answer had an envelope. */
  readonly min?: Array<number | null>;
  readonly max?: Array<number | null>;
  /** Data points (gap markers not counted). */
  readonly count: number;
  /** Smallest and largest value, envelope included; undefined without data. */
  readonly low?: number;
  readonly high?: number;
}

/** Raw readings: a gap is a step over this many times the usual one (sampling jitters). */
const RAW_GAP_FACTOR = 3;
/** Buckets lie on a grid, so one missing bucket is already time without data. */
const BUCKET_GAP_FACTOR = 1.5;

/**
 * Columns for `series`. `everyMs` is the bucket width of an aggregated
 * answer; without it the usual step is the median time between points.
 *
 * @example
 * ```ts
 * historyColumns({ metric: "t", points: [[0, 1], [10, 2], [100, 3]] }, 10);
 * // ts [0, 10, 55, 100], values [1, 2, null, 3]
 * ```
 */
export function historyColumns(series: HistorySeries, everyMs?: number | null): HistoryColumns {
  const { points } = series;
  const envelope = alignedEnvelope(series);
  const ts: number[] = [];
  const values: Array<number | null> = [];
  const min: Array<number | null> | undefined = envelope === undefined ? undefined : [];
  const max: Array<number | null> | undefined = envelope === undefined ? undefined : [];
  const step = everyMs ?? medianStep(points);
  const gap = step !== undefined && step > 0
    ? (everyMs == null ? RAW_GAP_FACTOR : BUCKET_GAP_FACTOR) * step
    : Infinity;
  let low = Infinity;
  let high = -Infinity;
  for (let i = 0; i < points.length; i++) {
    const [t, value] = points[i];
    if (i > 0 && t - points[i - 1][0] > gap) {
      ts.push((t + points[i - 1][0]) / 2);
      values.push(null);
      min?.push(null);
      max?.push(null);
    }
    ts.push(t);
    values.push(value);
    if (value < low) low = value;
    if (value > high) high = value;
    if (envelope !== undefined) {
      const [, lo, hi] = envelope[i];
      min!.push(lo);
      max!.push(hi);
      if (lo < low) low = lo;
      if (hi > high) high = hi;
    }
  }
  return {
    ts,
    values,
    min,
    max,
    count: points.length,
    low: points.length === 0 ? undefined : low,
    high: points.length === 0 ? undefined : high,
  };
}

/** The envelope when it has one entry per point at the same times; otherwise undefined. */
function alignedEnvelope(
  series: HistorySeries,
): ReadonlyArray<readonly [number, number, number]> | undefined {
  const { envelope, points } = series;
  if (envelope === undefined || envelope.length !== points.length) return undefined;
  for (let i = 0; i < points.length; i++) {
    if (envelope[i][0] !== points[i][0]) return undefined;
  }
  return envelope;
}

function medianStep(points: ReadonlyArray<readonly [number, number]>): number | undefined {
  if (points.length < 3) return undefined;
  const steps: number[] = [];
  // A sample of steps is enough to know the usual one.
  const stride = Math.max(1, Math.floor(points.length / 512));
  for (let i = stride; i < points.length; i += stride) {
    steps.push((points[i][0] - points[i - stride][0]) / stride);
  }
  steps.sort((a, b) => a - b);
  return steps[steps.length >> 1];
}
