import {
  addPoint,
  bucketStart,
  emptyCell,
  mergeCell,
  type Overwrite,
  type RollupCell,
} from "./rollup.ts";

/** What one write batch changes in one rollup bucket. */
export interface PendingBucket {
  readonly seriesId: number;
  /** Bucket start, epoch ms. */
  readonly bucket: number;
  /** Aggregates of the points that were new to the store (count 0 when none). */
  readonly added: RollupCell;
  /** Points that replaced a stored value, in write order. */
  readonly overwrites: readonly Overwrite[];
}

interface MutablePending {
  seriesId: number;
  bucket: number;
  added: RollupCell;
  overwrites: Overwrite[];
}

/**
 * Collects what one write batch does to the rollups, so each bucket it
 * touches is written once per batch instead of once per point. Points are
 * gathered per finest bucket; coarser buckets are derived from those.
 *
 * @example
 * ```ts
 * const batch = new RollupBatch(60_000);
 * batch.add(1, 1_000, 5);
 * batch.overwrite(1, 2_000, 3, 4);
 * batch.buckets(3_600_000); // one pending hour of series 1
 * ```
 */
export class RollupBatch {
  readonly #finest: number;
  readonly #bySeries = new Map<number, Map<number, MutablePending>>();
  #cached: MutablePending | undefined;

  /** @param finestMs width of the finest rollup; every coarser width is a multiple of it. */
  constructor(finestMs: number) {
    this.#finest = finestMs;
  }

  /** True when nothing was added since the last {@link RollupBatch.clear}. */
  get empty(): boolean {
    return this.#bySeries.size === 0;
  }

  /** A point whose (series, ts) the store did not hold before. */
  add(seriesId: number, ts: number, value: number): void {
    addPoint(this.#pending(seriesId, ts).added, ts, value);
  }

  /** A point that replaced the value `old` stored at the same (series, ts). */
  overwrite(seriesId: number, ts: number, old: number, value: number): void {
    this.#pending(seriesId, ts).overwrites.push({ ts, old, value });
  }

  /** The pending buckets of width `width` (the finest width or a multiple of it). */
  buckets(width: number): PendingBucket[] {
    const out: PendingBucket[] = [];
    for (const [seriesId, byBucket] of this.#bySeries) {
      if (width === this.#finest) {
        for (const pending of byBucket.values()) out.push(pending);
        continue;
      }
      const coarse = new Map<number, MutablePending>();
      for (const fine of byBucket.values()) {
        const bucket = bucketStart(fine.bucket, width);
        let pending = coarse.get(bucket);
        if (pending === undefined) {
          pending = { seriesId, bucket, added: emptyCell(), overwrites: [] };
          coarse.set(bucket, pending);
        }
        mergeCell(pending.added, fine.added);
        for (const overwrite of fine.overwrites) pending.overwrites.push(overwrite);
      }
      for (const pending of coarse.values()) out.push(pending);
    }
    return out;
  }

  /** Forgets everything, ready for the next batch. */
  clear(): void {
    this.#bySeries.clear();
    this.#cached = undefined;
  }

  #pending(seriesId: number, ts: number): MutablePending {
    const bucket = bucketStart(ts, this.#finest);
    const cached = this.#cached;
    // Batches mostly hold runs of one series in time order: skip the map lookups.
    if (cached !== undefined && cached.seriesId === seriesId && cached.bucket === bucket) {
      return cached;
    }
    let byBucket = this.#bySeries.get(seriesId);
    if (byBucket === undefined) {
      byBucket = new Map();
      this.#bySeries.set(seriesId, byBucket);
    }
    let pending = byBucket.get(bucket);
    if (pending === undefined) {
      pending = { seriesId, bucket, added: emptyCell(), overwrites: [] };
      byBucket.set(bucket, pending);
    }
    this.#cached = pending;
    return pending;
  }
}
