/** JSON state of a {@link ContextualDetector}. */
export interface ContextualState {
  /** Lowest and highest value seen so far (null before the first value). */
  readonly range: readonly [min: number, max: number] | null;
  /** Bins of the last `order` values per grid, newest last, −1 = none yet. */
  readonly recent: number[];
  /** Seen transitions of every grid as a bit set, base64. */
  readonly seen: string;
  readonly count: number;
  /** Points since the novelty last reached the rest level (null = never). */
  readonly sinceHigh: number | null;
}

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
 * Detector): every value is quantised into a few bins over the range seen so
 * far (on several grids), and the detector remembers which "context → bin"
 * transitions (the bins of the previous `order` values, then the current
 * bin) it has ever seen. The raw score is the share of grids whose current
 * transition is new — a level, a jump or a rhythm the metric has never shown.
 * After a high score the detector rests (one incident, one alarm).
 *
 * Memory is a fixed bit set ((bins + 1)^order · bins bits per grid), so the
 * cost is O(grids · order) per point and the snapshot is a few hundred bytes.
 *
 * @example
 * ```ts
 * const d = new ContextualDetector({ grids: [6, 8], order: 1, rest: 50, restLevel: 0.75, warmup: 50 });
 * for (let i = 0; i < 200; i++) d.update(i % 2);
 * d.update(0.5); // 0: inside the known range, but its bins were seen
 * d.update(5); // 1: a new level (new top bin on every grid)
 * ```
 */
export class ContextualDetector {
  readonly #o: ContextualOptions;
  readonly #offsets: Int32Array;
  readonly #bits: Uint8Array;
  readonly #recent: Int32Array;
  #min = Infinity;
  #max = -Infinity;
  #count = 0;
  #sinceHigh = Infinity;

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
    this.#offsets = new Int32Array(grids.length + 1);
    for (let g = 0; g < grids.length; g++) {
      this.#offsets[g + 1] = this.#offsets[g] + (grids[g] + 1) ** order * grids[g];
    }
    this.#bits = new Uint8Array(Math.ceil(this.#offsets[grids.length] / 8));
    this.#recent = new Int32Array(grids.length * order).fill(-1);
    if (state) {
      if (state.range) [this.#min, this.#max] = state.range;
      this.#recent.set(state.recent);
      this.#bits.set(decodeBase64(state.seen, this.#bits.length));
      this.#count = state.count;
      this.#sinceHigh = state.sinceHigh ?? Infinity;
    }
  }

  /** Scores `value` (0 = every grid has seen this transition; 1 = none has), then learns it. */
  update(value: number): number {
    const o = this.#o;
    if (value < this.#min) this.#min = value;
    if (value > this.#max) this.#max = value;
    const span = this.#max - this.#min;
    const grids = o.grids;
    const order = o.order;
    const recent = this.#recent;
    let unseen = 0;
    for (let g = 0; g < grids.length; g++) {
      const bins = grids[g];
      let bin = span > 0 ? Math.floor((value - this.#min) / span * bins) : 0;
      if (bin >= bins) bin = bins - 1;
      // Index of the transition: the previous bins (each 0..bins, bins + 1 = none), then this one.
      let key = 0;
      const base = g * order;
      for (let k = 0; k < order; k++) key = key * (bins + 1) + recent[base + k] + 1;
      const bit = this.#offsets[g] + key * bins + bin;
      const byte = bit >> 3;
      const mask = 1 << (bit & 7);
      if ((this.#bits[byte] & mask) === 0) {
        unseen++;
        this.#bits[byte] |= mask;
      }
      for (let k = 0; k < order - 1; k++) recent[base + k] = recent[base + k + 1];
      recent[base + order - 1] = bin;
    }
    this.#count++;
    const novelty = this.#count > o.warmup ? unseen / grids.length : 0;
    const rested = this.#sinceHigh > o.rest;
    this.#sinceHigh = novelty >= o.restLevel ? 1 : this.#sinceHigh + 1;
    return rested ? novelty : 0;
  }

  snapshot(): ContextualState {
    return {
      range: this.#count > 0 ? [this.#min, this.#max] : null,
      recent: Array.from(this.#recent),
      seen: encodeBase64(this.#bits),
      count: this.#count,
      sinceHigh: Number.isFinite(this.#sinceHigh) ? this.#sinceHigh : null,
    };
  }
}

/** Base64 of bytes (standard alphabet, padded). */
export function encodeBase64(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

/** Bytes of base64 `text`; throws when they are not `length` bytes (when given). */
export function decodeBase64(text: string, length?: number): Uint8Array {
  const raw = atob(text);
  if (length !== undefined && raw.length !== length) {
    throw new RangeError(
      `Cannot restore detector state: expected ${length} bytes, got ${raw.length}`,
    );
  }
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}
