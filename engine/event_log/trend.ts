import type { MachineStatus } from "../events.ts";

/** Statuses from least to most severe; a bucket counts a machine under the worst it held. */
export const STATUS_SEVERITY: readonly MachineStatus[] = [
  "normal",
  "stale",
  "anomalous",
  "quarantined",
];

/** One bucket of a factory trend. */
export interface TrendBucket {
  /** Bucket start, epoch ms. */
  readonly ts: number;
  /** Machines by the worst status each held at any time in the bucket. */
  readonly machines: Readonly<Record<MachineStatus, number>>;
  /** Anomalous values flagged in the bucket. */
  readonly anomalies: number;
}

/** A status change of one machine. */
export interface StatusChange {
  readonly machine: string;
  readonly ts: number;
  readonly status: MachineStatus;
}

/** Everything {@link computeTrend} needs, already read from the event log. */
export interface TrendInput {
  /** First bucket start (aligned to `every`). */
  readonly first: number;
  /** Number of buckets. */
  readonly buckets: number;
  readonly every: number;
  /**
   * Machines and since when they are known: each is counted from the bucket
   * holding that time. Machines with an initial status are known from the
   * start; others that only appear in `changes`, from their first change.
   */
  readonly machines: ReadonlyMap<string, number>;
  /** Status of each machine just before `first`; machines absent here start `normal`. */
  readonly initial: ReadonlyMap<string, MachineStatus>;
  /** Status changes inside the buckets, oldest first. */
  readonly changes: readonly StatusChange[];
  /** Anomaly counts by bucket start. */
  readonly anomalies: ReadonlyMap<number, number>;
}

/**
 * Counts machines by status per bucket: each machine known by the end of a
 * bucket is counted once, under the most severe status it held during the
 * bucket (quarantined > anomalous > stale > normal), so an hour in which a
 * press was anomalous for five minutes shows as one anomalous machine.
 *
 * @example
 * ```ts
 * computeTrend({
 *   first: 0, buckets: 2, every: 3_600_000,
 *   machines: new Map([["press-01", 0]]), initial: new Map(),
 *   changes: [{ machine: "press-01", ts: 4_000_000, status: "anomalous" }],
 *   anomalies: new Map([[3_600_000, 3]]),
 * });
 * // [{ts: 0, machines: {normal: 1, …}, anomalies: 0},
 * //  {ts: 3_600_000, machines: {anomalous: 1, …}, anomalies: 3}]
 * ```
 */
export function computeTrend(input: TrendInput): TrendBucket[] {
  const severity = new Map(STATUS_SEVERITY.map((status, rank) => [status, rank]));
  const current = new Map<string, MachineStatus>();
  for (const machine of input.machines.keys()) {
    current.set(machine, input.initial.get(machine) ?? "normal");
  }
  for (const [machine, status] of input.initial) current.set(machine, status);
  const out: TrendBucket[] = [];
  let next = 0;
  for (let b = 0; b < input.buckets; b++) {
    const start = input.first + b * input.every;
    const end = start + input.every;
    const worst = new Map(current);
    for (; next < input.changes.length && input.changes[next].ts < end; next++) {
      const change = input.changes[next];
      if (change.ts < start) continue;
      current.set(change.machine, change.status);
      const held = worst.get(change.machine);
      if (held === undefined || severity.get(change.status)! > severity.get(held)!) {
        worst.set(change.machine, change.status);
      }
    }
    const machines: Record<MachineStatus, number> = {
      normal: 0,
      stale: 0,
      anomalous: 0,
      quarantined: 0,
    };
    for (const [machine, status] of worst) {
      const since = input.machines.get(machine) ?? start;
      if (since < end) machines[status]++;
    }
    out.push({ ts: start, machines, anomalies: input.anomalies.get(start) ?? 0 });
  }
  return out;
}
