import { backoffDelay, type BackoffPolicy } from "./backoff.ts";

/**
 * How a supervisor treats a crashing actor: restart it after an exponential
 * backoff with jitter, and quarantine it once it restarts too often.
 */
export interface SupervisionPolicy extends BackoffPolicy {
  /** Time an actor must run without crashing for its backoff to start again from `minBackoffMs`. */
  readonly resetAfterMs: number;
  /** Restarts allowed within `withinMs`; one more crash quarantines the actor. */
  readonly maxRestarts: number;
  /** Sliding window in which restarts are counted, in ms. */
  readonly withinMs: number;
}

/**
 * 100 ms doubling up to 30 s with ±20 % jitter, reset after a healthy minute;
 * more than 5 restarts within a minute quarantines.
 */
export const DEFAULT_SUPERVISION_POLICY: SupervisionPolicy = Object.freeze({
  minBackoffMs: 100,
  maxBackoffMs: 30_000,
  jitter: 0.2,
  resetAfterMs: 60_000,
  maxRestarts: 5,
  withinMs: 60_000,
});

/**
 * {@link DEFAULT_SUPERVISION_POLICY} with `overrides` applied, checked: throws
 * a `RangeError` naming the first setting out of range.
 *
 * @example
 * ```ts
 * const policy = supervisionPolicy({ maxRestarts: 3 });
 * supervisionPolicy({ jitter: 2 }); // throws RangeError
 * ```
 */
export function supervisionPolicy(overrides: Partial<SupervisionPolicy> = {}): SupervisionPolicy {
  const policy = { ...DEFAULT_SUPERVISION_POLICY, ...overrides };
  check("minBackoffMs", policy.minBackoffMs, "a finite number >= 0", (v) => v >= 0);
  check(
    "maxBackoffMs",
    policy.maxBackoffMs,
    `a finite number >= 'minBackoffMs' (${policy.minBackoffMs})`,
    (v) => v >= policy.minBackoffMs,
  );
  check("jitter", policy.jitter, "a number between 0 and 1", (v) => v >= 0 && v <= 1);
  check("resetAfterMs", policy.resetAfterMs, "a finite number >= 0", (v) => v >= 0);
  check(
    "maxRestarts",
    policy.maxRestarts,
    "an integer >= 0",
    (v) => Number.isInteger(v) && v >= 0,
  );
  check("withinMs", policy.withinMs, "a finite number > 0", (v) => v > 0);
  return Object.freeze(policy);
}

function check(
  name: keyof SupervisionPolicy,
  value: number,
  expected: string,
  ok: (value: number) => boolean,
): void {
  if (typeof value !== "number" || !Number.isFinite(value) || !ok(value)) {
    throw new RangeError(
      `Cannot create supervision policy: '${name}' must be ${expected}: current value is ${value}`,
    );
  }
}

/** What a supervisor remembers of one actor's restarts (a value; never mutated). */
export interface RestartHistory {
  /** When each restart still inside the window was decided (epoch ms), oldest first. */
  readonly restartTimes: readonly number[];
  /** Restarts since the actor was last healthy: the backoff exponent of the next restart. */
  readonly attempt: number;
  /** When the actor ran again after its latest restart (decision time + delay). */
  readonly resumedAt: number | undefined;
}

/** The history of an actor that never crashed. */
export const NO_RESTARTS: RestartHistory = Object.freeze({
  restartTimes: Object.freeze([]),
  attempt: 0,
  resumedAt: undefined,
});

/** Restart the actor after `delayMs`. */
export interface RestartDecision {
  readonly directive: "restart";
  /** Backoff before the actor runs again, in ms. */
  readonly delayMs: number;
  /** Restarts within the window, this one included. */
  readonly restarts: number;
  /** The history to pass to the next {@link decideOnCrash}. */
  readonly history: RestartHistory;
}

/** Stop the actor for good: it restarted too often. */
export interface QuarantineDecision {
  readonly directive: "quarantine";
  /** Restarts within the window that led to the quarantine. */
  readonly restarts: number;
  /** The history with restarts outside the window dropped. */
  readonly history: RestartHistory;
}

/** What to do about a crash, see {@link decideOnCrash}. */
export type CrashDecision = RestartDecision | QuarantineDecision;

/**
 * Decides what to do about an actor that crashed at `now`, given its
 * `history`. Pure: the decision and the history to keep come back as a value.
 *
 * - Restarts older than `withinMs` no longer count. If `maxRestarts` restarts
 *   remain in the window, this crash would be one too many: quarantine.
 * - Otherwise restart after `backoffDelay(attempt)`; `attempt` grows by one
 *   per restart and returns to 0 once the actor has run `resetAfterMs`
 *   without crashing since it last resumed.
 *
 * @example
 * ```ts
 * declare function restart(): void;
 * let history = NO_RESTARTS;
 * const decision = decideOnCrash(history, Date.now(), DEFAULT_SUPERVISION_POLICY, Math.random);
 * if (decision.directive === "restart") setTimeout(restart, decision.delayMs);
 * history = decision.history;
 * ```
 */
export function decideOnCrash(
  history: RestartHistory,
  now: number,
  policy: SupervisionPolicy,
  random: () => number,
): CrashDecision {
  const recent = history.restartTimes.filter((at) => now - at < policy.withinMs);
  if (recent.length >= policy.maxRestarts) {
    return {
      directive: "quarantine",
      restarts: recent.length,
      history: { ...history, restartTimes: recent },
    };
  }
  const healthy = history.resumedAt !== undefined && now - history.resumedAt >= policy.resetAfterMs;
  const attempt = healthy ? 0 : history.attempt;
  const delayMs = backoffDelay(attempt, policy, random);
  const restartTimes = [...recent, now];
  return {
    directive: "restart",
    delayMs,
    restarts: restartTimes.length,
    history: { restartTimes, attempt: attempt + 1, resumedAt: now + delayMs },
  };
}
