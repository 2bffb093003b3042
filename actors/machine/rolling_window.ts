/** Options of a {@link RollingWindow}. */
export interface RollingWindowOptions {
  /** Most values kept; the oldest leaves when a new one arrives past it. */
  readonly maxCount: number;
  /** Values older than the newest by more than this leave the window. */
  readonly maxAgeMs: number;
}

/** What a window says about its values; all O(1) to read. */
export interface WindowStats {
  readonly count: number;
  readonly mean: number;
  /** Sample variance (n − 1); 0 with fewer than two values. */
  readonly variance: number;
  readonly stddev: number;
  readonly min: number;
  readonly max: number;
}

/** A window's contents, for snapshots: `[ts, value]` oldest first. */
export type WindowSnapshot = Array<[number, number]>;

/**
 * A sliding window of one metric's values, bounded by count and by age, with
 * running mean, variance, min and max in O(1) amortised per value.
 *
 * Mean and variance use Welford's update with its inverse for removals; the
 * inverse accumulates rounding error, so the sums are recomputed from the
 * values once per `maxCount` removals, which keeps the cost O(1) amortised.
 * Min and max use monotonic deques.
 *
 * @example
 * ```ts
 * const w = new RollingWindow({ maxCount: 300, maxAgeMs: 300_000 });
 * w.push(1_000, 20.5);
 * w.push(2_000, 21.5);
 * w.stats().mean; // 21
 * ```
 */
export class RollingWindow {
  readonly #maxCount: number;
  readonly #maxAgeMs: number;
  // Ring buffer of the window's (ts, value) pairs, interleaved: an entry's
  // time and value share a cache line, and one array is one object to reach.
  readonly #pairs: Float64Array;
  #head = 0;
  #count = 0;
  #mean = 0;
  #m2 = 0;
  #removalsSinceRecompute = 0;
  // Monotonic deques hold absolute sequence numbers of ring entries.
  #seqOfHead = 0;
  #minDeque: number[] = [];
  #maxDeque: number[] = [];

  constructor(options: RollingWindowOptions) {
    if (!Number.isInteger(options.maxCount) || options.maxCount < 1) {
      throw new RangeError(
        `Cannot create rolling window: 'maxCount' must be a positive integer: current value is ${options.maxCount}`,
      );
    }
    if (!(options.maxAgeMs > 0)) {
      throw new RangeError(
        `Cannot create rolling window: 'maxAgeMs' must be > 0: current value is ${options.maxAgeMs}`,
      );
    }
    this.#maxCount = options.maxCount;
    this.#maxAgeMs = options.maxAgeMs;
    this.#pairs = new Float64Array(2 * options.maxCount);
  }

  get count(): number {
    return this.#count;
  }

  /** Mean of the values; NaN when empty. */
  get mean(): number {
    return this.#count > 0 ? this.#mean : NaN;
  }

  /** Sample standard deviation (n − 1); 0 with fewer than two values. */
  get stddev(): number {
    const n = this.#count;
    return n > 1 ? Math.sqrt(Math.max(0, this.#m2 / (n - 1))) : 0;
  }

  /** Timestamp of the oldest value, or Infinity when empty. */
  get oldestTs(): number {
    return this.#count === 0 ? Infinity : this.#pairs[2 * this.#head];
  }

  /** Timestamp of the newest value, or -Infinity when empty. */
  get newestTs(): number {
    return this.#count === 0 ? -Infinity : this.#pairs[2 * this.#index(this.#count - 1)];
  }

  /** Adds a value; values must arrive in time order (callers keep late ones out). */
  push(ts: number, value: number): void {
    if (this.#count === this.#maxCount) this.#removeOldest();
    const seq = this.#seqOfHead + this.#count;
    const at = this.#index(this.#count);
    this.#pairs[2 * at] = ts;
    this.#pairs[2 * at + 1] = value;
    this.#count++;
    const delta = value - this.#mean;
    this.#mean += delta / this.#count;
    this.#m2 += delta * (value - this.#mean);
    // Each deque drops the entries the new value dominates (no closure per push).
    const min = this.#minDeque;
    while (min.length > 0 && this.#pairs[2 * this.#ringOf(min[min.length - 1]) + 1] >= value) {
      min.pop();
    }
    min.push(seq);
    const max = this.#maxDeque;
    while (max.length > 0 && this.#pairs[2 * this.#ringOf(max[max.length - 1]) + 1] <= value) {
      max.pop();
    }
    max.push(seq);
    this.evictOlderThan(ts - this.#maxAgeMs);
  }

  /** Drops values with a timestamp before `cutoff`. */
  evictOlderThan(cutoff: number): void {
    while (this.#count > 0 && this.#pairs[2 * this.#head] < cutoff) this.#removeOldest();
  }

  /** Reads the state {@link stats} and {@link push} start with (see `MetricDetector.warm`). */
  warm(): number {
    const min = this.#minDeque;
    const max = this.#maxDeque;
    return this.#pairs[2 * this.#head + 1] + this.#mean + (min.length > 0 ? min[0] : 0) +
      (max.length > 0 ? max[max.length - 1] : 0);
  }

  stats(): WindowStats {
    const n = this.#count;
    const variance = n > 1 ? Math.max(0, this.#m2 / (n - 1)) : 0;
    return {
      count: n,
      mean: n > 0 ? this.#mean : NaN,
      variance,
      stddev: Math.sqrt(variance),
      min: n > 0 ? this.#pairs[2 * this.#ringOf(this.#minDeque[0]) + 1] : NaN,
      max: n > 0 ? this.#pairs[2 * this.#ringOf(this.#maxDeque[0]) + 1] : NaN,
    };
  }

  /** The window's values, oldest first. */
  toSnapshot(): WindowSnapshot {
    const out: WindowSnapshot = [];
    for (let i = 0; i < this.#count; i++) {
      const at = this.#index(i);
      out.push([this.#pairs[2 * at], this.#pairs[2 * at + 1]]);
    }
    return out;
  }

  /** A window with the given options holding the snapshot's values. */
  static fromSnapshot(options: RollingWindowOptions, snapshot: WindowSnapshot): RollingWindow {
    const window = new RollingWindow(options);
    for (const [ts, value] of snapshot) window.push(ts, value);
    return window;
  }

  #index(offset: number): number {
    return (this.#head + offset) % this.#maxCount;
  }

  #ringOf(seq: number): number {
    return this.#index(seq - this.#seqOfHead);
  }

  #removeOldest(): void {
    const value = this.#pairs[2 * this.#head + 1];
    const seq = this.#seqOfHead;
    if (this.#minDeque[0] === seq) this.#minDeque.shift();
    if (this.#maxDeque[0] === seq) this.#maxDeque.shift();
    this.#head = (this.#head + 1) % this.#maxCount;
    this.#seqOfHead++;
    this.#count--;
    if (this.#count === 0) {
      this.#mean = 0;
      this.#m2 = 0;
      this.#removalsSinceRecompute = 0;
      return;
    }
    const delta = value - this.#mean;
    this.#mean -= delta / this.#count;
    this.#m2 -= delta * (value - this.#mean);
    if (++this.#removalsSinceRecompute >= this.#maxCount) this.#recompute();
  }

  #recompute(): void {
    let mean = 0;
    let m2 = 0;
    for (let i = 0; i < this.#count; i++) {
      const value = this.#pairs[2 * this.#index(i) + 1];
      const delta = value - mean;
      mean += delta / (i + 1);
      m2 += delta * (value - mean);
    }
    this.#mean = mean;
    this.#m2 = m2;
    this.#removalsSinceRecompute = 0;
  }
}
