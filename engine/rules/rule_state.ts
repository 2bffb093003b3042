import type { MachineStatus } from "../events.ts";
import type { Severity } from "./rule.ts";
import type { RuleForecast } from "./rule_input.ts";
import { machineTypeOf, type RuleTarget } from "./rule_scope.ts";

/** The one alert a (rule, machine) may have active. */
export interface ActiveAlert {
  readonly id: string;
  readonly raisedAt: number;
  readonly ruleVersion: number;
  readonly ruleName: string;
  readonly severity: Severity;
}

/** The `flapping` alert of a (rule, machine) while it flaps. */
export interface FlappingAlert {
  readonly id: string;
  readonly since: number;
  readonly ruleVersion: number;
  readonly ruleName: string;
  readonly severity: Severity;
}

/**
 * Samples of one metric kept for one rate window, oldest first, thinned to at
 * most one per 1/16 of the window (so bounded whatever the sample rate). The
 * live part starts at `head`; older entries are cut off in batches.
 */
export interface RateWindow {
  readonly ts: number[];
  readonly values: number[];
  head: number;
}

/** What the rules know of one metric: its latest value and how it was judged. */
export interface MetricReading {
  value: number;
  /** The value's timestamp. */
  ts: number;
  anomalous: boolean;
  /** Its anomaly score; 0 when the sample gave none. */
  score: number;
}

/** Running state of one rule on one machine. Plain JSON. */
export interface RuleRunState {
  /** The rule version this state was last revised for. */
  version: number;
  /** Fingerprint of the rule's condition and `for`; a change restarts the timer. */
  conditionHash: string;
  /** When the condition started to hold without a break (the `for` timer), or null. */
  pendingSince: number | null;
  active: ActiveAlert | null;
  /** When the last alert cleared (cooldown runs from here), or null. */
  clearedAt: number | null;
  /** A `suppressed` transition was emitted in the current cooldown. */
  cooldownNoted: boolean;
  /** Times of recent raise/clear transitions, at most the flapping policy's count. */
  transitionTimes: number[];
  lastTransitionAt: number | null;
  flapping: FlappingAlert | null;
  /** Rate windows by `${metric}|${windowMs}`. */
  rates: Record<string, RateWindow>;
}

/**
 * Everything the rules of one machine remember between inputs. It is plain
 * JSON (no Map, no Infinity, no undefined), so it goes into the actor's
 * snapshot as is and `JSON.parse(JSON.stringify(state))` restores it: running
 * `for` timers keep their start, active alerts stay active and are not raised
 * again.
 */
export interface RuleEngineState {
  readonly version: 1;
  readonly target: Required<RuleTarget>;
  /** Time of the first evaluation (`no_data` counts from here before any data), or null. */
  startedAt: number | null;
  /** Time of the latest evaluation on the machine's time axis, or null. */
  lastAt: number | null;
  /** Newest sample timestamp, or null. */
  lastSampleTs: number | null;
  /** Receive time − sample time of the newest sample: maps tick times onto the machine's axis. */
  lagMs: number;
  status: MachineStatus;
  /** The latest reading of each metric. */
  metrics: Record<string, MetricReading>;
  /** The latest forecast of each metric. */
  forecasts: Record<string, RuleForecast["points"]>;
  /** Run state by rule id, for enabled rules that apply to this machine. */
  rules: Record<string, RuleRunState>;
  /** How many entries `rules` has (spares counting them on every input). */
  ruleCount: number;
}

/**
 * An empty rule state for one machine.
 *
 * @example
 * ```ts
 * const state = newRuleEngineState({
 *   factory: "plant-1",
 *   machine: "press-01",
 *   timeZone: "Europe/Berlin",
 * });
 * state.target.machineType; // "press"
 * ```
 */
export function newRuleEngineState(target: RuleTarget): RuleEngineState {
  return {
    version: 1,
    target: {
      factory: target.factory,
      machine: target.machine,
      machineType: target.machineType ?? machineTypeOf(target.machine),
      timeZone: target.timeZone ?? "UTC",
    },
    startedAt: null,
    lastAt: null,
    lastSampleTs: null,
    lagMs: 0,
    status: "normal",
    metrics: {},
    forecasts: {},
    rules: {},
    ruleCount: 0,
  };
}
