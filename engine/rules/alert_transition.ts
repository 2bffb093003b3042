import type { Severity } from "./rule.ts";

/** Why an alert cleared. */
export type ClearReason = "condition" | "rule_disabled" | "rule_deleted" | "out_of_scope";

/** What every transition says about its alert and rule. */
export interface TransitionBase {
  readonly factory: string;
  readonly machine: string;
  readonly ruleId: string;
  readonly ruleName: string;
  /** The version that raised the alert (for `raised`: the current one). */
  readonly ruleVersion: number;
  readonly severity: Severity;
  /** When it happened on the machine's time axis, epoch ms. */
  readonly at: number;
  /** Why, in words: "vibration 7.4 > 7.1 for 2 min". */
  readonly explanation: string;
  /** Latest values of the metrics the rule reads. */
  readonly values: Readonly<Record<string, number>>;
}

/** An alert was raised. `held`: the rule is flapping, so do not notify. */
export interface AlertRaised extends TransitionBase {
  readonly type: "raised";
  /** `${ruleId}:${machine}:${at}`, the same on every replay of the same data. */
  readonly alertId: string;
  readonly held: boolean;
}

/** An active alert cleared by itself (`condition`) or because its rule went away. */
export interface AlertCleared extends TransitionBase {
  readonly type: "cleared";
  readonly alertId: string;
  readonly reason: ClearReason;
  readonly held: boolean;
}

/** The rule flaps: raise/clear notifications are held until it calms. */
export interface FlappingStarted extends TransitionBase {
  readonly type: "flapping";
  /** `${ruleId}:${machine}:${at}:flapping`. */
  readonly alertId: string;
  readonly transitions: number;
  readonly windowMs: number;
}

/** The rule calmed down (or went away); notifications resume. */
export interface FlappingEnded extends TransitionBase {
  readonly type: "flapping_ended";
  /** The flapping alert's id. */
  readonly alertId: string;
  /** The rule's alert still active when flapping ended, if any. */
  readonly activeAlertId: string | null;
}

/** The condition held but the rule is in its cooldown: nothing raised (said once per cooldown). */
export interface RaiseSuppressed extends TransitionBase {
  readonly type: "suppressed";
  readonly reason: "cooldown";
  /** When the cooldown ends. */
  readonly until: number;
}

/** One thing that happened to a (rule, machine). */
export type RuleTransition =
  | AlertRaised
  | AlertCleared
  | FlappingStarted
  | FlappingEnded
  | RaiseSuppressed;

/** What one evaluation produced, in order. */
export interface RuleOutput {
  readonly transitions: readonly RuleTransition[];
}
