import type { MachineStatus } from "../../engine/events.ts";
import { newRuleEngineState, type Rule, type RuleEngineState } from "../../engine/rules/mod.ts";
import type { MachineRef } from "../../engine/telemetry.ts";
import { cyclePhase } from "../../engine/actor/cycle_phase.ts";
import {
  DEFAULT_MACHINE_DETECTOR_OPTIONS,
  MachineDetector,
  type MachineDetectorOptions,
  type MachineDetectorState,
} from "../../engine/detect/machine_detector.ts";
import type { MetricDetector } from "../../engine/detect/metric_detector.ts";
import { RollingWindow, type RollingWindowOptions, type WindowSnapshot } from "./rolling_window.ts";
import {
  MetricForecast,
  type MetricForecastOptions,
  type MetricForecastSnapshot,
} from "./metric_forecast.ts";
import {
  DEFAULT_SIGMA_OPTIONS,
  type MetricThresholds,
  type SigmaDetectorOptions,
} from "./sigma_detector.ts";

/** Tunables of every machine actor. */
export interface MachineOptions {
  readonly window: RollingWindowOptions;
  readonly detector: SigmaDetectorOptions;
  /** No telemetry for this long makes a machine `stale`. */
  readonly staleAfterMs: number;
  /** A machine stays `anomalous` this long after the anomaly that made it so. */
  readonly anomalyHoldMs: number;
  /**
   * σ-anomalies within `anomalyHoldMs` that make a machine `anomalous`. One
   * 3σ excursion is expected every ~370 values of pure noise, so a single one
   * marks the point but does not flip the machine; a threshold breach does.
   */
  readonly sigmaAnomaliesForStatus: number;
  /** The detection stack (per-metric detectors, likelihood, isolation forest); defaults apply when absent. */
  readonly stack?: MachineDetectorOptions;
  /** Per-metric forecasts (cadence, horizon); `DEFAULT_METRIC_FORECAST_OPTIONS` when absent, off with `false`. */
  readonly forecast?: MetricForecastOptions | false;
}

export const DEFAULT_MACHINE_OPTIONS: MachineOptions = {
  window: { maxCount: 120, maxAgeMs: 10 * 60_000 },
  detector: DEFAULT_SIGMA_OPTIONS,
  staleAfterMs: 30_000,
  anomalyHoldMs: 30_000,
  sigmaAnomaliesForStatus: 2,
};

/** Per-metric thresholds of one machine, metric name → limits. */
export type ThresholdTable = Readonly<Record<string, MetricThresholds>>;

/** What a machine actor keeps of one metric. */
export interface MetricState {
  readonly window: RollingWindow;
  lastTs: number;
  lastValue: number;
  lastAnomalous: boolean;
  twoState: boolean;
  /**
   * The metric's detector in the machine's {@link MachineDetector} and its
   * forecaster in `forecasts`, once used: the handler reaches them from the
   * slot instead of looking them up in two more maps per value.
   */
  detector: MetricDetector | undefined;
  forecast: MetricForecast | undefined;
}

/** The whole state of one machine actor. Only its actor touches it. */
export interface MachineState {
  readonly ref: MachineRef;
  /** The machine's place in periodic cycles ({@link cyclePhase}), so machines spread their periodic work. */
  readonly phase: number;
  readonly metrics: Map<string, MetricState>;
  status: MachineStatus;
  /** Receive time (engine clock) of the latest telemetry; -Infinity before any. */
  lastReceivedAt: number;
  /** Engine-clock time of the latest threshold breach; -Infinity before any. */
  lastBreachAt: number;
  /** Engine-clock times of σ-anomalies within the hold window, oldest first. */
  sigmaAnomalyTimes: number[];
  thresholds: ThresholdTable;
  /** The factory's current alert rules (configuration: read at start, replaced by messages). */
  rules: readonly Rule[];
  /** Running rule state: `for` timers, active alerts, cooldowns (snapshotted). */
  ruleState: RuleEngineState;
  /** The detection stack's state (snapshotted: no cold start after a restart). */
  detector: MachineDetector;
  /** Each metric's forecaster (snapshotted), created with its first value. */
  readonly forecasts: Map<string, MetricForecast>;
}

/**
 * What survives passivation and restarts: JSON-serialisable. A partial
 * snapshot (between full ones) leaves out the costly, slowly-changing keys
 * `windows`, `detectors` and `forecasts`; the snapshot store keeps them from
 * the last full one.
 */
export interface MachineSnapshot {
  readonly version: 1;
  readonly status: MachineStatus;
  readonly lastReceivedAt: number | null;
  readonly lastBreachAt: number | null;
  readonly sigmaAnomalyTimes: readonly number[];
  readonly metrics: Record<string, {
    /** Only in snapshots from before `windows` existed. */
    readonly window?: WindowSnapshot;
    readonly lastTs: number;
    readonly lastValue: number;
    readonly lastAnomalous: boolean;
    readonly twoState: boolean;
  }>;
  /** Each metric's rolling window; in older snapshots it is the metric's `window`. */
  readonly windows?: Record<string, WindowSnapshot>;
  /** Absent in snapshots taken before rules existed. */
  readonly rules?: RuleEngineState;
  /** Absent in snapshots taken before the detection stack existed. */
  readonly detectors?: MachineDetectorState;
  /** Absent in snapshots taken before forecasts existed. */
  readonly forecasts?: Record<string, MetricForecastSnapshot>;
}

/** What a machine's actor is configured with when it starts. */
export interface MachineConfig {
  readonly thresholds: ThresholdTable;
  readonly rules: readonly Rule[];
  /** Per-metric detector sensitivity (1 = default, > 1 = less sensitive; clamped to [0.5, 3]). */
  readonly sensitivity?: Readonly<Record<string, number>>;
  /** The factory's IANA time zone: rule schedules without their own are in it (UTC if unset). */
  readonly timeZone?: string;
}

/** A machine seen for the first time. */
export function newMachineState(
  ref: MachineRef,
  config: MachineConfig = { thresholds: {}, rules: [] },
  stack: MachineDetectorOptions = DEFAULT_MACHINE_DETECTOR_OPTIONS,
): MachineState {
  const phase = cyclePhase(ref);
  const detector = new MachineDetector(stack, undefined, phase);
  for (const [metric, factor] of Object.entries(config.sensitivity ?? {})) {
    detector.setSensitivity(metric, factor);
  }
  return {
    ref,
    phase,
    metrics: new Map(),
    status: "normal",
    lastReceivedAt: -Infinity,
    lastBreachAt: -Infinity,
    sigmaAnomalyTimes: [],
    thresholds: config.thresholds,
    rules: config.rules,
    ruleState: newRuleEngineState({ ...ref, timeZone: config.timeZone }),
    detector,
    forecasts: new Map(),
  };
}

/** A fresh metric slot. */
export function newMetricState(options: MachineOptions): MetricState {
  return {
    window: new RollingWindow(options.window),
    lastTs: -Infinity,
    lastValue: NaN,
    lastAnomalous: false,
    twoState: true,
    detector: undefined,
    forecast: undefined,
  };
}

/**
 * The machine's snapshot; a partial one (`full` false) has the status, the
 * metrics' latest values and the rule state (timers, active alerts: these
 * must not go back in time) but not the windows, detectors and forecasts,
 * which are ~95 % of its size and cost little to lose for a few minutes.
 */
export function snapshotMachine(state: MachineState, full = true): MachineSnapshot {
  const metrics: Record<string, MachineSnapshot["metrics"][string]> = {};
  for (const [name, m] of state.metrics) {
    metrics[name] = {
      lastTs: m.lastTs,
      lastValue: m.lastValue,
      lastAnomalous: m.lastAnomalous,
      twoState: m.twoState,
    };
  }
  const core = {
    version: 1 as const,
    status: state.status,
    lastReceivedAt: Number.isFinite(state.lastReceivedAt) ? state.lastReceivedAt : null,
    lastBreachAt: Number.isFinite(state.lastBreachAt) ? state.lastBreachAt : null,
    sigmaAnomalyTimes: [...state.sigmaAnomalyTimes],
    metrics,
    rules: structuredClone(state.ruleState),
  };
  if (!full) return core;
  return {
    ...core,
    windows: Object.fromEntries(
      [...state.metrics].map(([name, m]) => [name, m.window.toSnapshot()]),
    ),
    detectors: state.detector.snapshot(),
    forecasts: Object.fromEntries(
      [...state.forecasts].map(([name, forecast]) => [name, forecast.toSnapshot()]),
    ),
  };
}

export function restoreMachine(
  ref: MachineRef,
  snapshot: MachineSnapshot,
  config: MachineConfig,
  options: MachineOptions,
): MachineState {
  const state: MachineState = {
    ...newMachineState(ref, config),
    ruleState: snapshot.rules === undefined
      ? newRuleEngineState({ ...ref, timeZone: config.timeZone })
      : withTimeZone(structuredClone(snapshot.rules), config.timeZone),
  };
  state.status = snapshot.status === "quarantined" ? "normal" : snapshot.status;
  state.lastReceivedAt = snapshot.lastReceivedAt ?? -Infinity;
  state.lastBreachAt = snapshot.lastBreachAt ?? -Infinity;
  state.sigmaAnomalyTimes = [...(snapshot.sigmaAnomalyTimes ?? [])];
  const stack = options.stack ?? DEFAULT_MACHINE_DETECTOR_OPTIONS;
  state.detector = new MachineDetector(stack, snapshot.detectors, state.phase);
  for (const [metric, factor] of Object.entries(config.sensitivity ?? {})) {
    state.detector.setSensitivity(metric, factor);
  }
  for (const [name, m] of Object.entries(snapshot.metrics)) {
    const window = snapshot.windows?.[name] ?? m.window;
    state.metrics.set(name, {
      window: window === undefined
        ? new RollingWindow(options.window)
        : RollingWindow.fromSnapshot(options.window, window),
      lastTs: m.lastTs,
      lastValue: m.lastValue,
      lastAnomalous: m.lastAnomalous,
      twoState: m.twoState,
      detector: undefined,
      forecast: undefined,
    });
  }
  for (const [name, forecast] of Object.entries(snapshot.forecasts ?? {})) {
    if (options.forecast === false) break;
    state.forecasts.set(name, new MetricForecast(options.forecast, forecast, state.phase));
  }
  return state;
}

/** The rule state in the factory's current zone (it may have changed since a snapshot or a start). */
export function withTimeZone(
  state: RuleEngineState,
  timeZone: string | undefined,
): RuleEngineState {
  if (timeZone === undefined || state.target.timeZone === timeZone) return state;
  return { ...state, target: { ...state.target, timeZone } };
}
