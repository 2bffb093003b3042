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

/** Everything the engine broadcasts on its bus and the live WebSocket. */
export type EngineEvent =
  | TelemetryEvent
  | AnomalyEvent
  | StatusEvent
  | SupervisionEvent
  | RegisteredEvent;
