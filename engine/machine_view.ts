import type { MachineStatus } from "./events.ts";

/** The latest value of one metric as operators see it. */
export interface LatestValue {
  readonly ts: number;
  readonly value: number;
  readonly anomalous: boolean;
}

/**
 * A read-only view of one machine, kept up to date from bus events. Pages and
 * the API read views; only the machine's actor changes the machine.
 */
export interface MachineView {
  readonly factory: string;
  readonly machine: string;
  readonly status: MachineStatus;
  /** Epoch ms of first and latest telemetry. */
  readonly firstSeen: number;
  readonly lastSeen: number;
  /** Metric names in first-seen order. */
  readonly metrics: readonly string[];
  readonly latest: Readonly<Record<string, LatestValue>>;
  /** Anomalies flagged in the last hour. */
  readonly anomaliesLastHour: number;
}

/** Read access to every machine the engine knows, for pages and the API. */
export interface MachineDirectory {
  factories(): string[];
  machines(factory: string): MachineView[];
  machine(factory: string, machine: string): MachineView | undefined;
  /**
   * Recent values of a machine's metrics held in memory (for sparklines and
   * the first paint of live charts): `[epoch ms, value]` pairs, oldest first.
   */
  recent(
    factory: string,
    machine: string,
    metric: string,
  ): ReadonlyArray<readonly [number, number]>;
}
