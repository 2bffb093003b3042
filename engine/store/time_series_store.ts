import type { SeriesPoint } from "../telemetry.ts";

/** A range of one machine's series. `from` and `to` are inclusive epoch ms. */
export interface RangeQuery {
  readonly factory: string;
  readonly machine: string;
  /** Metric names; empty means every metric of the machine. */
  readonly metrics: readonly string[];
  readonly from: number;
  readonly to: number;
  /** Upper bound on points per series (newest are dropped past it). */
  readonly limit?: number;
  /** Bucket width in ms; with it each series holds one aggregated point per bucket. */
  readonly every?: number;
  /** How a bucket's values combine (default `mean`); the point's time is the bucket start. */
  readonly agg?: Aggregate;
}

/** How values in a time bucket are combined. */
export type Aggregate = "mean" | "min" | "max" | "last" | "count";

/** Every {@link Aggregate}, for validating requests. */
export const AGGREGATES: readonly Aggregate[] = ["mean", "min", "max", "last", "count"];

/** One series in a query answer: `[epoch ms, value]` pairs in time order. */
export interface SeriesData {
  readonly metric: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** What a store knows of one series. */
export interface SeriesInfo {
  readonly factory: string;
  readonly machine: string;
  readonly metric: string;
}

/**
 * Where points are kept. The embedded `SqliteStore` is the default; an
 * InfluxDB-backed store implements the same interface. Rollups, retention and
 * aggregated queries extend this interface in the storage issue; callers that
 * need only raw points depend on nothing more.
 */
export interface TimeSeriesStore {
  /**
   * Writes points durably; resolves once they are acknowledged by the
   * backend. Idempotent on (series, ts): the last write of a pair wins.
   */
  write(points: readonly SeriesPoint[]): Promise<void>;
  /** Raw points of a machine's series in a time range. */
  queryRange(query: RangeQuery): Promise<SeriesData[]>;
  /** Every series of a machine (or of a factory, when `machine` is omitted). */
  listSeries(factory: string, machine?: string): Promise<SeriesInfo[]>;
  /** Releases the backend; later calls fail. */
  close(): Promise<void>;
}
