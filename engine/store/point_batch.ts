import type { SeriesPoint } from "../telemetry.ts";

/** A series named for the first time in a {@link PointBatch}: `[key, factory, machine, metric]`. */
export type SeriesDefinition = readonly [number, string, string, string];

/**
 * Points packed for a trip to the store's write worker: three typed arrays
 * (transferred, not copied) and the definitions of series keys the worker
 * has not seen yet. A series key is a small integer of the sending side,
 * not a database id.
 */
export interface PointBatch {
  readonly series: readonly SeriesDefinition[];
  readonly keys: Uint32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

/**
 * Points as columns over a table of series: point i is of series
 * `series[keys[i]]`, at `ts[i]` with `values[i]`. The arrays may be views
 * into a larger buffer that changes later: a reader takes what it needs at
 * once. `series` only grows (a key always names the same series), so a
 * reader may remember what it made of a key.
 */
export interface SeriesColumns {
  readonly series: readonly SeriesRef[];
  readonly keys: Uint32Array;
  readonly ts: Float64Array;
  readonly values: Float64Array;
}

/** A series named by its factory, machine and metric. */
export interface SeriesRef {
  readonly factory: string;
  readonly machine: string;
  readonly metric: string;
}

/**
 * Turns `SeriesPoint`s into {@link PointBatch}es, naming each series once
 * per encoder lifetime; the receiver must see every batch in order.
 *
 * @example
 * ```ts
 * import type { SeriesPoint } from "../telemetry.ts";
 * declare const points: SeriesPoint[], worker: Worker;
 *
 * const encoder = new PointBatchEncoder();
 * const batch = encoder.encode(points);
 * worker.postMessage(batch, [batch.keys.buffer, batch.ts.buffer, batch.values.buffer]);
 * ```
 */
export class PointBatchEncoder {
  // factory → machine → metric → key, without building a key string per point.
  readonly #keys = new Map<string, Map<string, Map<string, number>>>();
  #next = 0;
  /** Per series table of {@link encodeColumns}: its key → this encoder's key. */
  readonly #translations = new WeakMap<readonly SeriesRef[], number[]>();
  // The last machine's metrics: a machine's points come together, one lookup instead of three.
  #lastFactory: string | undefined;
  #lastMachine: string | undefined;
  #lastMetrics: Map<string, number> | undefined;

  encode(points: readonly SeriesPoint[]): PointBatch {
    const series: SeriesDefinition[] = [];
    const keys = new Uint32Array(points.length);
    const ts = new Float64Array(points.length);
    const values = new Float64Array(points.length);
    for (let i = 0; i < points.length; i++) {
      const p = points[i];
      keys[i] = this.#key(p.factory, p.machine, p.metric, series);
      ts[i] = Math.round(p.ts);
      values[i] = p.value;
    }
    return { series, keys, ts, values };
  }

  /**
   * The same for points already in columns, with no object per point: the
   * encoder remembers its key for each key of a columns' series table.
   */
  encodeColumns(columns: SeriesColumns): PointBatch {
    const n = columns.keys.length;
    const series: SeriesDefinition[] = [];
    const keys = new Uint32Array(n);
    const ts = new Float64Array(n);
    let known = this.#translations.get(columns.series);
    if (known === undefined) this.#translations.set(columns.series, known = []);
    for (let i = 0; i < n; i++) {
      const from = columns.keys[i];
      let key = known[from];
      if (key === undefined) {
        const { factory, machine, metric } = columns.series[from];
        known[from] = key = this.#key(factory, machine, metric, series);
      }
      keys[i] = key;
      ts[i] = Math.round(columns.ts[i]);
    }
    return { series, keys, ts, values: columns.values.slice() };
  }

  #key(factory: string, machine: string, metric: string, defined: SeriesDefinition[]): number {
    let metrics = this.#lastMetrics;
    if (metrics === undefined || machine !== this.#lastMachine || factory !== this.#lastFactory) {
      let machines = this.#keys.get(factory);
      if (machines === undefined) {
        machines = new Map();
        this.#keys.set(factory, machines);
      }
      metrics = machines.get(machine);
      if (metrics === undefined) {
        metrics = new Map();
        machines.set(machine, metrics);
      }
      this.#lastFactory = factory;
      this.#lastMachine = machine;
      this.#lastMetrics = metrics;
    }
    let key = metrics.get(metric);
    if (key === undefined) {
      key = this.#next++;
      metrics.set(metric, key);
      defined.push([key, factory, machine, metric]);
    }
    return key;
  }
}
