import type { ActorRegistry } from "../../engine/actor/registry.ts";
import type { MachineRef } from "../../engine/telemetry.ts";
import type { MachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineSnapshot,
  type MachineState,
} from "./machine_state.ts";
import { RollingWindow, type RollingWindowOptions } from "./rolling_window.ts";

/**
 * One metric's rolling window as it stands: the basis its next value's σ
 * test is judged against. JSON-ready: an empty window has `null` where a
 * number would be.
 */
export interface MetricWindowStats {
  readonly count: number;
  readonly mean: number | null;
  /** Sample standard deviation (n − 1); 0 with fewer than two values. */
  readonly stddev: number;
  readonly min: number | null;
  readonly max: number | null;
  /** Epoch ms of the window's oldest and newest value. */
  readonly from: number | null;
  readonly to: number | null;
}

/**
 * Every metric's window statistics of a machine, by metric name in
 * first-seen order: read from the actor's state (see
 * `ActorRegistry.inspect`), copied, never changed.
 *
 * @example
 * ```ts
 * import type { ActorRegistry } from "../../engine/actor/registry.ts";
 * import type { MachineRef } from "../../engine/telemetry.ts";
 * import type { MachineMessage } from "./machine_handler.ts";
 * import type { MachineSnapshot, MachineState } from "./machine_state.ts";
 *
 * declare const registry: ActorRegistry<MachineState, MachineMessage, MachineSnapshot>;
 * declare const ref: MachineRef;
 *
 * const stats = registry.inspect(ref, machineWindowStats);
 * stats?.temp.mean; // the mean of temp's window, or undefined without a live actor
 * ```
 */
export function machineWindowStats(
  state: Readonly<MachineState>,
): Record<string, MetricWindowStats> {
  const out: Record<string, MetricWindowStats> = {};
  for (const [metric, slot] of state.metrics) setOwn(out, metric, statsOf(slot.window));
  return out;
}

/**
 * Every metric's window statistics from a machine's snapshot, by metric
 * name in first-seen order: the windows as they stood when it was saved,
 * rebuilt with the actor's window bounds (`options`) as a restore would.
 * A metric without a window in the snapshot has an empty one.
 *
 * @example
 * ```ts
 * import { DEFAULT_MACHINE_OPTIONS, type MachineSnapshot } from "./machine_state.ts";
 * declare const snapshot: MachineSnapshot; // e.g. ActorRegistry.stored(ref)
 *
 * storedWindowStats(snapshot, DEFAULT_MACHINE_OPTIONS.window).temp?.to; // its newest value's time
 * ```
 */
export function storedWindowStats(
  snapshot: MachineSnapshot,
  options: RollingWindowOptions,
): Record<string, MetricWindowStats> {
  const out: Record<string, MetricWindowStats> = {};
  for (const [metric, m] of Object.entries(snapshot.metrics)) {
    const saved = Object.hasOwn(snapshot.windows ?? {}, metric)
      ? snapshot.windows![metric]
      : m.window;
    const window = saved === undefined
      ? new RollingWindow(options)
      : RollingWindow.fromSnapshot(options, saved);
    setOwn(out, metric, statsOf(window));
  }
  return out;
}

/**
 * A machine's window statistics as the registry can tell them now: its
 * actor's (see {@link machineWindowStats}) while it is in memory, else those
 * of its last snapshot (a passivated or quarantined machine's, see
 * {@link storedWindowStats}); undefined while a message is being handled or
 * the actor restarts, and for a machine never heard of.
 *
 * @example
 * ```ts
 * import type { ActorRegistry } from "../../engine/actor/registry.ts";
 * import type { MachineMessage } from "./machine_handler.ts";
 * import type { MachineSnapshot, MachineState } from "./machine_state.ts";
 * declare const registry: ActorRegistry<MachineState, MachineMessage, MachineSnapshot>;
 *
 * currentWindowStats(registry, { factory: "demo", machine: "press-01" })?.temp?.mean;
 * ```
 */
export function currentWindowStats(
  registry: Pick<
    ActorRegistry<MachineState, MachineMessage, MachineSnapshot>,
    "inspect" | "stored"
  >,
  ref: MachineRef,
  options: RollingWindowOptions = DEFAULT_MACHINE_OPTIONS.window,
): Record<string, MetricWindowStats> | undefined {
  const live = registry.inspect(ref, machineWindowStats);
  if (live !== undefined) return live;
  const snapshot = registry.stored(ref);
  return snapshot === undefined ? undefined : storedWindowStats(snapshot, options);
}

function statsOf(window: RollingWindow): MetricWindowStats {
  const stats = window.stats();
  const empty = stats.count === 0;
  return {
    count: stats.count,
    mean: empty ? null : stats.mean,
    stddev: stats.stddev,
    min: empty ? null : stats.min,
    max: empty ? null : stats.max,
    from: empty ? null : window.oldestTs,
    to: empty ? null : window.newestTs,
  };
}

/** Sets an own property even for a metric named `__proto__` (a valid name). */
function setOwn(out: Record<string, MetricWindowStats>, metric: string, stats: MetricWindowStats) {
  Object.defineProperty(out, metric, {
    value: stats,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
