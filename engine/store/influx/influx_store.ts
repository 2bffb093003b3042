import type { QueryApi } from "@influxdata/influxdb-client";
import type { SeriesPoint } from "../../telemetry.ts";
import type { RangeQuery, SeriesData, SeriesInfo, TimeSeriesStore } from "../time_series_store.ts";
import {
  AGG_RESULT,
  fieldKeysFlux,
  latestFlux,
  machinesFlux,
  MAX_RESULT,
  MIN_RESULT,
  rangeFlux,
} from "./flux_query.ts";
import type { InfluxWriter } from "./influx_writer.ts";
import { toTelemetryLines } from "./telemetry_lines.ts";
import type { WriteSpool } from "./write_spool.ts";

/** What {@link InfluxStore} is built from. */
export interface InfluxStoreParts {
  readonly bucket: string;
  /** The client's query API for the configured organisation. */
  readonly queries: QueryApi;
  /** Where writes go first; the writer sends them on to InfluxDB. */
  readonly spool: WriteSpool;
  /** Closed with the store (after it, the spool). */
  readonly writer: InfluxWriter;
}

type Row = Record<string, unknown>;

/**
 * The time-series store backed by InfluxDB 2. `write` resolves once the
 * points are durably in the on-disk spool (the {@link InfluxWriter} sends
 * them on, retrying through outages), so a slow or absent InfluxDB never
 * blocks the engine. Reads are Flux queries (flux_query.ts) whose answers
 * have exactly the shapes of the embedded store: `[time, value]` points in
 * time order, with `every` one per bucket of `every` ms aligned to the epoch
 * (time = bucket start) and an envelope of each bucket's min and max.
 * Points still in the spool are not yet visible to reads.
 *
 * @example
 * ```ts
 * import type { Clock } from "../../clock.ts";
 * import type { InfluxConfig } from "../../config.ts";
 * import type { EngineMetrics } from "../../metrics.ts";
 * import type { DeadLetterSink } from "./influx_writer.ts";
 * import { openInfluxStore } from "./open_influx_store.ts";
 * declare const influx: InfluxConfig, dataDir: string, clock: Clock, metrics: EngineMetrics;
 * declare const deadLetter: DeadLetterSink, from: number, to: number;
 *
 * const store = await openInfluxStore({ influx, dataDir, clock, metrics, deadLetter });
 * const [temp] = await store.queryRange({
 *   factory: "f",
 *   machine: "m",
 *   metrics: ["temp"],
 *   from,
 *   to,
 *   every: 60_000,
 * });
 * ```
 */
export class InfluxStore implements TimeSeriesStore {
  readonly #bucket: string;
  readonly #queries: QueryApi;
  readonly #spool: WriteSpool;
  readonly #writer: InfluxWriter;
  #closed = false;

  constructor(parts: InfluxStoreParts) {
    this.#bucket = parts.bucket;
    this.#queries = parts.queries;
    this.#spool = parts.spool;
    this.#writer = parts.writer;
  }

  /** The spool writes go through (for health checks). */
  get spool(): WriteSpool {
    return this.#spool;
  }

  async write(points: readonly SeriesPoint[]): Promise<void> {
    this.#assertOpen("write");
    if (points.length === 0) return;
    const { lines, points: values } = toTelemetryLines(points);
    await this.#spool.append(lines, values);
  }

  async queryRange(query: RangeQuery): Promise<SeriesData[]> {
    this.#assertOpen("query");
    const metrics = query.metrics.length > 0
      ? query.metrics
      : await this.#fieldKeys(query.factory, query.machine);
    if (metrics.length === 0) return [];
    const rows = await this.#rows(rangeFlux(this.#bucket, { ...query, metrics }));
    if (query.every === undefined) {
      const byMetric = groupPoints(rows);
      return metrics.map((metric) => ({
        metric,
        points: byMetric.get(metric) ?? [],
        resolution: "raw",
      }));
    }
    const every = query.every;
    const agg = query.agg ?? "mean";
    const aggName = agg === "min" ? MIN_RESULT : agg === "max" ? MAX_RESULT : AGG_RESULT;
    const values = groupPoints(rows.filter((r) => r.result === aggName), every);
    const mins = groupPoints(rows.filter((r) => r.result === MIN_RESULT), every);
    const maxs = groupPoints(rows.filter((r) => r.result === MAX_RESULT), every);
    return metrics.map((metric) => {
      const points = values.get(metric) ?? [];
      const min = new Map(mins.get(metric) ?? []);
      const max = new Map(maxs.get(metric) ?? []);
      return {
        metric,
        points,
        envelope: points.map(([t, v]) => [t, min.get(t) ?? v, max.get(t) ?? v] as const),
        resolution: "raw",
      };
    });
  }

  async listSeries(factory: string, machine?: string): Promise<SeriesInfo[]> {
    this.#assertOpen("list series");
    const machines = machine === undefined
      ? (await this.#rows(machinesFlux(this.#bucket, factory))).map((r) => String(r._value))
      : [machine];
    const series: SeriesInfo[] = [];
    for (const m of machines) {
      for (const metric of await this.#fieldKeys(factory, m)) {
        series.push({ factory, machine: m, metric });
      }
    }
    return series;
  }

  async latest(
    factory: string,
    machine: string,
  ): Promise<Record<string, readonly [number, number]>> {
    this.#assertOpen("query");
    const latest: Record<string, readonly [number, number]> = {};
    for (
      const [metric, points] of groupPoints(
        await this.#rows(latestFlux(this.#bucket, factory, machine)),
      )
    ) {
      const newest = points[points.length - 1];
      if (newest !== undefined) latest[metric] = newest;
    }
    return latest;
  }

  /** Stops the writer (what is unsent stays in the spool for the next start) and closes the spool. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#writer.close();
    await this.#spool.close();
  }

  async #fieldKeys(factory: string, machine: string): Promise<string[]> {
    const rows = await this.#rows(fieldKeysFlux(this.#bucket, factory, machine));
    return rows.map((r) => String(r._value));
  }

  async #rows(flux: string): Promise<Row[]> {
    const rows: Row[] = [];
    try {
      for await (const { values, tableMeta } of this.#queries.iterateRows(flux)) {
        const row = tableMeta.toObject(values);
        // A failure found while the answer streamed comes as a table with an `error` column.
        if (typeof row.error === "string" && row.error !== "" && !("_value" in row)) {
          throw new Error(row.error);
        }
        rows.push(row);
      }
    } catch (error) {
      throw new Error(`InfluxDB query failed: ${describe(error)}`, { cause: error });
    }
    return rows;
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new Error(`Cannot ${what}: the store is closed`);
  }
}

/**
 * `[time, value]` pairs per `_field`, in time order; with `every`, times are
 * moved to their bucket's start (InfluxDB stamps the first, range-clipped
 * window with the range start instead).
 */
function groupPoints(
  rows: readonly Row[],
  every?: number,
): Map<string, Array<readonly [number, number]>> {
  const byField = new Map<string, Array<readonly [number, number]>>();
  for (const row of rows) {
    const value = typeof row._value === "number" ? row._value : Number(row._value);
    let ts = typeof row._time === "string" ? Date.parse(row._time) : Number(row._time);
    if (row._value === null || !Number.isFinite(value) || !Number.isFinite(ts)) continue;
    if (every !== undefined) ts = Math.floor(ts / every) * every;
    const field = String(row._field);
    let points = byField.get(field);
    if (points === undefined) {
      points = [];
      byField.set(field, points);
    }
    points.push([ts, value]);
  }
  for (const points of byField.values()) points.sort((a, b) => a[0] - b[0]);
  return byField;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
