import type { StreamingDetector } from "./detector.ts";
import { type PackedFloats, packFloats, unpackFloats } from "./packed.ts";

/** JSON state of a {@link RollingSigmaDetector}: the window's values, oldest first. */
export interface RollingSigmaState {
  /** Float32 values, packed (see `packed.ts`); plain numbers in older snapshots. */
  readonly values: PackedFloats;
  /** Running sums, restored as they were so the next scores are bit-identical. */
  readonly sums: readonly [pivot: number, sum: number, sumSq: number, sinceRecompute: number];
}

/**
 * Rolling mean ± kσ over the last `window` values (the seed baseline). The
 * raw score is |x − mean| / (kσ), so 1 is the classic k-sigma alarm.
 *
 * A ring of values with running sums of x and (x − pivot)² (the pivot keeps
 * the sums well conditioned), recomputed once per `window` values so rounding
 * cannot accumulate: O(1) amortised. The actor's `RollingWindow` does the same
 * for its time-bounded window but also keeps timestamps and min/max deques,
 * which this detector does not need on its hot path. The window keeps values
 * in Float32 (7 digits are plenty for a mean and σ) so its snapshot is half
 * the size and still restores bit-identically.
 *
 * @example
 * ```ts
 * const d = new RollingSigmaDetector({ window: 120, k: 3 });
 * for (let i = 0; i < 100; i++) d.update(20 + (i % 2));
 * d.update(30) > 1; // true
 * ```
 */
export class RollingSigmaDetector implements StreamingDetector {
  readonly name = "sigma" as const;
  readonly #k: number;
  readonly #ring: Float32Array;
  #count = 0;
  #head = 0;
  #pivot = NaN;
  #sum = 0;
  #sumSq = 0;
  #sinceRecompute = 0;
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: { window: number; k: number }, state?: RollingSigmaState) {
    if (!Number.isInteger(options.window) || options.window < 2) {
      throw new RangeError(
        `Cannot create σ detector: 'window' must be an integer ≥ 2: current value is ${options.window}`,
      );
    }
    this.#k = options.k;
    this.#ring = new Float32Array(options.window);
    if (state) {
      const w = options.window;
      const values = unpackFloats(state.values, Float32Array).slice(-w);
      this.#ring.set(values);
      this.#count = values.length;
      this.#head = values.length % w;
      [this.#pivot, this.#sum, this.#sumSq, this.#sinceRecompute] = state.sums;
    }
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#ring[this.#head] + this.#sum;
  }

  update(value: number): number {
    const n = this.#count;
    let score = 0;
    if (n >= Math.min(8, this.#ring.length)) {
      const d = this.#sum / n;
      const mean = this.#pivot + d;
      const variance = Math.max(0, (this.#sumSq - n * d * d) / (n - 1));
      const sd = Math.max(Math.sqrt(variance), 1e-9 * Math.max(1, Math.abs(mean)));
      this.expectedLow = mean - this.#k * sd;
      this.expectedHigh = mean + this.#k * sd;
      score = Math.abs(value - mean) / (this.#k * sd);
    }
    this.#learn(value);
    return score;
  }

  snapshot(): RollingSigmaState {
    const w = this.#ring.length;
    const start = this.#count < w ? 0 : this.#head;
    const values = new Float32Array(this.#count);
    for (let i = 0; i < this.#count; i++) values[i] = this.#ring[(start + i) % w];
    return {
      values: packFloats(values),
      sums: [this.#pivot, this.#sum, this.#sumSq, this.#sinceRecompute],
    };
  }

  #learn(value: number): void {
    const w = this.#ring.length;
    if (this.#count === 0) this.#pivot = value;
    if (this.#count === w) {
      const old = this.#ring[this.#head] - this.#pivot;
      this.#sum -= old;
      this.#sumSq -= old * old;
    } else {
      this.#count++;
    }
    // Learn the value as the ring stores it, so the sums match a restored ring.
    const stored = Math.fround(value);
    const x = stored - this.#pivot;
    this.#sum += x;
    this.#sumSq += x * x;
    this.#ring[this.#head] = stored;
    this.#head = this.#head + 1 === w ? 0 : this.#head + 1;
    if (++this.#sinceRecompute >= w) this.#recompute();
  }

  #recompute(): void {
    const w = this.#ring.length;
    const start = this.#count < w ? 0 : this.#head;
    // Re-centre on the latest mean so the sums stay small.
    this.#pivot += this.#sum / this.#count;
    let sum = 0;
    let sumSq = 0;
    for (let i = 0; i < this.#count; i++) {
      const x = this.#ring[(start + i) % w] - this.#pivot;
      sum += x;
      sumSq += x * x;
    }
    this.#sum = sum;
    this.#sumSq = sumSq;
    this.#sinceRecompute = 0;
  }
}
