/**
 * The aggregate a rollup keeps per (series, bucket), and the arithmetic that
 * keeps it exact as points arrive, arrive late, or overwrite earlier values.
 *
 * @module
 */

/** Aggregates of the values of one series inside one time bucket. */
export interface RollupCell {
  /** Smallest value. */
  min: number;
  /** Largest value. */
  max: number;
  /** Sum of the values (mean = sum / count). */
  sum: number;
  /** Number of points. */
  count: number;
  /** Value of the newest point. */
  last: number;
  /** Timestamp of the newest point, epoch ms. */
  lastTs: number;
}

/** A point whose stored value was replaced by a later write of the same (series, ts). */
export interface Overwrite {
  readonly ts: number;
  readonly old: number;
  readonly value: number;
}

/** Which extremes an overwrite invalidated; they must be recomputed from finer data. */
export interface Invalidated {
  min: boolean;
  max: boolean;
}

/**
 * Start of the bucket of width `width` holding `ts`, aligned to the epoch
 * (so 1 d buckets are UTC days). Floors, so times before 1970 land right too.
 *
 * @example
 * ```ts
 * bucketStart(125_000, 60_000); // 120_000
 * ```
 */
export function bucketStart(ts: number, width: number): number {
  return Math.floor(ts / width) * width;
}

/** A cell holding nothing yet; {@link mergeCell} into it. */
export function emptyCell(): RollupCell {
  return { min: Infinity, max: -Infinity, sum: 0, count: 0, last: 0, lastTs: -Infinity };
}

/**
 * Adds one new point (its (series, ts) was not stored before) to `cell`.
 *
 * @example
 * ```ts
 * const cell = emptyCell();
 * addPoint(cell, 1_000, 4);
 * addPoint(cell, 500, 9); // late: changes min/max/sum/count, not last
 * cell.last; // 4
 * ```
 */
export function addPoint(cell: RollupCell, ts: number, value: number): void {
  if (value < cell.min) cell.min = value;
  if (value > cell.max) cell.max = value;
  cell.sum += value;
  cell.count++;
  if (ts >= cell.lastTs) {
    cell.last = value;
    cell.lastTs = ts;
  }
}

/** Folds the points aggregated in `from` into `into` (their timestamps are disjoint). */
export function mergeCell(into: RollupCell, from: RollupCell): void {
  if (from.count === 0) return;
  if (from.min < into.min) into.min = from.min;
  if (from.max > into.max) into.max = from.max;
  into.sum += from.sum;
  into.count += from.count;
  if (from.lastTs >= into.lastTs) {
    into.last = from.last;
    into.lastTs = from.lastTs;
  }
}

/**
 * Replaces overwritten values in a cell that already counts their old
 * values. Count and last-timestamp are unchanged (the set of timestamps is
 * the same), sum moves by the difference, `last` follows when the newest
 * point was rewritten. An extreme that the old value held and the new value
 * leaves cannot be known from the cell alone: it is reported as invalidated,
 * and the caller recomputes it from the finer data.
 *
 * @example
 * ```ts
 * const cell = { min: 1, max: 9, sum: 10, count: 2, last: 9, lastTs: 2_000 };
 * applyOverwrites(cell, [{ ts: 2_000, old: 9, value: 5 }]); // { min: false, max: true }
 * cell.sum; // 6
 * ```
 */
export function applyOverwrites(cell: RollupCell, overwrites: readonly Overwrite[]): Invalidated {
  const invalid: Invalidated = { min: false, max: false };
  for (const { ts, old, value } of overwrites) {
    cell.sum += value - old;
    if (ts === cell.lastTs) cell.last = value;
    if (value <= cell.min) {
      cell.min = value;
      invalid.min = false;
    } else if (old === cell.min) {
      invalid.min = true;
    }
    if (value >= cell.max) {
      cell.max = value;
      invalid.max = false;
    } else if (old === cell.max) {
      invalid.max = true;
    }
  }
  return invalid;
}
