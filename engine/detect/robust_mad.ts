import type { StreamingDetector } from "./detector.ts";
import { type PackedFloats, packFloats, unpackFloats } from "./packed.ts";

/** JSON state of a {@link RobustMadDetector}: the window's values, oldest first. */
export interface RobustMadState {
  /** Float64 values, packed (see `packed.ts`); plain numbers in older snapshots. */
  readonly values: PackedFloats;
  readonly mad: number;
  readonly sinceMad: number;
}

/**
 * Robust z-score: |x − median| / (1.4826 · MAD) over the last `window` values.
 *
 * Bounded memory: a ring of the last w values plus the same values kept
 * sorted. Each update finds the leaving value by binary search (O(log w))
 * and moves its slot to where the arriving value belongs, shifting only the
 * values in between (O(w) at worst, w = 32 by default; usually a few). The
 * median is read in O(1); the MAD is found with a two-pointer walk out from
 * the median over the sorted values (O(w/2)), refreshed every `window / 4`
 * updates, so amortised O(1) per point.
 * The score is in units of `k` robust σ (1 = alarm). A caller that needs the
 * score only for some points learns the others with `skip` (a ring write)
 * and asks `score` when it needs one; the sorted copy is then rebuilt.
 *
 * @example
 * ```ts
 * const d = new RobustMadDetector({ window: 32, k: 4 });
 * for (let i = 0; i < 40; i++) d.update(10 + (i % 3));
 * d.update(40) > 1; // true
 * ```
 */
export class RobustMadDetector implements StreamingDetector {
  readonly name = "mad" as const;
  readonly #k: number;
  readonly #w: number;
  readonly #ring: Float64Array;
  readonly #sorted: Float64Array;
  #count = 0;
  #head = 0;
  #mad = 0;
  #sinceMad = 0;
  /** The sorted copy mirrors the ring (false after {@link skip}s until the next score). */
  #sortedValid = true;
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: { window: number; k: number }, state?: RobustMadState) {
    this.#k = options.k;
    this.#w = options.window;
    this.#ring = new Float64Array(options.window);
    this.#sorted = new Float64Array(options.window);
    if (state) {
      for (const v of unpackFloats(state.values, Float64Array)) this.#learn(v);
      this.#mad = state.mad;
      this.#sinceMad = state.sinceMad;
    }
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    const ring = this.#ring[this.#head];
    return this.#sortedValid ? ring + this.#sorted[this.#count >> 1] : ring;
  }

  /** Scores `value` against the window, then learns it. */
  update(value: number): number {
    const score = this.score(value);
    this.#learn(value);
    return score;
  }

  /**
   * Scores `value` against the window without learning it: with {@link skip},
   * a caller that needs the score only now and then (an explanation of a
   * flagged point) pays for the median and MAD only then.
   */
  score(value: number): number {
    this.#ensureSorted();
    const n = this.#count;
    if (n < Math.min(8, this.#w)) return 0;
    const s = this.#sorted;
    const median = n & 1 ? s[n >> 1] : 0.5 * (s[(n >> 1) - 1] + s[n >> 1]);
    if (this.#sinceMad === 0) this.#mad = this.#computeMad(median);
    const scale = Math.max(1.4826 * this.#mad, 1e-9 * Math.max(1, Math.abs(median)));
    this.expectedLow = median - this.#k * scale;
    this.expectedHigh = median + this.#k * scale;
    return Math.abs(value - median) / (this.#k * scale);
  }

  /**
   * Learns `value` without scoring it: O(1), only the ring is written. The
   * sorted copy is rebuilt (O(w log w)) by the next {@link score} or
   * {@link update}, with a fresh MAD.
   */
  skip(value: number): void {
    this.#sortedValid = false;
    this.#ring[this.#head] = value;
    this.#head = this.#head + 1 === this.#w ? 0 : this.#head + 1;
    if (this.#count < this.#w) this.#count++;
  }

  snapshot(): RobustMadState {
    const values = new Float64Array(this.#count);
    const start = this.#count < this.#w ? 0 : this.#head;
    for (let i = 0; i < this.#count; i++) values[i] = this.#ring[(start + i) % this.#w];
    // After skips the MAD on hand is stale: sinceMad 0 has it recomputed after a restore.
    const sinceMad = this.#sortedValid ? this.#sinceMad : 0;
    return { values: packFloats(values), mad: this.#mad, sinceMad };
  }

  /** Makes the sorted copy mirror the ring again after {@link skip}s. */
  #ensureSorted(): void {
    if (this.#sortedValid) return;
    const n = this.#count;
    const sorted = this.#sorted.subarray(0, n);
    sorted.set(n < this.#w ? this.#ring.subarray(0, n) : this.#ring);
    sorted.sort();
    this.#sortedValid = true;
    this.#sinceMad = 0;
  }

  #learn(value: number): void {
    const s = this.#sorted;
    if (this.#count === this.#w) {
      // Full window: the leaving value's slot moves towards where the new value
      // belongs, shifting only the values in between (usually a few).
      let i = lowerBound(s, this.#count, this.#ring[this.#head]);
      const last = this.#count - 1;
      if (value >= s[i]) {
        while (i < last && s[i + 1] < value) {
          s[i] = s[i + 1];
          i++;
        }
      } else {
        while (i > 0 && s[i - 1] > value) {
          s[i] = s[i - 1];
          i--;
        }
      }
      s[i] = value;
    } else {
      const at = lowerBound(s, this.#count, value);
      for (let i = this.#count; i > at; i--) s[i] = s[i - 1];
      s[at] = value;
      this.#count++;
    }
    this.#ring[this.#head] = value;
    this.#head = this.#head + 1 === this.#w ? 0 : this.#head + 1;
    this.#sinceMad = (this.#sinceMad + 1) % Math.max(1, this.#w >> 2);
  }

  /** Median of |s[i] − median| by merging the two sides outward from the median. */
  #computeMad(median: number): number {
    const s = this.#sorted;
    const n = this.#count;
    let lo = lowerBound(s, n, median) - 1;
    let hi = lo + 1;
    const half = n >> 1;
    let d = 0;
    let prev = 0;
    for (let taken = 0; taken <= half; taken++) {
      const dl = lo >= 0 ? median - s[lo] : Infinity;
      const dh = hi < n ? s[hi] - median : Infinity;
      prev = d;
      if (dl <= dh) {
        d = dl;
        lo--;
      } else {
        d = dh;
        hi++;
      }
    }
    return n & 1 ? d : 0.5 * (d + prev);
  }
}

function lowerBound(s: Float64Array, n: number, v: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
