import type { LatencySummary } from "./percentiles.ts";

/** Cumulative counters of a target, read at any moment. */
export interface TargetCounts {
  /** Telemetry messages the target has taken in so far. */
  readonly received: number;
  /** Taken in but not yet handled (the engine's actor mailboxes); 0 for the raw subscriber. */
  readonly backlog: number;
  /** Taken in and then dropped or refused (shed, rejected); counted as loss. */
  readonly dropped: number;
}

/**
 * A system the bench offers load to: the engine or the raw subscriber, each
 * in its own process.
 */
export interface BenchTarget {
  readonly name: "raw" | "engine";
  /** The target's process, for CPU and memory figures. */
  readonly pid: number;
  counts(): Promise<TargetCounts>;
  /** Publish→delivery latency (ms) of the messages since the last call. */
  takeLatency(): Promise<LatencySummary>;
  stop(): Promise<void>;
}
