import { encodeLineProtocol } from "../../ingest/mod.ts";
import type { SeriesPoint } from "../../telemetry.ts";

/**
 * The one InfluxDB measurement Millwright writes. Every machine's points go to
 * `telemetry` with tags `factory` and `machine` and one float field per
 * metric (README "Storage: InfluxDB" gives the reasons).
 */
export const MEASUREMENT = "telemetry";

/** Series points encoded as line protocol, ready for the spool. */
export interface TelemetryLines {
  readonly lines: string[];
  /** Values carried by the lines (fields), after merging duplicates of one series and instant. */
  readonly points: number;
}

/**
 * Encodes series points as line protocol, one line per machine and instant
 * with a field per metric, using the ingest encoder (ns timestamps, float
 * fields, escaped names). Lines keep the order in which each (machine,
 * instant) first appears; a series written twice at one instant keeps its
 * last value, as the store interface promises.
 *
 * @example
 * ```ts
 * toTelemetryLines([
 *   { factory: "f", machine: "m", metric: "temp", ts: 1000, value: 21.5 },
 *   { factory: "f", machine: "m", metric: "rpm", ts: 1000, value: 900 },
 * ]);
 * // { lines: ["telemetry,factory=f,machine=m temp=21.5,rpm=900 1000000000"], points: 2 }
 * ```
 */
export function toTelemetryLines(points: readonly SeriesPoint[]): TelemetryLines {
  const byInstant = new Map<
    string,
    { factory: string; machine: string; ts: number; metrics: Record<string, number> }
  >();
  for (const p of points) {
    const key = `${p.factory}\u0000${p.machine}\u0000${p.ts}`;
    let point = byInstant.get(key);
    if (point === undefined) {
      point = { factory: p.factory, machine: p.machine, ts: p.ts, metrics: {} };
      byInstant.set(key, point);
    }
    point.metrics[p.metric] = p.value;
  }
  const lines: string[] = [];
  let count = 0;
  for (const point of byInstant.values()) {
    lines.push(encodeLineProtocol(point, MEASUREMENT));
    count += Object.keys(point.metrics).length;
  }
  return { lines, points: count };
}

/** What a run of dropped lines held for one machine. */
export interface MachineLinesSummary {
  readonly factory: string;
  readonly machine: string;
  /** Values (fields) in the lines. */
  readonly points: number;
  /** Oldest and newest point time, epoch ms. */
  readonly from: number;
  readonly to: number;
}

const OWN_LINE = /^telemetry,factory=([A-Za-z0-9_.-]+),machine=([A-Za-z0-9_.-]+) (\S+) (-?\d+)$/;

/**
 * Sums lines written by {@link toTelemetryLines} per machine: how many values
 * and which time span, for telling operators what history was dropped. Lines
 * of any other shape are counted in `unknown` and otherwise skipped.
 *
 * @example
 * ```ts
 * summarizeTelemetryLines(["telemetry,factory=f,machine=m temp=1,rpm=2 5000000"]);
 * // { machines: [{ factory: "f", machine: "m", points: 2, from: 5, to: 5 }], unknown: 0 }
 * ```
 */
export function summarizeTelemetryLines(
  lines: Iterable<string>,
): { machines: MachineLinesSummary[]; unknown: number } {
  const byMachine = new Map<
    string,
    { -readonly [K in keyof MachineLinesSummary]: MachineLinesSummary[K] }
  >();
  let unknown = 0;
  for (const line of lines) {
    const match = OWN_LINE.exec(line);
    if (match === null) {
      unknown++;
      continue;
    }
    const [, factory, machine, fields, ns] = match;
    // Metric names are ids and values numbers, so commas only separate fields.
    const values = fields.split(",").length;
    const ts = Number(ns.length > 6 ? ns.slice(0, -6) : "0");
    const key = `${factory}/${machine}`;
    const summary = byMachine.get(key);
    if (summary === undefined) {
      byMachine.set(key, { factory, machine, points: values, from: ts, to: ts });
    } else {
      summary.points += values;
      summary.from = Math.min(summary.from, ts);
      summary.to = Math.max(summary.to, ts);
    }
  }
  return { machines: [...byMachine.values()], unknown };
}
