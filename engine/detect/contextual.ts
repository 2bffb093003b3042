import { decodeBase64, encodeBase64 } from "./packed.ts";

/** JSON state of a {@link ContextualDetector}. */
export interface ContextualState {
  /** Lowest and highest value seen so far (null before the first value). */
  readonly range: readonly [min: number, max: number] | null;
  /** Per grid: the last `order` bins as one key (see the class). */
  readonly contexts: number[];
  /** Seen transitions of every grid as a bit set, base64. */
  readonly seen: string;
  readonly count: number;
  /** Points since the novelty last reached the rest level (capped). */
  readonly sinceHigh: number;
}

/** Cap of the points counted since the last high novelty (larger than any rest period). */
const NEVER = 0x3fffffff;

/** Options of a {@link ContextualDetector}. */
export interface ContextualOptions {
  /** Bin counts of the quantisation grids over the range seen so far (e.g. [6, 8]). */
  readonly grids: readonly number[];
  /** Previous bins that make up a context (1 = the previous value's bin). */
  readonly order: number;
  /** After the novelty reaches `restLevel`, it is silenced for this many points. */
  readonly rest: number;
  readonly restLevel: number;
  /** Points before the detector says anything but 0. */
  readonly warmup: number;
}

/**
 * Contextual novelty in the spirit of CAD OSE (Smirnov's Contextual Anomaly
 * Detector), our own simpler form: every value is quantised on a few grids of
 * bins over the range seen *before* it (plus one bin below and one above that
 * range, so a new extreme is a state of its own), and the detector remembers
 * which "context → bin" transitions (the bins of the previous `order` values,
 * then the current bin) it has ever seen. The raw score is the share of grids
 * whose current transition is new — a level, a jump or a rhythm the metric has
 * never shown. After a score ≥ `restLevel` it rests for `rest` points (one
 * incident, one alarm).
 *
 * Memory is a fixed bit set ((bins + 3)^order · (bins + 2) bits per grid: 250
 * bytes for grids 5, 6, 7 at order 2), so there is no dictionary to cap or
 * evict, the cost is O(grids) per point and the snapshot is a few hundred bytes.
 *
 * @example
 * ```ts
 * const d = new ContextualDetector({
 *   grids: [5, 6, 7],
 *   order: 2,
 *   rest: 50,
 *   restLevel: 0.75,
 *   warmup: 50,
 * });
 * for (let i = 0; i < 200; i++) d.update(i % 2);
 * d.update(0); // 0: a known rhythm
 * d.update(1); // 0
 * d.update(0.5); // 1: a level never seen after this context
 * ```
 */
export class ContextualDetector {
  readonly #o: ContextualOptions;
  /**
   * All working memory in one array (one allocation: with thousands of
   * detectors, fewer cache lines per point). Per grid g, at 4·g: its bin
   * count, the first bit of its transitions, (bins + 3)^(order − 1) (to drop
   * the oldest bin of a context key) and its context key (the last `order`
   * bin states in base bins + 3, 0 = none yet). From word 4·grids on: the bit
   * set of seen transitions.
   */
  readonly #mem: Int32Array;
  readonly #grids: number;
  #min = Infinity;
  #max = -Infinity;
  #count = 0;
  /** Points since the novelty last reached the rest level (capped; NEVER = not yet). */
  #sinceHigh = NEVER;

  constructor(options: ContextualOptions, state?: ContextualState) {
    const { grids, order } = options;
    if (grids.length === 0 || grids.some((b) => !Number.isInteger(b) || b < 2 || b > 64)) {
      throw new RangeError(
        `Cannot create contextual detector: 'grids' must be integers in [2, 64]: current value is ${grids}`,
      );
    }
    if (!Number.isInteger(order) || order < 1 || order > 3) {
      throw new RangeError(
        `Cannot create contextual detector: 'order' must be 1, 2 or 3: current value is ${order}`,
      );
    }
    this.#o = options;
    this.#grids = grids.length;
    let bits = 0;
    const header: number[] = [];
    for (const bins of grids) {
      // Bin states: below the range, `bins` bins inside it, above it; context digits add "none".
      header.push(bins, bits, (bins + 3) ** (order - 1), 0);
      bits += (bins + 3) ** order * (bins + 2);
    }
    this.#mem = new Int32Array(header.length + Math.ceil(bits / 32));
    this.#mem.set(header);
    if (state) {
      if (state.contexts.length !== grids.length) {
        throw new RangeError(
          `Cannot restore contextual detector: ${state.contexts.length} contexts for ${grids.length} grids`,
        );
      }
      if (state.range) [this.#min, this.#max] = state.range;
      for (let g = 0; g < grids.length; g++) this.#mem[4 * g + 3] = state.contexts[g];
      const seen = this.#seenBytes();
      seen.set(decodeBase64(state.seen, seen.length));
      this.#count = state.count;
      this.#sinceHigh = state.sinceHigh ?? NEVER;
    }
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#mem[3] + this.#min;
  }

  /** Scores `value` (0 = every grid has seen this transition; 1 = none has), then learns it. */
  update(value: number): number {
    const o = this.#o;
    // Judged against the range seen *before* this value: a new extreme has its own bin.
    const below = value < this.#min;
    const above = value > this.#max;
    const fresh = this.#min > this.#max;
    const span = this.#max - this.#min;
    const unit = span > 0 ? (value - this.#min) / span : 0;
    if (below) this.#min = value;
    if (above) this.#max = value;
    const mem = this.#mem;
    const grids = this.#grids;
    const words = 4 * grids;
    let unseen = 0;
    for (let h = 0; h < words; h += 4) {
      const bins = mem[h];
      let bin: number;
      if (fresh) bin = 1;
      else if (above) bin = bins + 1;
      else if (below) bin = 0;
      else {
        bin = 1 + ((unit * bins) | 0);
        if (bin > bins) bin = bins;
      }
      const context = mem[h + 3];
      const bit = mem[h + 1] + context * (bins + 2) + bin;
      const word = words + (bit >> 5);
      const mask = 1 << (bit & 31);
      const had = mem[word];
      if ((had & mask) === 0) {
        unseen++;
        mem[word] = had | mask;
      }
      // Slide the context: drop the oldest bin, append this one (stored as bin + 1).
      const drop = mem[h + 2];
      mem[h + 3] = (drop === 1 ? 0 : context % drop) * (bins + 3) + bin + 1;
    }
    if (this.#count < o.warmup) {
      this.#count++;
      return 0;
    }
    const novelty = unseen / grids;
    const rested = this.#sinceHigh > o.rest;
    if (novelty >= o.restLevel) this.#sinceHigh = 1;
    else if (this.#sinceHigh < NEVER) this.#sinceHigh++;
    return rested ? novelty : 0;
  }

  snapshot(): ContextualState {
    const contexts: number[] = [];
    for (let g = 0; g < this.#grids; g++) contexts.push(this.#mem[4 * g + 3]);
    return {
      range: Number.isFinite(this.#min) ? [this.#min, this.#max] : null,
      contexts,
      seen: encodeBase64(this.#seenBytes()),
      count: this.#count,
      sinceHigh: this.#sinceHigh,
    };
  }

  /** The bit set's bytes (little-endian words), a view on the working memory. */
  #seenBytes(): Uint8Array {
    const start = 16 * this.#grids;
    return new Uint8Array(this.#mem.buffer, start, this.#mem.byteLength - start);
  }
}
