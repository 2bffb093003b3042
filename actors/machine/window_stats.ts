import type { MachineState } from "./machine_state.ts";

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
  for (const [metric, slot] of state.metrics) {
    const stats = slot.window.stats();
    const empty = stats.count === 0;
    // An own property even for a metric named `__proto__` (a valid name).
    Object.defineProperty(out, metric, {
      value: {
        count: stats.count,
        mean: empty ? null : stats.mean,
        stddev: stats.stddev,
        min: empty ? null : stats.min,
        max: empty ? null : stats.max,
        from: empty ? null : slot.window.oldestTs,
        to: empty ? null : slot.window.newestTs,
      },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
