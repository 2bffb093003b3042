/** Bounds on one history backtest, so a request cannot stall the engine. */
export interface BacktestLimits {
  /** Longest range replayed, in ms. */
  readonly maxRangeMs: number;
  /** Most raw points read, over every machine and metric. */
  readonly maxPoints: number;
  /** Most ticks evaluated: machines × range / tickMs. */
  readonly maxTicks: number;
  /** Most transitions listed per machine (all are still counted). */
  readonly maxTransitions: number;
}

/**
 * 7 days (raw history is kept that long), 2 million points, 6 million ticks
 * (a day of 1 s ticks on 69 machines, about 6 s of work) and 500 transitions
 * per machine.
 */
export const DEFAULT_BACKTEST_LIMITS: BacktestLimits = {
  maxRangeMs: 7 * 86_400_000,
  maxPoints: 2_000_000,
  maxTicks: 6_000_000,
  maxTransitions: 500,
};

/**
 * A backtest asked for more work than {@link BacktestLimits} allow; the
 * message says which bound, by how much, and how to stay within it.
 *
 * @example
 * ```ts
 * throw new BacktestLimitError(
 *   "maxRangeMs",
 *   "Cannot backtest 30 d: at most 7 d; choose a shorter range",
 * );
 * ```
 */
export class BacktestLimitError extends RangeError {
  /** The bound that was passed. */
  readonly limit: keyof BacktestLimits;

  constructor(limit: keyof BacktestLimits, message: string) {
    super(message);
    this.name = "BacktestLimitError";
    this.limit = limit;
  }
}
