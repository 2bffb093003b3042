/**
 * Alert rules, evaluated inside the machine actors: a pure, synchronous
 * `evaluateRules(state, rules, input, now)` whose state is plain JSON for the
 * actor snapshot, so for each (rule, machine) there is at most one active
 * alert, restarts neither reset `for` timers nor raise active alerts again,
 * and a redelivered point never raises twice. Rules are checked at the edge
 * by `validateRule`, edited live through `applyRuleChange`, and replayed over
 * history by `backtestRule` with the same code.
 *
 * Policies (details on the functions):
 * - Time: a sample is evaluated at its own `ts`, a tick at `now` minus the
 *   receive lag of the newest sample; time never runs backwards.
 * - Values hold until replaced; unknown values make predicates false.
 * - Duplicates: values not newer than the metric's latest are ignored.
 * - `for`: the condition must hold at every evaluation for `forMs`; any
 *   evaluation where it fails restarts the timer.
 * - Clear: explicit `clear` condition, else the raise condition with each
 *   `clearValue` as threshold (hysteresis) turns false. At most one raise or
 *   clear per rule and instant; alert id `${ruleId}:${machine}:${at}`.
 * - Cooldown: from a clear, no raise for `cooldownMs`; the `for` timer keeps
 *   running and one `suppressed` transition says so.
 * - Schedule: outside it a rule does not raise and its `for` timer resets; an
 *   active alert stays until its clear condition holds (clearing is not
 *   scheduled).
 * - Flapping: N raise/clear transitions within T emit one `flapping` alert;
 *   later raises/clears still happen (so the one active alert stays true) but
 *   are marked `held`; after T without transitions `flapping_ended`.
 * - Rule changes: see `applyRuleChange`.
 *
 * @module
 */

export {
  type AllCondition,
  type AnomalyPredicate,
  type AnomalyScorePredicate,
  type AnyCondition,
  type ComparisonOp,
  type Condition,
  DEFAULT_FLAPPING,
  type FlappingPolicy,
  type ForecastPredicate,
  type MetricComparison,
  type MetricRange,
  type NoDataPredicate,
  type NotCondition,
  type Predicate,
  type RangeOp,
  type RatePredicate,
  type Rule,
  type RuleScope,
  SEVERITIES,
  type Severity,
  type StatusPredicate,
} from "./rule.ts";
export {
  type DateRange,
  isWithinSchedule,
  type LocalTime,
  localTimeAt,
  type RuleSchedule,
  type TimeOfDayRange,
  type Weekday,
  WEEKDAYS,
} from "./schedule.ts";
export { machineTypeOf, ruleAppliesTo, type RuleTarget } from "./rule_scope.ts";
export { type RuleValidation, type RuleValidationError, validateRule } from "./validate_rule.ts";
export { forecastThresholdsOf, ruleForecast } from "./forecast_input.ts";
export type {
  RuleForecast,
  RuleForecastPoint,
  RuleInput,
  RuleSample,
  RuleTick,
} from "./rule_input.ts";
export type {
  AlertCleared,
  AlertRaised,
  ClearReason,
  FlappingEnded,
  FlappingStarted,
  RaiseSuppressed,
  RuleOutput,
  RuleTransition,
  TransitionBase,
} from "./alert_transition.ts";
export {
  type ActiveAlert,
  type FlappingAlert,
  type MetricReading,
  newRuleEngineState,
  type RateWindow,
  type RuleEngineState,
  type RuleRunState,
} from "./rule_state.ts";
export { evaluateRules } from "./evaluate_rules.ts";
export { applyRuleChange, type RuleChange } from "./apply_rule_change.ts";
export { type BacktestOptions, backtestRule, type BacktestSample } from "./backtest.ts";
