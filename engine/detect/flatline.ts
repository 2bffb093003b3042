import type { StreamingDetector } from "./detector.ts";

/** JSON state of a {@link FlatlineDetector}. */
export interface FlatlineState {
  readonly last: number;
  readonly run: number;
  /** EWMA of the share of steps that repeat the previous value. */
  readonly repeatShare: number;
  readonly count: number;
  /** Steps that changed the value: a signal that never moved is constant, not stuck. */
  readonly moves: number;
}

/**
 * Stuck sensor: counts how many consecutive values repeat the previous one
 * and compares the run with the run length the metric's own history makes
 * likely (a signal that usually moves reaches score 1 after `minRun` repeats;
 * one that often repeats needs a much longer run). The score is the ratio of
 * the run to that limit. O(1).
 *
 * @example
 * ```ts
 * const d = new FlatlineDetector({ minRun: 20 });
 * for (let i = 0; i < 200; i++) d.update(Math.sin(i));
 * let s = 0;
 * for (let i = 0; i < 30; i++) s = d.update(0.5);
 * s >= 1; // true
 * ```
 */
export class FlatlineDetector implements StreamingDetector {
  readonly name = "flatline" as const;
  readonly #minRun: number;
  #s: { last: number; run: number; repeatShare: number; count: number; moves: number };
  expectedLow = -Infinity;
  expectedHigh = Infinity;

  constructor(options: { minRun: number }, state?: FlatlineState) {
    this.#minRun = options.minRun;
    this.#s = state
      ? { ...state, moves: state.moves ?? 0 }
      : { last: NaN, run: 0, repeatShare: 0, count: 0, moves: 0 };
  }

  /** Reads the state {@link update} starts with (see `MetricDetector.update`). */
  warm(): number {
    return this.#s.repeatShare + this.#s.run;
  }

  update(value: number): number {
    const s = this.#s;
    const repeat = value === s.last;
    s.run = repeat ? s.run + 1 : 0;
    if (!repeat && s.count > 0) s.moves++;
    // Learn the repeat share only outside long runs, so being stuck is not learnt as normal.
    if (s.run < this.#minRun) {
      s.repeatShare += (repeat ? 1 - s.repeatShare : -s.repeatShare) * 0.01;
    }
    s.last = value;
    s.count++;
    if (s.count < 2 * this.#minRun || s.moves < this.#minRun) return 0;
    // Expected longest run of a geometric process ~ log(n)/log(1/p); keep it simple and bounded.
    const p = Math.min(0.999, s.repeatShare);
    const expectedRun = p <= 0 ? 1 : Math.log(1000) / -Math.log(p);
    this.expectedLow = this.expectedHigh = value;
    return s.run / Math.max(this.#minRun, 2 * expectedRun);
  }

  snapshot(): FlatlineState {
    return { ...this.#s };
  }
}
