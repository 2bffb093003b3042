import type { RuleTransition } from "../rules/mod.ts";

/** How a rule would have behaved on one machine. */
export interface BacktestSummary {
  /** Alerts raised. */
  readonly raises: number;
  /** Raises held because the rule was flapping (counted in `raises` too). */
  readonly heldRaises: number;
  /** Raises the cooldown suppressed (one per cooldown). */
  readonly suppressed: number;
  /** Times the rule started flapping. */
  readonly flapping: number;
  /** Total time an alert was active within the range, in ms. */
  readonly activeMs: number;
  /** An alert was still active at the end of the range. */
  readonly activeAtEnd: boolean;
}

/**
 * Counts the raises of a backtest and adds up how long alerts were active:
 * from each raise to its clear, or to `to` for one still active then.
 *
 * @example
 * ```ts
 * import type { RuleTransition } from "../rules/mod.ts";
 *
 * declare const transitions: readonly RuleTransition[], to: number;
 *
 * summarizeBacktest(transitions, to); // { raises: 3, activeMs: 540_000, activeAtEnd: false, … }
 * ```
 */
export function summarizeBacktest(
  transitions: readonly RuleTransition[],
  to: number,
): BacktestSummary {
  let raises = 0, heldRaises = 0, suppressed = 0, flapping = 0, activeMs = 0;
  let raisedAt: number | null = null;
  for (const transition of transitions) {
    switch (transition.type) {
      case "raised":
        raises++;
        if (transition.held) heldRaises++;
        raisedAt = transition.at;
        break;
      case "cleared":
        if (raisedAt !== null) activeMs += transition.at - raisedAt;
        raisedAt = null;
        break;
      case "suppressed":
        suppressed++;
        break;
      case "flapping":
        flapping++;
        break;
    }
  }
  if (raisedAt !== null) activeMs += Math.max(0, to - raisedAt);
  return { raises, heldRaises, suppressed, flapping, activeMs, activeAtEnd: raisedAt !== null };
}
