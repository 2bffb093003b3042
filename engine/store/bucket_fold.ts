import { bucketStart, emptyCell, mergeCell, type RollupCell } from "./rollup.ts";
import type { Aggregate } from "./time_series_store.ts";

/** One stored bucket (raw group or rollup row) on its way into a query answer. */
export interface BucketRow extends RollupCell {
  /** Bucket start, epoch ms; rows come in increasing order. */
  readonly bucket: number;
}

/** A series answer with one point (and one envelope entry) per bucket. */
export interface FoldedSeries {
  readonly points: Array<readonly [number, number]>;
  readonly envelope: Array<readonly [number, number, number]>;
}

/** The value `agg` takes for a bucket's aggregates. */
export function aggregateOf(cell: RollupCell, agg: Aggregate): number {
  switch (agg) {
    case "mean":
      return cell.sum / cell.count;
    case "min":
      return cell.min;
    case "max":
      return cell.max;
    case "last":
      return cell.last;
    case "count":
      return cell.count;
  }
}

/**
 * Combines buckets of a finer width into buckets of `every` (a multiple of
 * it): mean is the sum over the count of all the finer buckets, never a mean
 * of means. Stops after `limit` output buckets.
 *
 * @example
 * ```ts
 * const rows = [
 *   { bucket: 0, min: 1, max: 3, sum: 4, count: 2, last: 3, lastTs: 30_000 },
 *   { bucket: 60_000, min: 5, max: 5, sum: 5, count: 1, last: 5, lastTs: 60_000 },
 * ];
 * foldBuckets(rows, 120_000, "mean").points; // [[0, 3]]
 * ```
 */
export function foldBuckets(
  rows: Iterable<BucketRow>,
  every: number,
  agg: Aggregate,
  limit = Infinity,
): FoldedSeries {
  const points: Array<readonly [number, number]> = [];
  const envelope: Array<readonly [number, number, number]> = [];
  let current: RollupCell | undefined;
  let currentStart = NaN;
  const emit = () => {
    if (current === undefined || current.count === 0) return;
    points.push([currentStart, aggregateOf(current, agg)]);
    envelope.push([currentStart, current.min, current.max]);
  };
  for (const row of rows) {
    const start = bucketStart(row.bucket, every);
    if (start !== currentStart) {
      emit();
      if (points.length >= limit) return { points, envelope };
      current = emptyCell();
      currentStart = start;
    }
    mergeCell(current!, row);
  }
  if (points.length < limit) emit();
  return { points, envelope };
}
