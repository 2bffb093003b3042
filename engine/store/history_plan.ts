/**
 * Planning an aggregated history query: which bucket width answers a range
 * in at most N points, and which stored resolution can compute it.
 *
 * @module
 */
import { bucketStart } from "./rollup.ts";
import { type Resolution, ROLLUP_MS } from "./time_series_store.ts";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Bucket widths a chart reads well, in ms: 1 ms … 500 ms, 1 s, 2 s, 5 s, 10 s,
 * 15 s, 30 s, 1 min … 30 min, 1 h … 12 h, 1 d, 2 d, 7 d, 14 d, 28 d; past
 * that, whole days.
 */
export const NICE_WIDTHS: readonly number[] = [
  1,
  2,
  5,
  10,
  20,
  50,
  100,
  200,
  500,
  SECOND,
  2 * SECOND,
  5 * SECOND,
  10 * SECOND,
  15 * SECOND,
  30 * SECOND,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
  14 * DAY,
  28 * DAY,
];

/** Rollups from coarsest to finest. */
const ROLLUPS_COARSEST_FIRST = (Object.entries(ROLLUP_MS) as Array<[Resolution, number]>)
  .sort((a, b) => b[1] - a[1]);

/**
 * The coarsest stored resolution that answers buckets of `every` exactly:
 * a rollup whose width divides `every` (buckets of both are aligned to the
 * epoch, so each `every` bucket is a whole number of rollup buckets), else raw.
 *
 * @example
 * ```ts
 * resolutionFor(3_600_000); // "1h"
 * resolutionFor(300_000); // "1m"
 * resolutionFor(30_000); // "raw"
 * ```
 */
export function resolutionFor(every: number): Resolution {
  for (const [resolution, width] of ROLLUPS_COARSEST_FIRST) {
    if (every >= width && every % width === 0) return resolution;
  }
  return "raw";
}

/** Buckets of `every` that cover `from`…`to` (inclusive): first start, last start, how many. */
export function bucketSpan(
  from: number,
  to: number,
  every: number,
): { readonly first: number; readonly last: number; readonly count: number } {
  const first = bucketStart(from, every);
  const last = bucketStart(to, every);
  return { first, last, count: (last - first) / every + 1 };
}

/**
 * The finest nice bucket width ({@link NICE_WIDTHS}) at which `from`…`to`
 * takes at most `maxPoints` buckets.
 *
 * @example
 * ```ts
 * autoEvery(0, 30 * 86_400_000, 1_000); // 3_600_000 (720 hourly buckets)
 * ```
 * @throws {RangeError} when `maxPoints` is not a positive integer or `to` < `from`.
 */
export function autoEvery(from: number, to: number, maxPoints: number): number {
  if (!Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new RangeError(
      `Cannot choose a bucket width: 'maxPoints' must be a positive integer: current value is ${maxPoints}`,
    );
  }
  if (to < from) {
    throw new RangeError(`Cannot choose a bucket width: 'to' (${to}) is before 'from' (${from})`);
  }
  for (const width of NICE_WIDTHS) {
    if (bucketSpan(from, to, width).count <= maxPoints) return width;
  }
  let days = Math.max(1, Math.ceil((to - from) / DAY / maxPoints));
  while (bucketSpan(from, to, days * DAY).count > maxPoints) days++;
  return days * DAY;
}
