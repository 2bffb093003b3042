/** How long to wait before the n-th consecutive retry. */
export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  readonly minBackoffMs: number;
  /** Cap of the exponential delay (before jitter), in ms. */
  readonly maxBackoffMs: number;
  /** Fraction (0..1) by which the delay is randomly spread up or down. */
  readonly jitter: number;
}

// 2 ** 1024 is Infinity, and 0 * Infinity would make the delay NaN.
const MAX_EXPONENT = 1023;

/**
 * The exponential backoff delay before retry number `attempt` (0-based):
 * `min(maxBackoffMs, minBackoffMs · 2^attempt)`, spread by ± `jitter` using
 * `random` (a `Math.random`-like source in [0, 1)), rounded to whole ms. The
 * spread keeps actors that crashed together from restarting together, so at
 * the cap the delay may exceed `maxBackoffMs` by up to the jitter fraction.
 *
 * @example
 * ```ts
 * const policy = { minBackoffMs: 100, maxBackoffMs: 1_000, jitter: 0 };
 * backoffDelay(0, policy, Math.random); // 100
 * backoffDelay(3, policy, Math.random); // 800
 * backoffDelay(9, policy, Math.random); // 1000
 * ```
 */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const base = Math.min(
    policy.maxBackoffMs,
    policy.minBackoffMs * 2 ** Math.min(attempt, MAX_EXPONENT),
  );
  const spread = policy.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base * (1 + spread)));
}
