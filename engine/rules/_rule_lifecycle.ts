import type { CompiledRule } from "./_compiled_rule.ts";
import { formatDuration } from "./_explain_format.ts";
import type { ClearReason, RuleTransition } from "./alert_transition.ts";
import type { Rule } from "./rule.ts";
import type { RuleEngineState, RuleRunState } from "./rule_state.ts";
import { isWithinSchedule } from "./schedule.ts";

const RETIREMENT: Readonly<Record<Exclude<ClearReason, "condition">, string>> = {
  rule_disabled: "rule disabled",
  rule_deleted: "rule deleted",
  out_of_scope: "machine left the rule's scope",
};

/** Fresh run state for a rule seen for the first time on a machine. */
export function newRunState(compiled: CompiledRule): RuleRunState {
  return {
    version: compiled.rule.version,
    conditionHash: compiled.conditionHash,
    pendingSince: null,
    active: null,
    clearedAt: null,
    cooldownNoted: false,
    transitionTimes: [],
    lastTransitionAt: null,
    flapping: null,
    rates: {},
  };
}

/**
 * Brings run state up to a new version of its rule (the documented change
 * policy): a changed condition or `for` restarts the `for` timer and drops
 * rate windows the new condition does not read; the active alert, the
 * cooldown and the flapping record stay (the active alert is judged by the
 * new clear condition from the next evaluation on, never raised again).
 */
export function reviseRun(run: RuleRunState, compiled: CompiledRule): void {
  run.version = compiled.rule.version;
  if (run.conditionHash === compiled.conditionHash) return;
  run.conditionHash = compiled.conditionHash;
  run.pendingSince = null;
  for (const key in run.rates) {
    if (!compiled.rates.some((rate) => rate.key === key)) delete run.rates[key];
  }
}

/**
 * Ends a rule's life on a machine: clears its active alert and its flapping
 * alert with `reason` (never held: people must learn the alert is gone) and
 * forgets its run state.
 */
export function retireRun(
  state: RuleEngineState,
  ruleId: string,
  reason: Exclude<ClearReason, "condition">,
  at: number,
  out: RuleTransition[],
): void {
  const run = state.rules[ruleId];
  if (run === undefined) return;
  const { factory, machine } = state.target;
  const explanation = RETIREMENT[reason];
  const active = run.active;
  if (active !== null) {
    out.push({
      type: "cleared",
      alertId: active.id,
      factory,
      machine,
      ruleId,
      ruleName: active.ruleName,
      ruleVersion: active.ruleVersion,
      severity: active.severity,
      at,
      explanation,
      values: {},
      reason,
      held: false,
    });
  }
  if (run.flapping !== null) {
    out.push({
      type: "flapping_ended",
      alertId: run.flapping.id,
      factory,
      machine,
      ruleId,
      ruleName: run.flapping.ruleName,
      ruleVersion: run.flapping.ruleVersion,
      severity: run.flapping.severity,
      at,
      explanation,
      values: {},
      activeAlertId: null,
    });
  }
  delete state.rules[ruleId];
  state.ruleCount--;
}

/**
 * One evaluation of one rule at machine time `at`: ends flapping once calm,
 * clears an active alert whose clear condition holds, or advances the `for`
 * timer and raises. At most one raise or clear per rule and instant, so alert
 * ids (`${ruleId}:${machine}:${at}`) never repeat.
 */
export function stepRule(
  state: RuleEngineState,
  run: RuleRunState,
  compiled: CompiledRule,
  at: number,
  out: RuleTransition[],
): void {
  const { rule, flapping: policy } = compiled;
  if (run.flapping !== null) {
    const calm = policy === null || at - (run.lastTransitionAt ?? at) >= policy.windowMs;
    if (calm) endFlapping(state, run, rule, at, out);
  }

  if (run.active !== null) {
    const clears = compiled.clear !== null
      ? compiled.clear.test(state, run, at)
      : !compiled.hold.test(state, run, at);
    if (!clears || !isAfterLastTransition(run, at)) return;
    const explanation = compiled.clear !== null
      ? compiled.clear.describe(state, run, at, true)
      : compiled.hold.describe(state, run, at, false);
    const alert = run.active;
    run.active = null;
    run.clearedAt = at;
    run.pendingSince = null;
    run.cooldownNoted = false;
    noteTransition(state, run, compiled, at, out);
    out.push({
      type: "cleared",
      alertId: alert.id,
      factory: state.target.factory,
      machine: state.target.machine,
      ruleId: rule.id,
      ruleName: alert.ruleName,
      ruleVersion: alert.ruleVersion,
      severity: alert.severity,
      at,
      explanation,
      values: valuesOf(state, compiled),
      reason: "condition",
      held: run.flapping !== null,
    });
    return;
  }

  // Outside its schedule a rule neither raises nor keeps a `for` timer running.
  if (
    rule.schedule !== undefined && !isWithinSchedule(rule.schedule, at, state.target.timeZone)
  ) {
    run.pendingSince = null;
    return;
  }
  if (!compiled.raise.test(state, run, at)) {
    run.pendingSince = null;
    return;
  }
  if (run.pendingSince === null) run.pendingSince = at;
  if (at - run.pendingSince < rule.forMs) return;
  if (run.clearedAt !== null && at < run.clearedAt + rule.cooldownMs) {
    if (!run.cooldownNoted) {
      run.cooldownNoted = true;
      const until = run.clearedAt + rule.cooldownMs;
      out.push({
        type: "suppressed",
        factory: state.target.factory,
        machine: state.target.machine,
        ruleId: rule.id,
        ruleName: rule.name,
        ruleVersion: rule.version,
        severity: rule.severity,
        at,
        explanation: `${explainRaise(state, run, compiled, at)}, but in cooldown for ${
          formatDuration(until - at)
        }`,
        values: valuesOf(state, compiled),
        reason: "cooldown",
        until,
      });
    }
    return;
  }
  if (!isAfterLastTransition(run, at)) return;
  const alertId = `${rule.id}:${state.target.machine}:${at}`;
  run.active = {
    id: alertId,
    raisedAt: at,
    ruleVersion: rule.version,
    ruleName: rule.name,
    severity: rule.severity,
  };
  noteTransition(state, run, compiled, at, out);
  out.push({
    type: "raised",
    alertId,
    factory: state.target.factory,
    machine: state.target.machine,
    ruleId: rule.id,
    ruleName: rule.name,
    ruleVersion: rule.version,
    severity: rule.severity,
    at,
    explanation: explainRaise(state, run, compiled, at),
    values: valuesOf(state, compiled),
    held: run.flapping !== null,
  });
}

function isAfterLastTransition(run: RuleRunState, at: number): boolean {
  return run.lastTransitionAt === null || at > run.lastTransitionAt;
}

function explainRaise(
  state: RuleEngineState,
  run: RuleRunState,
  compiled: CompiledRule,
  at: number,
): string {
  const why = compiled.raise.describe(state, run, at, true);
  const forMs = compiled.rule.forMs;
  return forMs > 0 ? `${why} for ${formatDuration(forMs)}` : why;
}

/** Records a raise/clear; starts flapping (emitting its alert) when there were too many. */
function noteTransition(
  state: RuleEngineState,
  run: RuleRunState,
  compiled: CompiledRule,
  at: number,
  out: RuleTransition[],
): void {
  run.lastTransitionAt = at;
  const policy = compiled.flapping;
  if (policy === null) return;
  const times = run.transitionTimes;
  times.push(at);
  while (times.length > policy.transitions) times.shift();
  if (run.flapping !== null || times.length < policy.transitions) return;
  if (at - times[0] >= policy.windowMs) return;
  const { rule } = compiled;
  const alertId = `${rule.id}:${state.target.machine}:${at}:flapping`;
  run.flapping = {
    id: alertId,
    since: at,
    ruleVersion: rule.version,
    ruleName: rule.name,
    severity: rule.severity,
  };
  const window = formatDuration(policy.windowMs);
  out.push({
    type: "flapping",
    alertId,
    factory: state.target.factory,
    machine: state.target.machine,
    ruleId: rule.id,
    ruleName: rule.name,
    ruleVersion: rule.version,
    severity: rule.severity,
    at,
    explanation: `${times.length} transitions within ${
      formatDuration(at - times[0])
    }: notifications held until calm for ${window}`,
    values: valuesOf(state, compiled),
    transitions: times.length,
    windowMs: policy.windowMs,
  });
}

function endFlapping(
  state: RuleEngineState,
  run: RuleRunState,
  rule: Rule,
  at: number,
  out: RuleTransition[],
): void {
  const flapping = run.flapping!;
  const policy = rule.flapping;
  run.flapping = null;
  run.transitionTimes.length = 0;
  out.push({
    type: "flapping_ended",
    alertId: flapping.id,
    factory: state.target.factory,
    machine: state.target.machine,
    ruleId: rule.id,
    ruleName: flapping.ruleName,
    ruleVersion: flapping.ruleVersion,
    severity: flapping.severity,
    at,
    explanation: policy === false
      ? "flapping detection turned off"
      : `calm for ${formatDuration(at - (run.lastTransitionAt ?? at))}`,
    values: {},
    activeAlertId: run.active?.id ?? null,
  });
}

function valuesOf(state: RuleEngineState, compiled: CompiledRule): Record<string, number> {
  const values: Record<string, number> = {};
  for (const metric of compiled.metrics) {
    const reading = state.metrics[metric];
    if (reading !== undefined) values[metric] = reading.value;
  }
  return values;
}
