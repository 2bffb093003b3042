import type { AlertEvent, AnomalyEvent, EngineEvent, MachineStatus } from "../../engine/events.ts";
import {
  evaluateRules,
  type Rule,
  type RuleInput,
  type RuleTransition,
} from "../../engine/rules/mod.ts";
import {
  type MachineOptions,
  type MachineState,
  type MetricState,
  newMetricState,
  type ThresholdTable,
  withTimeZone,
} from "./machine_state.ts";
import { expectedBand, sigmaScore, thresholdBreach } from "./sigma_detector.ts";
import type { ForecastPath } from "../../engine/forecast/mod.ts";
import { forecastEvent, forecastOf, forecastThresholds, ruleForecasts } from "./metric_forecast.ts";
import { explainAnomaly } from "./anomaly_explanation.ts";

/** Messages a machine actor understands. */
export type MachineMessage =
  | {
    readonly kind: "telemetry";
    readonly ts: number;
    readonly metrics: Readonly<Record<string, number>>;
  }
  | { readonly kind: "tick" }
  | { readonly kind: "thresholds"; readonly thresholds: ThresholdTable }
  /** Per-metric detector sensitivity (1 = default, > 1 = less sensitive; clamped to [0.5, 3]). */
  | { readonly kind: "sensitivity"; readonly sensitivity: Readonly<Record<string, number>> }
  /** The factory's rules changed; actors of other factories ignore it. */
  | { readonly kind: "rules"; readonly factory: string; readonly rules: readonly Rule[] }
  /** The factory's time zone changed (rule schedules follow it); other factories ignore it. */
  | { readonly kind: "timeZone"; readonly factory: string; readonly timeZone: string };

/** A telemetry row to store: `values[i]` of metric `metrics[i]` at `ts`, of the actor's machine. */
export interface StoredRow {
  readonly ts: number;
  readonly metrics: readonly string[];
  readonly values: readonly number[];
}

/** What handling one message asks the outside world to do. */
export interface MachineEffects {
  /** The values to store (a telemetry message's, judged or not), as one row: no object per point. */
  readonly row: StoredRow | undefined;
  readonly events: EngineEvent[];
}

/**
 * The machine actor's logic as a function of (state, message, now): it
 * updates `state` in place and returns the row to store and the events to
 * publish. No I/O, no clock reads: tests drive it with plain numbers.
 *
 * A value whose timestamp is not newer than the metric's latest is stored
 * (stores are idempotent on series and time) but not judged again, so a QoS 1
 * redelivery or a late point never raises a second anomaly or skews the
 * window.
 *
 * @example
 * ```ts
 * import { DEFAULT_MACHINE_OPTIONS, newMachineState } from "./machine_state.ts";
 *
 * const state = newMachineState({ factory: "f", machine: "m" }, { thresholds: {}, rules: [] });
 * const { row, events } = handleMachineMessage(
 *   state,
 *   { kind: "telemetry", ts: 1_000, metrics: { temp: 20 } },
 *   1_000,
 *   DEFAULT_MACHINE_OPTIONS,
 * );
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
    case "tick": {
      const events: EngineEvent[] = [];
      updateStatus(state, now, options, events);
      evaluate(state, { kind: "tick", status: state.status }, now, events);
      return { row: undefined, events };
    }
    case "thresholds":
      state.thresholds = message.thresholds;
      return { row: undefined, events: [] };
    case "sensitivity":
      for (const metric in message.sensitivity) {
        state.detector.setSensitivity(metric, message.sensitivity[metric]);
      }
      return { row: undefined, events: [] };
    case "timeZone": {
      if (message.factory !== state.ref.factory) return { row: undefined, events: [] };
      state.ruleState = withTimeZone(state.ruleState, message.timeZone);
      // Evaluate at once: a schedule window may have opened or closed in the new zone.
      const events: EngineEvent[] = [];
      evaluate(state, { kind: "tick", status: state.status }, now, events);
      return { row: undefined, events };
    }
    case "rules": {
      if (message.factory !== state.ref.factory) return { row: undefined, events: [] };
      state.rules = message.rules;
      // Evaluate at once so a disabled or deleted rule clears its alert now, not at the next tick.
      const events: EngineEvent[] = [];
      evaluate(state, { kind: "tick", status: state.status }, now, events);
      return { row: undefined, events };
    }
  }
}

/** Runs the machine's rules and appends their transitions as alert events. */
function evaluate(state: MachineState, input: RuleInput, now: number, events: EngineEvent[]): void {
  // No rules and no running rule state: nothing to raise or clear, so skip the work.
  if (state.rules.length === 0 && state.ruleState.ruleCount === 0) return;
  const { transitions } = evaluateRules(state.ruleState, state.rules, input, now);
  for (const transition of transitions) events.push(alertEvent(transition));
}

function alertEvent(t: RuleTransition): AlertEvent {
  const base = {
    type: "alert" as const,
    factory: t.factory,
    machine: t.machine,
    ts: t.at,
    ruleId: t.ruleId,
    ruleName: t.ruleName,
    ruleVersion: t.ruleVersion,
    severity: t.severity,
    explanation: t.explanation,
    values: t.values,
  };
  switch (t.type) {
    case "raised":
      return { ...base, action: "raised", alertId: t.alertId, held: t.held };
    case "cleared":
      return { ...base, action: "cleared", alertId: t.alertId, held: t.held, reason: t.reason };
    case "flapping":
      return { ...base, action: "flapping", alertId: t.alertId };
    case "flapping_ended":
      return { ...base, action: "flapping_ended", alertId: t.alertId };
    case "suppressed":
      return { ...base, action: "suppressed", alertId: null, reason: t.reason, until: t.until };
  }
}

/** Where the warming loads' sum goes, so that they are not optimised away. */
const WARMED = new Float64Array(1);
/** The slots of the row being handled (one handler runs at a time; reused, not reallocated). */
const ROW_SLOTS: MetricState[] = [];

/**
 * One telemetry row. This runs for every message of every machine, so it
 * allocates only what it hands on (the row, events) and reaches each metric's
 * window, detector and forecaster through one map lookup (see `MetricState`).
 */
function handleTelemetry(
  state: MachineState,
  ts: number,
  metrics: Readonly<Record<string, number>>,
  now: number,
  options: MachineOptions,
): MachineEffects {
  const { factory, machine } = state.ref;
  const events: EngineEvent[] = [];
  const values: Record<string, number> = {};
  const anomalous: string[] = [];
  // The rules read the σ scores; without rules nothing does.
  const ruled = state.rules.length > 0 || state.ruleState.ruleCount > 0;
  const scores: Record<string, number> | undefined = ruled ? {} : undefined;
  const firstContact = state.lastReceivedAt === -Infinity && state.metrics.size === 0;
  let anomalies: AnomalyEvent[] | undefined;
  let newMetrics: string[] | undefined;
  /** Fresh forecasts (at most one per metric every few seconds). */
  let forecasts: [string, ForecastPath][] | undefined;
  let judged = 0;

  // One pass over the row: each metric's slot (a new one on first contact),
  // and its state on its way from memory with the others' (see MetricDetector.warm).
  // Exact-size arrays: an empty one grown by push would take room for 17.
  const rowNames = Object.keys(metrics);
  const count = rowNames.length;
  const rowValues = new Array<number>(count);
  let warmth = 0;
  for (let i = 0; i < count; i++) {
    const metric = rowNames[i];
    let slot = state.metrics.get(metric);
    if (slot === undefined) {
      slot = newMetricState(options);
      state.metrics.set(metric, slot);
      (newMetrics ??= []).push(metric);
    } else {
      warmth += slot.window.warm() + (slot.detector?.warm() ?? 0) + (slot.forecast?.warm() ?? 0);
    }
    rowValues[i] = metrics[metric];
    ROW_SLOTS[i] = slot;
  }
  WARMED[0] = warmth;
  // Operating-mode switches first, so the row's other metrics are judged in the new mode.
  for (let i = 0; i < count; i++) {
    const value = rowValues[i];
    if (value !== 0 && value !== 1) continue;
    const slot = ROW_SLOTS[i];
    if (!slot.twoState || ts <= slot.lastTs) continue;
    state.detector.observeMode(rowNames[i], value);
  }
  for (let i = 0; i < count; i++) {
    const metric = rowNames[i];
    const value = rowValues[i];
    const slot = ROW_SLOTS[i];
    if (ts <= slot.lastTs) continue;
    const window = slot.window;
    const twoState = slot.twoState && (value === 0 || value === 1);
    const thresholds = state.thresholds[metric];
    // Thresholds flag as before; the σ-only test gives way to the detection stack.
    const breach = thresholdBreach(value, thresholds);
    const score = sigmaScore(value, window, twoState, options.detector);
    // Explanations of flagged points only: the anomaly event is the one reader. The verdict is
    // the detector's own object (read here, before its next judge; its band copied out).
    const detection = twoState
      ? undefined
      : (slot.detector ??= state.detector.metric(metric)).judge(value, ts, false);
    const flagged = breach !== undefined || detection?.flagged === true;
    // The same incident going on: no new anomaly event, but evidence for the machine's status.
    if (!flagged && detection?.continuing === true) state.sigmaAnomalyTimes.push(now);
    if (flagged) {
      anomalous.push(metric);
      (anomalies ??= []).push({
        type: "anomaly",
        factory,
        machine,
        ts,
        metric,
        value,
        reason: breach ?? "sigma",
        score,
        // The window's band is read before the value joins it.
        expected: breach !== undefined || detection === undefined
          ? expectedBand(window, thresholds, twoState, options.detector)
          : { low: detection.expected.low, high: detection.expected.high },
        detector: breach !== undefined ? "threshold" : detection!.detector,
        anomalyScore: breach !== undefined ? 1 : detection!.score,
      });
    }
    window.push(ts, value);
    slot.lastTs = ts;
    slot.lastValue = value;
    slot.lastAnomalous = flagged || detection?.continuing === true;
    slot.twoState &&= value === 0 || value === 1;
    if (options.forecast !== false) {
      slot.forecast ??= forecastOf(state.forecasts, metric, options.forecast, state.phase);
      const path = slot.forecast.observe(ts, value);
      if (path !== null && !slot.twoState) (forecasts ??= []).push([metric, path]);
    }
    values[metric] = value;
    if (scores !== undefined) scores[metric] = score;
    judged++;
  }
  if (judged > 0) {
    const flaggedRow = anomalies !== undefined;
    const multivariate = state.detector.observeRow(values, !flaggedRow, flaggedRow);
    if (anomalies !== undefined) {
      for (let i = 0; i < anomalies.length; i++) {
        anomalies[i] = { ...anomalies[i], explanation: explainAnomaly(anomalies[i], multivariate) };
      }
    }
  }

  if (firstContact) events.push({ type: "registered", factory, machine, ts, metrics: [] });
  if (newMetrics !== undefined) {
    events.push({ type: "registered", factory, machine, ts, metrics: newMetrics });
  }
  state.lastReceivedAt = Math.max(state.lastReceivedAt, now);
  if (judged > 0) events.push({ type: "telemetry", factory, machine, ts, values, anomalous });
  if (anomalies !== undefined) {
    for (const anomaly of anomalies) {
      if (anomaly.reason === "sigma") state.sigmaAnomalyTimes.push(now);
      else state.lastBreachAt = now;
      events.push(anomaly);
    }
  }
  if (forecasts !== undefined) {
    for (const [metric, path] of forecasts) {
      const thresholds = forecastThresholds(metric, state.thresholds[metric], state.rules);
      events.push(forecastEvent(state.ref, metric, path, thresholds));
    }
  }
  updateStatus(state, now, options, events);
  if (judged > 0 && ruled) {
    // Copied for the rules only when a forecast_crosses predicate reads them.
    const forRules = forecasts === undefined ? [] : ruleForecasts(forecasts, state.rules);
    evaluate(
      state,
      {
        kind: "sample",
        ts,
        values,
        anomalous,
        scores: scores!,
        status: state.status,
        ...(forRules.length > 0 ? { forecasts: forRules } : {}),
      },
      now,
      events,
    );
  }
  ROW_SLOTS.fill(undefined!, 0, count); // no actor's state kept alive from here
  const row = count > 0 ? { ts, metrics: rowNames, values: rowValues } : undefined;
  return { row, events };
}

/** Recomputes the status from the clock; appends a status event to `events` when it changed. */
function updateStatus(
  state: MachineState,
  now: number,
  options: MachineOptions,
  events: EngineEvent[],
): void {
  if (state.lastReceivedAt === -Infinity) return;
  const next = deriveStatus(state, now, options);
  if (next === state.status) return;
  const previous = state.status;
  state.status = next;
  events.push({
    type: "status",
    factory: state.ref.factory,
    machine: state.ref.machine,
    ts: now,
    status: next,
    previous,
    reason: statusReason(state, next, now, options),
  });
}

/** The machine's status now; drops σ-anomaly times older than the hold window. */
function deriveStatus(state: MachineState, now: number, options: MachineOptions): MachineStatus {
  if (now - state.lastReceivedAt > options.staleAfterMs) return "stale";
  const since = now - options.anomalyHoldMs;
  const times = state.sigmaAnomalyTimes;
  while (times.length > 0 && times[0] <= since) times.shift();
  // Once anomalous, one σ-anomaly in the window keeps it so (no flapping at the edge).
  const sigmaNeeded = state.status === "anomalous" ? 1 : options.sigmaAnomaliesForStatus;
  return state.lastBreachAt > since || times.length >= sigmaNeeded ? "anomalous" : "normal";
}

/** Why the machine is in `status` (just derived by {@link deriveStatus} at `now`). */
function statusReason(
  state: MachineState,
  status: MachineStatus,
  now: number,
  options: MachineOptions,
): string {
  if (status === "stale") {
    return `no telemetry for ${Math.round((now - state.lastReceivedAt) / 1000)} s`;
  }
  if (status !== "anomalous") return "telemetry within expected bands";
  const flagged = [...state.metrics].filter(([, m]) => m.lastAnomalous).map(([n]) => n);
  const window = `${Math.round(options.anomalyHoldMs / 1000)} s`;
  return flagged.length > 0
    ? `anomalous ${flagged.join(", ")}`
    : state.lastBreachAt > now - options.anomalyHoldMs
    ? `threshold breached within the last ${window}`
    : `${state.sigmaAnomalyTimes.length} anomalies within the last ${window}`;
}
