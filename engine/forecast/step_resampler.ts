/** Options of a {@link StepResampler}. */
export interface StepResamplerOptions {
  /** Inter-arrival gaps measured before the step is fixed (their median). */
  readonly warmupGaps: number;
  /** The step is at least this (ms). */
  readonly minStepMs: number;
  /** Gaps up to this many steps are filled by straight lines; longer ones restart. */
  readonly maxFillSteps: number;
  /**
   * Where in a step the grid starts, in [0, 1) of a step (default 0: steps
   * start at multiples of the step since the epoch). Series whose steps are
   * fixed together (an engine start) would otherwise all complete a step in
   * the same moment, a burst of model updates every step.
   */
  readonly phase?: number;
}

/** The resampler's whole state: plain JSON. */
export interface StepResamplerState {
  /** Fixed step (ms), or null while the gaps are still being measured. */
  step: number | null;
  /** Points seen before the step was fixed, `[ts, value]` (at most warmupGaps + 1). */
  pending: Array<[number, number]>;
  /** Start of the step grid (ms, `phase` × step); absent in older states, meaning 0. */
  offset?: number;
  /** Bucket index ((ts − offset) / step) in progress, and its running sum and count. */
  bucket: number | null;
  sum: number;
  count: number;
  /** Sum of the timestamps in the bucket in progress. */
  tsSum: number;
  /** The last emitted bucket and its value, or null. */
  lastBucket: number | null;
  lastValue: number;
}

/**
 * What the resampler emits: a value per step, stamped with the mean time of
 * its samples (a filled step: its middle), or a restart after a long gap.
 */
export type ResampledEvent =
  | { readonly kind: "step"; readonly ts: number; readonly value: number }
  | { readonly kind: "restart"; readonly ts: number };

/**
 * Turns irregular samples into one value per fixed step: the step is the
 * median of the first `warmupGaps` inter-arrival gaps (at least
 * `minStepMs`), a step's value is the mean of its samples, and missing steps
 * are filled by a straight line (up to `maxFillSteps`; past that the series
 * restarts). A step is emitted when a later sample shows it is complete.
 * O(1) per sample apart from filled gaps; memory O(warmupGaps).
 *
 * @example
 * ```ts
 * const r = new StepResampler({ warmupGaps: 8, minStepMs: 1_000, maxFillSteps: 64 });
 * r.push(0, 20, (e) => console.log(e));
 * ```
 */
export class StepResampler {
  readonly #options: StepResamplerOptions;
  // The state's fields, on the resampler itself rather than in a state
  // object: every sample reads them, one pointer fewer to chase from memory.
  #step: number | null;
  #pending: Array<[number, number]>;
  #offset: number | undefined;
  #bucket: number | null;
  #sum: number;
  #count: number;
  #tsSum: number;
  #lastBucket: number | null;
  #lastValue: number;

  constructor(options: StepResamplerOptions, state?: StepResamplerState) {
    if (!Number.isInteger(options.warmupGaps) || options.warmupGaps < 1) {
      throw new RangeError(
        `Cannot resample: 'warmupGaps' must be a positive integer: current value is ${options.warmupGaps}`,
      );
    }
    if (!(options.minStepMs > 0)) {
      throw new RangeError(
        `Cannot resample: 'minStepMs' must be positive: current value is ${options.minStepMs}`,
      );
    }
    if (options.phase !== undefined && !(options.phase >= 0 && options.phase < 1)) {
      throw new RangeError(
        `Cannot resample: 'phase' must be in [0, 1): current value is ${options.phase}`,
      );
    }
    this.#options = options;
    const s = state ?? StepResampler.initialState();
    this.#step = s.step;
    this.#pending = s.pending.map(([t, v]) => [t, v]);
    this.#offset = s.offset;
    this.#bucket = s.bucket;
    this.#sum = s.sum;
    this.#count = s.count;
    this.#tsSum = s.tsSum;
    this.#lastBucket = s.lastBucket;
    this.#lastValue = s.lastValue;
  }

  /** The state of a resampler that has seen nothing (a fresh object each call). */
  static initialState(): StepResamplerState {
    return {
      step: null,
      pending: [],
      bucket: null,
      sum: 0,
      count: 0,
      tsSum: 0,
      lastBucket: null,
      lastValue: 0,
    };
  }

  /** Reads the state {@link push} starts with (see `MetricDetector.warm`). */
  warm(): number {
    return this.#sum + this.#tsSum;
  }

  /** The fixed step in ms, or null while it is being measured. */
  get step(): number | null {
    return this.#step;
  }

  /** The state, for snapshots (a copy). */
  toJSON(): StepResamplerState {
    return {
      step: this.#step,
      pending: this.#pending.map(([t, v]) => [t, v]),
      ...(this.#offset === undefined ? {} : { offset: this.#offset }),
      bucket: this.#bucket,
      sum: this.#sum,
      count: this.#count,
      tsSum: this.#tsSum,
      lastBucket: this.#lastBucket,
      lastValue: this.#lastValue,
    };
  }

  /**
   * Feeds one sample (timestamps increasing; older ones are ignored) and
   * calls `emit` for every step it completes. `minStep` raises the step once
   * it is fixed (the caller bounds the horizon in steps).
   */
  push(ts: number, value: number, emit: (event: ResampledEvent) => void, minStep = 0): void {
    if (this.#step === null) {
      const previous = this.#pending.at(-1);
      if (previous !== undefined && ts <= previous[0]) return;
      this.#pending.push([ts, value]);
      if (this.#pending.length <= this.#options.warmupGaps) return;
      const pending = this.#pending;
      const gaps = pending.slice(1).map(([t], i) => t - pending[i][0]).sort((a, b) => a - b);
      const middle = gaps.length >> 1;
      const median = gaps.length % 2 === 1 ? gaps[middle] : (gaps[middle - 1] + gaps[middle]) / 2;
      this.#step = Math.ceil(Math.max(median, this.#options.minStepMs, minStep));
      this.#offset = Math.round((this.#options.phase ?? 0) * this.#step);
      this.#pending = [];
      for (const [t, v] of pending) this.#add(t, v, emit);
      return;
    }
    this.#add(ts, value, emit);
  }

  #add(ts: number, value: number, emit: (event: ResampledEvent) => void): void {
    const step = this.#step!;
    const offset = this.#offset ?? 0;
    const bucket = Math.floor((ts - offset) / step);
    if (this.#bucket === null) {
      this.#bucket = bucket;
      this.#sum = value;
      this.#tsSum = ts;
      this.#count = 1;
      return;
    }
    if (bucket < this.#bucket) return;
    if (bucket === this.#bucket) {
      this.#sum += value;
      this.#tsSum += ts;
      this.#count++;
      return;
    }
    const done = this.#bucket, doneValue = this.#sum / this.#count;
    const doneTs = this.#tsSum / this.#count;
    const lastBucket = this.#lastBucket;
    if (lastBucket !== null && done - lastBucket > this.#options.maxFillSteps) {
      emit({ kind: "restart", ts: offset + done * step });
    } else if (lastBucket !== null) {
      // Fill the missing steps between the last emitted one and this one.
      const from = lastBucket, span = done - from, lastValue = this.#lastValue;
      for (let b = from + 1; b < done; b++) {
        emit({
          kind: "step",
          ts: offset + b * step + step / 2,
          value: lastValue + (doneValue - lastValue) * (b - from) / span,
        });
      }
    }
    emit({ kind: "step", ts: doneTs, value: doneValue });
    this.#lastBucket = done;
    this.#lastValue = doneValue;
    this.#bucket = bucket;
    this.#sum = value;
    this.#tsSum = ts;
    this.#count = 1;
  }
}
