import type { MachineStatus } from "../events.ts";

/**
 * A metric's predicted path: values at future instants, in time order, with
 * the prediction interval's bounds when the forecaster gives them.
 */
export interface RuleForecast {
  readonly metric: string;
  readonly points: readonly RuleForecastPoint[];
}

/** One point of a {@link RuleForecast}. */
export interface RuleForecastPoint {
  readonly ts: number;
  readonly value: number;
  /** The interval's bounds (e.g. 80 %), when known. */
  readonly low?: number;
  readonly high?: number;
}

/**
 * One telemetry point of the machine, as the machine actor judged it.
 *
 * @example
 * ```ts
 * const input: RuleSample = {
 *   kind: "sample", ts: 1_000, values: { vibration: 7.4 }, anomalous: ["vibration"],
 *   scores: { vibration: 4.2 }, status: "anomalous",
 * };
 * ```
 */
export interface RuleSample {
  readonly kind: "sample";
  /** The point's own timestamp (epoch ms); the rules' time axis. */
  readonly ts: number;
  readonly values: Readonly<Record<string, number>>;
  /** Metrics flagged anomalous in this point. */
  readonly anomalous: readonly string[];
  /** Anomaly scores of this point's metrics (|value − mean| / σ). */
  readonly scores?: Readonly<Record<string, number>>;
  /** Replaces the metric's previous forecast; omitted metrics keep theirs. */
  readonly forecasts?: readonly RuleForecast[];
  readonly status: MachineStatus;
}

/** Time passed without a point: drives `for` timers, `no_data` and calming. */
export interface RuleTick {
  readonly kind: "tick";
  readonly status: MachineStatus;
}

/** What {@link evaluateRules} reacts to. */
export type RuleInput = RuleSample | RuleTick;
