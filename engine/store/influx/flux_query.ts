import { toFluxValue } from "@influxdata/influxdb-client";
import type { Aggregate, RangeQuery } from "../time_series_store.ts";
import { MEASUREMENT } from "./telemetry_lines.ts";

/**
 * Flux for each question the store asks InfluxDB. Every name and value goes
 * into the text as a Flux string literal (quotes, backslashes, `${` and line
 * breaks escaped), times as RFC 3339 literals and widths as whole
 * milliseconds, so nothing a caller passes can change the query's shape.
 */

/** The `yield` names of an aggregated query: the asked aggregate, and the bucket envelope. */
export const AGG_RESULT = "agg";
export const MIN_RESULT = "min";
export const MAX_RESULT = "max";

// Flux times are int64 nanoseconds: keep ms inside what they can hold.
const MIN_MS = -9_223_372_036_854;
const MAX_MS = 9_223_372_036_854;
const EPOCH = "1970-01-01T00:00:00.000Z";
// `latest` must find points stamped a little ahead of the server's clock too.
const FAR_FUTURE = "2200-01-01T00:00:00.000Z";

const FLUX_FUNCTION: Readonly<Record<Aggregate, string>> = {
  mean: "mean",
  min: "min",
  max: "max",
  last: "last",
  count: "count",
};

/**
 * The points of some metrics of one machine in `[from, to]` (both inclusive):
 * raw, or with `every` one value per bucket of `every` ms aligned to the
 * epoch (`aggregateWindow`, the bucket's start as its time) plus each
 * bucket's min and max, as three results named {@link AGG_RESULT},
 * {@link MIN_RESULT} and {@link MAX_RESULT}.
 *
 * @example
 * ```ts
 * rangeFlux("telemetry", {
 *   factory: "f",
 *   machine: "m",
 *   metrics: ["temp"],
 *   from: 0,
 *   to: 60_000,
 *   every: 10_000,
 *   agg: "max",
 * });
 * ```
 */
export function rangeFlux(bucket: string, query: RangeQuery): string {
  if (query.metrics.length === 0) {
    throw new RangeError("Cannot build a range query: 'metrics' must name at least one metric");
  }
  const limit = query.limit === undefined
    ? ""
    : `\n  |> limit(n: ${positiveInteger("limit", query.limit)})`;
  const data = `from(bucket: ${str(bucket)})
  |> range(start: ${time(query.from)}, stop: ${time(query.to + 1)})
  |> filter(fn: (r) => ${machinePredicate(query.factory, query.machine)})
  |> filter(fn: (r) => ${query.metrics.map((m) => `r._field == ${str(m)}`).join(" or ")})`;
  if (query.every === undefined) {
    return `${data}
  |> keep(columns: ["_time", "_value", "_field"])${limit}
`;
  }
  const every = positiveInteger("every", query.every);
  const agg = query.agg ?? "mean";
  const window = (fn: string, name: string) =>
    `data
  |> aggregateWindow(every: ${every}ms, fn: ${fn}, timeSrc: "_start", createEmpty: false)
  |> keep(columns: ["_time", "_value", "_field"])${limit}
  |> yield(name: ${str(name)})`;
  const parts = [`data = ${data}`];
  if (agg !== "min" && agg !== "max") parts.push(window(FLUX_FUNCTION[agg], AGG_RESULT));
  parts.push(window("min", MIN_RESULT), window("max", MAX_RESULT));
  return `${parts.join("\n\n")}\n`;
}

/**
 * The newest point of every metric of one machine (`last()`, which InfluxDB
 * answers from its index without reading every point).
 */
export function latestFlux(bucket: string, factory: string, machine: string): string {
  return `from(bucket: ${str(bucket)})
  |> range(start: ${EPOCH}, stop: ${FAR_FUTURE})
  |> filter(fn: (r) => ${machinePredicate(factory, machine)})
  |> last()
  |> keep(columns: ["_time", "_value", "_field"])
`;
}

/** The metrics (field keys) of one machine, from the schema package. */
export function fieldKeysFlux(bucket: string, factory: string, machine: string): string {
  return `import "influxdata/influxdb/schema"

schema.fieldKeys(
  bucket: ${str(bucket)},
  predicate: (r) => ${machinePredicate(factory, machine)},
  start: ${EPOCH},
)
`;
}

/** The machines (values of tag `machine`) of one factory, from the schema package. */
export function machinesFlux(bucket: string, factory: string): string {
  return `import "influxdata/influxdb/schema"

schema.tagValues(
  bucket: ${str(bucket)},
  tag: "machine",
  predicate: (r) => r._measurement == ${str(MEASUREMENT)} and r.factory == ${str(factory)},
  start: ${EPOCH},
)
`;
}

function machinePredicate(factory: string, machine: string): string {
  return `r._measurement == ${str(MEASUREMENT)} and r.factory == ${str(factory)} and r.machine == ${
    str(machine)
  }`;
}

function str(value: string): string {
  return toFluxValue(String(value));
}

function time(ms: number): string {
  if (!Number.isFinite(ms)) {
    throw new RangeError(`Cannot build a Flux query: time must be finite: current value is ${ms}`);
  }
  return new Date(Math.min(MAX_MS, Math.max(MIN_MS, Math.round(ms)))).toISOString();
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot build a Flux query: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}
