/**
 * The shapes telemetry takes once it is past validation at the edge. Inside
 * the engine these are trusted: ids match {@link ID_PATTERN}, numbers are
 * finite, timestamps are epoch milliseconds.
 */

/** Factory, machine and metric names: `[A-Za-z0-9_.-]{1,64}` (DESIGN "Public contracts"). */
export const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

/** Identifies one machine actor. */
export interface MachineRef {
  readonly factory: string;
  readonly machine: string;
}

/** One validated telemetry point of one machine: several metrics at one instant. */
export interface TelemetryPoint extends MachineRef {
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Metric name → value; booleans are kept as 1 / 0. */
  readonly metrics: Readonly<Record<string, number>>;
}

/** One value of one series, as stores keep it. */
export interface SeriesPoint extends MachineRef {
  readonly metric: string;
  readonly ts: number;
  readonly value: number;
}

/** The key under which an actor lives in the registry. */
export function machineKey(ref: MachineRef): string {
  return `${ref.factory}/${ref.machine}`;
}
