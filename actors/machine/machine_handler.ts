import type { AnomalyEvent, EngineEvent, MachineStatus } from "../../engine/events.ts";
import type { SeriesPoint } from "../../engine/telemetry.ts";
import {
  type MachineOptions,
  type MachineState,
  newMetricState,
  type ThresholdTable,
} from "./machine_state.ts";
import { assessValue } from "./sigma_detector.ts";

/** Messages a machine actor understands. */
export type MachineMessage =
  | {
    readonly kind: "telemetry";
    readonly ts: number;
    readonly metrics: Readonly<Record<string, number>>;
  }
  | { readonly kind: "tick" }
  | { readonly kind: "thresholds"; readonly thresholds: ThresholdTable };

/** What handling one message asks the outside world to do. */
export interface MachineEffects {
  readonly points: SeriesPoint[];
  readonly events: EngineEvent[];
}

/**
 * The machine actor's logic as a function of (state, message, now): it
 * updates `state` in place and returns the points to store and the events to
 * publish. No I/O, no clock reads: tests drive it with plain numbers.
 *
 * A value whose timestamp is not newer than the metric's latest is stored
 * (stores are idempotent on series and time) but not judged again, so a QoS 1
 * redelivery or a late point never raises a second anomaly or skews the
 * window.
 *
 * @example
 * ```ts
 * const state = newMachineState({ factory: "f", machine: "m" }, {});
 * const { points, events } = handleMachineMessage(
 *   state, { kind: "telemetry", ts: 1_000, metrics: { temp: 20 } }, 1_000, DEFAULT_MACHINE_OPTIONS);
 * ```
 */
export function handleMachineMessage(
  state: MachineState,
  message: MachineMessage,
  now: number,
  options: MachineOptions,
): MachineEffects {
  switch (message.kind) {
    case "telemetry":
      return handleTelemetry(state, message.ts, message.metrics, now, options);
    case "tick":
      return { points: [], events: updateStatus(state, now, options) };
    case "thresholds":
      state.thresholds = message.thresholds;
      return { points: [], events: [] };
  }
}

function handleTelemetry(
  state: MachineState,
  ts: number,
  metrics: Readonly<Record<string, number>>,
  now: number,
  options: MachineOptions,
): MachineEffects {
  const { factory, machine } = state.ref;
  const points: SeriesPoint[] = [];
  const events: EngineEvent[] = [];
  const anomalies: AnomalyEvent[] = [];
  const values: Record<string, number> = {};
  const anomalous: string[] = [];
  const newMetrics: string[] = [];
  const firstContact = state.lastReceivedAt === -Infinity && state.metrics.size === 0;
  let judged = 0;

  for (const metric in metrics) {
    const value = metrics[metric];
    points.push({ factory, machine, metric, ts, value });
    let slot = state.metrics.get(metric);
    if (slot === undefined) {
      slot = newMetricState(options);
      state.metrics.set(metric, slot);
      newMetrics.push(metric);
    }
    if (ts <= slot.lastTs) continue;
    const verdict = assessValue(value, {
      stats: slot.window.stats(),
      thresholds: state.thresholds[metric],
      twoState: slot.twoState && (value === 0 || value === 1),
    }, options.detector);
    slot.window.push(ts, value);
    slot.lastTs = ts;
    slot.lastValue = value;
    slot.lastAnomalous = verdict.anomalous;
    slot.twoState &&= value === 0 || value === 1;
    values[metric] = value;
    judged++;
    if (verdict.anomalous) {
      anomalous.push(metric);
      anomalies.push({
        type: "anomaly",
        factory,
        machine,
        ts,
        metric,
        value,
        reason: verdict.reason!,
        score: verdict.score,
        expected: verdict.expected,
      });
    }
  }

  if (firstContact) events.push({ type: "registered", factory, machine, ts, metrics: [] });
  if (newMetrics.length > 0) {
    events.push({ type: "registered", factory, machine, ts, metrics: newMetrics });
  }
  state.lastReceivedAt = Math.max(state.lastReceivedAt, now);
  if (judged > 0) events.push({ type: "telemetry", factory, machine, ts, values, anomalous });
  for (const anomaly of anomalies) {
    if (anomaly.reason === "sigma") state.sigmaAnomalyTimes.push(now);
    else state.lastBreachAt = now;
  }
  events.push(...anomalies);
  events.push(...updateStatus(state, now, options));
  return { points, events };
}

/** Recomputes the status from the clock; returns a status event when it changed. */
function updateStatus(state: MachineState, now: number, options: MachineOptions): EngineEvent[] {
  if (state.lastReceivedAt === -Infinity) return [];
  const next = deriveStatus(state, now, options);
  if (next.status === state.status) return [];
  const previous = state.status;
  state.status = next.status;
  return [{
    type: "status",
    factory: state.ref.factory,
    machine: state.ref.machine,
    ts: now,
    status: next.status,
    previous,
    reason: next.reason,
  }];
}

function deriveStatus(
  state: MachineState,
  now: number,
  options: MachineOptions,
): { status: MachineStatus; reason: string } {
  const silentFor = now - state.lastReceivedAt;
  if (silentFor > options.staleAfterMs) {
    return { status: "stale", reason: `no telemetry for ${Math.round(silentFor / 1000)} s` };
  }
  const since = now - options.anomalyHoldMs;
  while (state.sigmaAnomalyTimes.length > 0 && state.sigmaAnomalyTimes[0] <= since) {
    state.sigmaAnomalyTimes.shift();
  }
  const breached = state.lastBreachAt > since;
  const sigmaCount = state.sigmaAnomalyTimes.length;
  // Once anomalous, one σ-anomaly in the window keeps it so (no flapping at the edge).
  const sigmaNeeded = state.status === "anomalous" ? 1 : options.sigmaAnomaliesForStatus;
  if (breached || sigmaCount >= sigmaNeeded) {
    const flagged = [...state.metrics].filter(([, m]) => m.lastAnomalous).map(([n]) => n);
    const window = `${Math.round(options.anomalyHoldMs / 1000)} s`;
    return {
      status: "anomalous",
      reason: flagged.length > 0
        ? `anomalous ${flagged.join(", ")}`
        : breached
        ? `threshold breached within the last ${window}`
        : `${sigmaCount} anomalies within the last ${window}`,
    };
  }
  return { status: "normal", reason: "telemetry within expected bands" };
}
