/**
 * The shape of an alert rule. Rules arrive as JSON and pass through
 * {@link validateRule} (validate_rule.ts) before the engine trusts them; every
 * duration is in milliseconds.
 *
 * @module
 */

import type { MachineStatus } from "../events.ts";
import type { RuleSchedule } from "./schedule.ts";

/** How urgent an alert is. */
export type Severity = "low" | "medium" | "high" | "critical";

/** Every severity, least urgent first. */
export const SEVERITIES: readonly Severity[] = ["low", "medium", "high", "critical"];

/** Comparison of a value with one threshold. */
export type ComparisonOp = ">" | ">=" | "<" | "<=";

/** Comparison of a value with a band `[low, high]` (both ends inclusive). */
export type RangeOp = "between" | "outside";

/**
 * A metric's latest value compared with a threshold. `clearValue` adds
 * hysteresis: once the alert is raised it clears only when the value crosses
 * back past `clearValue` (for `>`/`>=`: value < clearValue; for `<`/`<=`:
 * value > clearValue), e.g. raise above 90, clear below 85.
 */
export interface MetricComparison {
  readonly kind: "metric";
  readonly metric: string;
  readonly op: ComparisonOp;
  readonly value: number;
  readonly clearValue?: number;
}

/**
 * A metric's latest value inside (`between`) or outside (`outside`) a band.
 * `clearValue` is the band that holds a raised alert: wider for `between`,
 * narrower for `outside`.
 */
export interface MetricRange {
  readonly kind: "metric";
  readonly metric: string;
  readonly op: RangeOp;
  readonly value: readonly [number, number];
  readonly clearValue?: readonly [number, number];
}

/**
 * How fast a metric moves, in units per minute, over the last `windowMs` of
 * the machine's own samples: (latest − oldest kept in the window) / elapsed
 * minutes. Samples are kept at most one per 1/16 of the window (bounded
 * memory), so the span measured is 15/16 to all of the window. Unknown (so
 * false) until the samples span half the window.
 */
export interface RatePredicate {
  readonly kind: "rate";
  readonly metric: string;
  readonly windowMs: number;
  readonly op: ComparisonOp;
  readonly value: number;
  readonly clearValue?: number;
}

/** The metric (or, without `metric`, any metric) was flagged anomalous in its latest value. */
export interface AnomalyPredicate {
  readonly kind: "anomaly";
  readonly metric?: string;
}

/** The metric's latest anomaly score is at least `value` (hysteresis: clears below `clearValue`). */
export interface AnomalyScorePredicate {
  readonly kind: "anomaly_score";
  readonly metric: string;
  readonly value: number;
  readonly clearValue?: number;
}

/**
 * The metric's latest forecast crosses `op value` within the next
 * `withinMs`: its mean path (straight lines between the predicted points
 * after now) first satisfies the comparison at most `withinMs` ahead.
 * Forecasts arrive with samples as predicted paths (`RuleForecast`, fed by
 * the machine actor's forecaster every few seconds, and replayed by the
 * backtest); without one the predicate is false. Its explanation reads
 * "temp reaches 90 in about 14 min (80 % 11–18 min)".
 *
 * @example
 * ```ts
 * const soon: ForecastPredicate = {
 *   kind: "forecast_crosses", metric: "temp", op: ">", value: 90, withinMs: 900_000,
 * };
 * ```
 */
export interface ForecastPredicate {
  readonly kind: "forecast_crosses";
  readonly metric: string;
  readonly op: ComparisonOp;
  readonly value: number;
  readonly withinMs: number;
}

/** No new value of the metric (or, without `metric`, of any metric) for `forMs`. */
export interface NoDataPredicate {
  readonly kind: "no_data";
  readonly metric?: string;
  readonly forMs: number;
}

/** The machine's status equals `value`. */
export interface StatusPredicate {
  readonly kind: "status";
  readonly value: MachineStatus;
}

/** A leaf of a condition tree. */
export type Predicate =
  | MetricComparison
  | MetricRange
  | RatePredicate
  | AnomalyPredicate
  | AnomalyScorePredicate
  | ForecastPredicate
  | NoDataPredicate
  | StatusPredicate;

/** True when every child is (AND). */
export interface AllCondition {
  readonly all: readonly Condition[];
}

/** True when some child is (OR). */
export interface AnyCondition {
  readonly any: readonly Condition[];
}

/** True when the child is not. */
export interface NotCondition {
  readonly not: Condition;
}

/** A tree of AND / OR / NOT over predicates. */
export type Condition = AllCondition | AnyCondition | NotCondition | Predicate;

/**
 * Which machines a rule watches: those of one factory, narrowed to the listed
 * machine types and/or machines (a machine matches if either list names it;
 * with neither list, every machine of the factory).
 */
export interface RuleScope {
  readonly factory: string;
  readonly machineTypes?: readonly string[];
  readonly machines?: readonly string[];
}

/** `transitions` raise/clear transitions within `windowMs` make a rule flap. */
export interface FlappingPolicy {
  readonly transitions: number;
  readonly windowMs: number;
}

/** Used when a rule names no flapping policy: 6 transitions (3 raises) in 10 min. */
export const DEFAULT_FLAPPING: FlappingPolicy = { transitions: 6, windowMs: 10 * 60_000 };

/**
 * An alert rule, one version of it.
 *
 * @example
 * ```ts
 * const rule: Rule = {
 *   id: "press-vibration", name: "Press vibration", version: 3, enabled: true,
 *   scope: { factory: "plant-1", machineTypes: ["press"] },
 *   condition: { kind: "metric", metric: "vibration", op: ">", value: 7.1, clearValue: 6.5 },
 *   forMs: 120_000, severity: "high", cooldownMs: 600_000,
 * };
 * ```
 */
export interface Rule {
  readonly id: string;
  readonly name: string;
  /** Grows with every edit; running state is revised when it changes. */
  readonly version: number;
  readonly enabled: boolean;
  readonly scope: RuleScope;
  readonly condition: Condition;
  /**
   * Clears the alert when true. Without it the alert clears when `condition`
   * (with each `clearValue` in place of its threshold) is false.
   */
  readonly clear?: Condition;
  /** How long `condition` must hold before the alert is raised; 0 raises at once. */
  readonly forMs: number;
  readonly severity: Severity;
  /** After a clear, no new alert for this long. */
  readonly cooldownMs: number;
  /** When the rule may raise; always without one. */
  readonly schedule?: RuleSchedule;
  /** Defaults to {@link DEFAULT_FLAPPING}; `false` turns detection off. */
  readonly flapping?: FlappingPolicy | false;
}
