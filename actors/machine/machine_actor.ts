import type { ActorBehavior } from "../../engine/actor/behavior.ts";
import type { EventBus } from "../../engine/bus.ts";
import type { EngineMetrics } from "../../engine/metrics.ts";
import type { Rule } from "../../engine/rules/mod.ts";
import type { MachineRef } from "../../engine/telemetry.ts";
import { handleMachineMessage, type MachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineOptions,
  type MachineSnapshot,
  type MachineState,
  newMachineState,
  restoreMachine,
  snapshotMachine,
  type ThresholdTable,
} from "./machine_state.ts";

/** Where a machine actor sends its values; may push back by returning a promise. */
export interface PointSink {
  /**
   * Stores `values[i]` of metric `metrics[i]` of machine `ref` at `ts` (a
   * telemetry row: one call, no object per point).
   */
  writeRow(
    ref: MachineRef,
    ts: number,
    metrics: readonly string[],
    values: readonly number[],
  ): void | Promise<void>;
}

/** What a machine actor is wired to. */
export interface MachineActorDeps {
  readonly sink: PointSink;
  readonly bus: EventBus;
  readonly metrics: EngineMetrics;
  /** The configured thresholds of a machine (read when its actor starts). */
  readonly thresholds: (ref: MachineRef) => ThresholdTable;
  /** The current alert rules of a factory (read when an actor starts). */
  readonly rules?: (factory: string) => readonly Rule[];
  /** The IANA time zone of a factory (read when an actor starts); UTC when unknown. */
  readonly timeZone?: (factory: string) => string | undefined;
  /** Operators' detector sensitivity per metric (read when an actor starts; 1 = default). */
  readonly sensitivity?: (ref: MachineRef) => Readonly<Record<string, number>>;
  readonly options?: MachineOptions;
}

/**
 * The machine actor: {@link handleMachineMessage} plus its effects. Events go
 * to the bus before the row is handed to the store writer, so a writer
 * applying backpressure delays this actor's next message, not the live view
 * of this one.
 *
 * @example
 * ```ts
 * import { ActorRegistry, type ActorRegistryOptions } from "../../engine/actor/registry.ts";
 * import type { EventBus } from "../../engine/bus.ts";
 * import type { EngineMetrics } from "../../engine/metrics.ts";
 * import type { MachineRef } from "../../engine/telemetry.ts";
 * import type { MachineMessage } from "./machine_handler.ts";
 * import type { MachineSnapshot, ThresholdTable } from "./machine_state.ts";
 *
 * declare const writer: PointSink, bus: EventBus, metrics: EngineMetrics;
 * declare const thresholds: (ref: MachineRef) => ThresholdTable;
 * declare const options: ActorRegistryOptions<MachineMessage, MachineSnapshot>;
 *
 * const registry = new ActorRegistry(
 *   machineBehavior({ sink: writer, bus, metrics, thresholds }),
 *   options,
 * );
 * registry.tell(
 *   { factory: "f", machine: "m" },
 *   { kind: "telemetry", ts: Date.now(), metrics: { temp: 21 } },
 * );
 * ```
 */
export function machineBehavior(
  deps: MachineActorDeps,
): ActorBehavior<MachineState, MachineMessage, MachineSnapshot> {
  const options = deps.options ?? DEFAULT_MACHINE_OPTIONS;
  return {
    init(ctx, snapshot) {
      const config = {
        thresholds: deps.thresholds(ctx.ref),
        rules: deps.rules?.(ctx.ref.factory) ?? [],
        sensitivity: deps.sensitivity?.(ctx.ref),
        timeZone: deps.timeZone?.(ctx.ref.factory),
      };
      return snapshot === undefined
        ? newMachineState(ctx.ref, config)
        : restoreMachine(ctx.ref, snapshot, config, options);
    },
    receive(state, message, ctx) {
      const { row, events } = handleMachineMessage(state, message, ctx.clock.now(), options);
      for (const event of events) {
        if (event.type === "anomaly") deps.metrics.anomalies.inc({ reason: event.reason });
        // An alert raised or cleared is saved at once: a crash must not raise or clear it twice.
        if (event.type === "alert" && event.alertId !== null) ctx.requestCheckpoint?.();
        deps.bus.publish(event);
      }
      if (row !== undefined) return deps.sink.writeRow(ctx.ref, row.ts, row.metrics, row.values);
    },
    snapshot: snapshotMachine,
    // Configuration must never be lost to a full mailbox; telemetry and ticks may be shed.
    sheddable: (message) => message.kind === "telemetry" || message.kind === "tick",
  };
}
