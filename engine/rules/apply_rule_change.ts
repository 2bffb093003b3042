import { compileRule } from "./_compiled_rule.ts";
import { retireRun, reviseRun } from "./_rule_lifecycle.ts";
import type { RuleOutput, RuleTransition } from "./alert_transition.ts";
import { machineTimeOf } from "./evaluate_rules.ts";
import type { Rule } from "./rule.ts";
import { ruleAppliesTo } from "./rule_scope.ts";
import type { RuleEngineState } from "./rule_state.ts";

/** A rule was created or edited (a new version, maybe disabled), or deleted. */
export type RuleChange =
  | { readonly kind: "upsert"; readonly rule: Rule }
  | { readonly kind: "delete"; readonly ruleId: string };

/**
 * Applies a rule change to one machine's rule state at once, without a
 * restart, and returns the transitions it causes. The policy:
 *
 * - **Condition or `for` changed** (new version): a running `for` timer
 *   restarts from the next evaluation; rate windows the new condition still
 *   reads are kept. An active alert stays active and is judged by the new
 *   clear condition (or hysteresis) from the next evaluation on; it is never
 *   raised again, and keeps the version and severity it was raised with.
 * - **Anything else changed** (name, severity, cooldown, schedule, flapping,
 *   clear condition): running state stays; the new values apply from the
 *   next evaluation (cooldown counts from the last clear, so a shorter
 *   cooldown may end at once). A new severity applies to the next alert.
 * - **Disabled**, **deleted**, or **scope no longer includes the machine**:
 *   the active alert is cleared with reason `rule_disabled`, `rule_deleted`
 *   or `out_of_scope` (and a flapping alert ended), never held, and the run
 *   state is dropped: re-enabling starts afresh.
 * - A rule the machine has no state for yet (new rule) needs nothing: state
 *   starts at the next evaluation.
 *
 * {@link evaluateRules} applies the same policy by itself when it sees a new
 * version or misses a rule, so a change is never lost; calling this makes it
 * take effect now rather than on the next input. Updates `state` in place.
 *
 * @example
 * ```ts
 * import type { Rule } from "./rule.ts";
 * import type { RuleEngineState } from "./rule_state.ts";
 *
 * declare const state: RuleEngineState, rule: Rule;
 *
 * const { transitions } = applyRuleChange(
 *   state,
 *   { kind: "upsert", rule: { ...rule, version: 4, enabled: false } },
 *   Date.now(),
 * );
 * transitions[0]?.type; // "cleared" (reason "rule_disabled") if an alert was active
 * ```
 */
export function applyRuleChange(
  state: RuleEngineState,
  change: RuleChange,
  now: number,
): RuleOutput {
  const ruleId = change.kind === "delete" ? change.ruleId : change.rule.id;
  const run = state.rules[ruleId];
  if (run === undefined) return { transitions: [] };
  const at = machineTimeOf(state, now);
  state.lastAt = at;
  const transitions: RuleTransition[] = [];
  if (change.kind === "delete") {
    retireRun(state, ruleId, "rule_deleted", at, transitions);
  } else if (!change.rule.enabled) {
    retireRun(state, ruleId, "rule_disabled", at, transitions);
  } else if (!ruleAppliesTo(change.rule.scope, state.target)) {
    retireRun(state, ruleId, "out_of_scope", at, transitions);
  } else if (run.version !== change.rule.version) {
    reviseRun(run, compileRule(change.rule));
  }
  return { transitions };
}
