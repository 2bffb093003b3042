import type { MachineRef } from "./telemetry.ts";

/** Health of a machine as operators see it. */
export type MachineStatus = "normal" | "anomalous" | "stale" | "quarantined";

/** A telemetry point as it leaves the actor, with per-metric anomaly flags. */
export interface TelemetryEvent extends MachineRef {
  readonly type: "telemetry";
  readonly ts: number;
  readonly values: Readonly<Record<string, number>>;
  /** Metrics whose value in this point was flagged anomalous. */
  readonly anomalous: readonly string[];
}

/** Why a point was flagged. */
export type AnomalyReason = "sigma" | "above_threshold" | "below_threshold";

/** One anomalous value, emitted beside its telemetry event. */
export interface AnomalyEvent extends MachineRef {
  readonly type: "anomaly";
  readonly ts: number;
  readonly metric: string;
  readonly value: number;
  readonly reason: AnomalyReason;
  /** |value − mean| / σ at the time of the point (0 when σ is unknown). */
  readonly score: number;
  /** The band the value fell outside of. */
  readonly expected: { readonly low: number; readonly high: number };
  /** Which detector flagged it: `threshold`, `sigma`, `mad`, `ewma`, `cusum`, `flatline`. */
  readonly detector?: string;
  /** Calibrated anomaly score in [0, 1] from the detection stack (1 for a threshold breach). */
  readonly anomalyScore?: number;
  /** One line for operators: metric, detector, expected range, score (and the multivariate view). */
  readonly explanation?: string;
}

/** A machine's status changed. */
export interface StatusEvent extends MachineRef {
  readonly type: "status";
  readonly ts: number;
  readonly status: MachineStatus;
  readonly previous: MachineStatus | null;
  readonly reason: string;
}

/** What the supervisor decided about an actor. */
export type SupervisionDecision =
  | "spawn"
  | "restore"
  | "restart"
  | "quarantine"
  | "passivate"
  | "stop";

/** Every supervision decision is published (DESIGN "Actor rules"). */
export interface SupervisionEvent extends MachineRef {
  readonly type: "supervision";
  readonly ts: number;
  readonly decision: SupervisionDecision;
  readonly reason: string;
  /** For `restart`: the backoff before the actor runs again. */
  readonly delayMs?: number;
  /** For `restart` and `quarantine`: restarts counted in the current window. */
  readonly restarts?: number;
}

/** A machine or a metric was seen for the first time. */
export interface RegisteredEvent extends MachineRef {
  readonly type: "registered";
  readonly ts: number;
  /** Empty for a new machine; the new metric names otherwise. */
  readonly metrics: readonly string[];
}

/** Alert severities, lowest first. */
export type AlertSeverity = "low" | "medium" | "high" | "critical";

/**
 * What happened to an alert: raised, cleared, flapping… by a machine's rule
 * evaluation (inside its actor), or acknowledged, shelved… by an operator.
 */
export type AlertAction =
  | "raised"
  | "cleared"
  | "flapping"
  | "flapping_ended"
  | "suppressed"
  | "acknowledged"
  | "shelved"
  | "unshelved";

/** An alert changed (`alert` on the bus and the live WebSocket). */
export interface AlertEvent extends MachineRef {
  readonly type: "alert";
  readonly ts: number;
  readonly action: AlertAction;
  /** `${ruleId}:${machine}:${raisedAt}`; null for `suppressed` (nothing was raised). */
  readonly alertId: string | null;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly ruleVersion: number;
  readonly severity: AlertSeverity;
  /** In words: "vibration 7.4 > 7.1 for 2 min". */
  readonly explanation: string;
  /** Latest values of the metrics the rule reads. */
  readonly values: Readonly<Record<string, number>>;
  /** The rule is flapping: record it, do not notify. */
  readonly held?: boolean;
  /** Why it cleared (`condition`, `rule_disabled`, `rule_deleted`, `out_of_scope`, `manual`). */
  readonly reason?: string;
  /** Who did it, for operator actions. */
  readonly by?: string;
  readonly note?: string;
  /** For `shelved`: until when; for `suppressed`: when the cooldown ends. */
  readonly until?: number;
}

/**
 * Stored history was lost on purpose: the InfluxDB spool passed its byte
 * bound during an outage and its oldest points of this machine were dropped.
 */
export interface HistoryDroppedEvent extends MachineRef {
  readonly type: "history_dropped";
  readonly ts: number;
  /** Values dropped, and the time span they covered (epoch ms). */
  readonly points: number;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

/**
 * A new vibration spectrum of one axis is available (throttled per machine
 * and axis); read it from `GET /api/v1/factories/{f}/machines/{m}/spectrum?axis=`.
 */
export interface SpectrumEvent extends MachineRef {
  readonly type: "spectrum";
  readonly ts: number;
  readonly axis: string;
  /** Broadband velocity RMS (10–1,000 Hz), mm/s. */
  readonly velocityRms: number;
  /** ISO 10816-3 zone of the velocity for the machine's group and foundation. */
  readonly isoZone: "A" | "B" | "C" | "D";
}

/** One predicted step of a {@link ForecastEvent}: mean and 80 % interval at `ts`. */
export interface ForecastEventPoint {
  readonly ts: number;
  readonly mean: number;
  readonly low: number;
  readonly high: number;
}

/**
 * When the forecast crosses a threshold, in ms after the forecast's `ts`
 * (null: not within the horizon), with the interval's bounds and the
 * sentence shown to people.
 */
export interface ForecastEventCrossing {
  readonly op: ">" | ">=" | "<" | "<=";
  readonly value: number;
  readonly expectedMs: number | null;
  readonly earliestMs: number | null;
  readonly latestMs: number | null;
  readonly horizonMs: number;
  /** "temp reaches 90 in about 14 min (80 % 11–18 min)". */
  readonly text: string;
}

/**
 * A metric's refreshed forecast, at most every few seconds per metric: the
 * path ahead of `ts` (the latest resampled step) and the crossing estimates
 * of the metric's configured thresholds and forecast rules.
 */
export interface ForecastEvent extends MachineRef {
  readonly type: "forecast";
  readonly ts: number;
  readonly metric: string;
  /** Resampling step of the model (ms). */
  readonly step: number;
  /** Fitted value at `ts`: where the path starts. */
  readonly value: number;
  /** Nominal coverage of `[low, high]`, e.g. 0.8. */
  readonly coverage: number;
  /** Seasonal period in use (ms), or null. */
  readonly period: number | null;
  readonly horizon: readonly ForecastEventPoint[];
  readonly crossings: readonly ForecastEventCrossing[];
}

/** Everything the engine broadcasts on its bus and the live WebSocket. */
export type EngineEvent =
  | TelemetryEvent
  | AnomalyEvent
  | StatusEvent
  | SupervisionEvent
  | RegisteredEvent
  | AlertEvent
  | HistoryDroppedEvent
  | ForecastEvent
  | SpectrumEvent
  | PredictionEvent;

/**
 * A fault classifier's verdict on a machine's recent feature window
 * (engine/learning/live_predictor.ts): periodically, and after each anomaly.
 */
export interface PredictionEvent extends MachineRef {
  readonly type: "prediction";
  /** The end of the window predicted on (epoch ms). */
  readonly ts: number;
  readonly machineType: string;
  readonly modelVersion: number;
  /** The most probable class (`normal` or a fault class). */
  readonly class: string;
  /** Its probability (0..1). */
  readonly confidence: number;
  /** Every class with its probability, most probable first. */
  readonly top: ReadonlyArray<{ readonly class: string; readonly p: number }>;
  /** What asked for it: the periodic sweep or an anomaly. */
  readonly trigger: "periodic" | "anomaly";
}
