import type { SeriesColumns } from "./point_batch.ts";
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

/** Resolutions a store keeps: raw points and rollups. */
export type Resolution = "raw" | "1m" | "1h" | "1d";

/** Bucket width of each rollup. */
export const ROLLUP_MS: Readonly<Record<Exclude<Resolution, "raw">, number>> = {
  "1m": 60_000,
  "1h": 3_600_000,
  "1d": 86_400_000,
};

/** How long each resolution is kept, in ms; `null` keeps it forever. */
export type RetentionPolicy = Readonly<Record<Resolution, number | null>>;

/** Raw 7 d, 1 min 90 d, 1 h 2 y, 1 d forever. */
export const DEFAULT_RETENTION: RetentionPolicy = {
  raw: 7 * 86_400_000,
  "1m": 90 * 86_400_000,
  "1h": 2 * 365 * 86_400_000,
  "1d": null,
};

/** One series in a query answer: `[epoch ms, value]` pairs in time order. */
export interface SeriesData {
  readonly metric: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /**
   * With `every`: `[bucket start, min, max]` per bucket, aligned with
   * `points`, so a downsampled chart still shows spikes.
   */
  readonly envelope?: ReadonlyArray<readonly [number, number, number]>;
  /** The resolution the answer was computed from. */
  readonly resolution?: Resolution;
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
  /**
   * {@link write} for points held as columns (optional; the store writer
   * uses it when there, with no object per point). The columns are read
   * before this returns: they may change afterwards.
   */
  writeColumns?(columns: SeriesColumns): Promise<void>;
  /** Raw points of a machine's series in a time range. */
  queryRange(query: RangeQuery): Promise<SeriesData[]>;
  /** Every series of a machine (or of a factory, when `machine` is omitted). */
  listSeries(factory: string, machine?: string): Promise<SeriesInfo[]>;
  /** The newest point of each of a machine's series: metric → `[epoch ms, value]`. */
  latest(factory: string, machine: string): Promise<Record<string, readonly [number, number]>>;
  /** Releases the backend; later calls fail. */
  close(): Promise<void>;
}
