/** When a factory's alerts count as a storm. */
export interface StormPolicy {
  /** More than this many alert transitions of one factory inside `windowMs` is a storm. */
  readonly threshold: number;
  /** The sliding window, ms (a minute by default); also how long one digest collects. */
  readonly windowMs: number;
  /**
   * How long a factory's alerts wait before being sent one by one (default 0:
   * at once). Alerts still waiting when a storm is detected go into the
   * digest too, so with `groupWaitMs` = `windowMs` a storm yields nothing but
   * the digest, at the price of delaying every alert by that much.
   */
  readonly groupWaitMs: number;
}

/** 10 transitions per factory per minute, no group wait. */
export const DEFAULT_STORM_POLICY: StormPolicy = {
  threshold: 10,
  windowMs: 60_000,
  groupWaitMs: 0,
};

/** Throws a RangeError unless every field of `policy` is usable. */
export function checkStormPolicy(policy: StormPolicy): void {
  if (!Number.isInteger(policy.threshold) || policy.threshold < 1) {
    throw new RangeError(
      `Cannot use storm policy: 'threshold' must be a positive integer: current value is ${policy.threshold}`,
    );
  }
  if (!(policy.windowMs > 0 && Number.isFinite(policy.windowMs))) {
    throw new RangeError(
      `Cannot use storm policy: 'windowMs' must be a positive number: current value is ${policy.windowMs}`,
    );
  }
  if (!(policy.groupWaitMs >= 0 && policy.groupWaitMs <= policy.windowMs)) {
    throw new RangeError(
      `Cannot use storm policy: 'groupWaitMs' must be between 0 and 'windowMs' (${policy.windowMs}): current value is ${policy.groupWaitMs}`,
    );
  }
}

/**
 * Counts alert transitions per factory in a sliding window and says when a
 * factory is in a storm (more than `threshold` of them in `windowMs`).
 * Memory is bounded by the alerts inside one window.
 *
 * @example
 * ```ts
 * const storms = new StormDetector({ threshold: 2, windowMs: 60_000, groupWaitMs: 0 });
 * storms.record("demo", 0); // false
 * storms.record("demo", 1_000); // false
 * storms.record("demo", 2_000); // true: 3 in a minute
 * storms.record("demo", 70_000); // false: the first three have left the window
 * ```
 */
export class StormDetector {
  readonly #policy: StormPolicy;
  readonly #recent = new Map<string, number[]>();

  constructor(policy: StormPolicy) {
    checkStormPolicy(policy);
    this.#policy = policy;
  }

  /** Records one transition of `factory` at `at` (epoch ms, non-decreasing) and tells whether it is a storm. */
  record(factory: string, at: number): boolean {
    const times = this.#recent.get(factory) ?? [];
    times.push(at);
    const from = at - this.#policy.windowMs;
    let expired = 0;
    while (expired < times.length && times[expired] <= from) expired++;
    if (expired > 0) times.splice(0, expired);
    this.#recent.set(factory, times);
    return times.length > this.#policy.threshold;
  }

  /** Forgets factories with nothing left in their window (call now and then to bound memory). */
  prune(now: number): void {
    for (const [factory, times] of this.#recent) {
      if (times.length === 0 || times[times.length - 1] <= now - this.#policy.windowMs) {
        this.#recent.delete(factory);
      }
    }
  }
}
