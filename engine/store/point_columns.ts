import type { SeriesPoint } from "../telemetry.ts";
import type { SeriesColumns, SeriesRef } from "./point_batch.ts";

/**
 * A queue of points kept as columns (series number, time, value in typed
 * arrays) instead of one object per point. The store writer holds a second
 * or so of points, ~50,000 at full load: as objects they outlive the young
 * generation and are copied and promoted by every scavenge on their way to
 * the store; as columns the garbage collector has nothing to trace. Objects
 * are made again only for the batch being written, and die young.
 *
 * @example
 * ```ts
 * const queue = new PointColumns();
 * queue.push({ factory: "f", machine: "m", metric: "temp", ts: 1_000, value: 21.5 });
 * const batch = queue.peek(50_000); // SeriesPoint[] of at most 50,000
 * queue.drop(batch.length);
 * ```
 */
export class PointColumns {
  readonly #series: SeriesRef[] = [];
  readonly #numbers = new Map<string, Map<string, Map<string, number>>>();
  // The last machine's metrics: a machine's points arrive together, so most
  // points need one lookup instead of three.
  #lastFactory: string | undefined;
  #lastMachine: string | undefined;
  #lastMetrics: Map<string, number> | undefined;
  #keys: Uint32Array;
  #ts: Float64Array;
  #values: Float64Array;
  #start = 0;
  #end = 0;

  constructor(initialCapacity = 4_096) {
    this.#keys = new Uint32Array(initialCapacity);
    this.#ts = new Float64Array(initialCapacity);
    this.#values = new Float64Array(initialCapacity);
  }

  /** Points queued. */
  get length(): number {
    return this.#end - this.#start;
  }

  /** Queues one point (only its series names are kept by reference, once per series). */
  push(point: SeriesPoint): void {
    if (this.#end === this.#keys.length) this.#makeRoom();
    const at = this.#end++;
    this.#keys[at] = this.#number(point.factory, point.machine, point.metric);
    this.#ts[at] = point.ts;
    this.#values[at] = point.value;
  }

  /** {@link push} for one machine's row: `values[i]` of metric `metrics[i]` at `ts`, no object per point. */
  pushRow(
    factory: string,
    machine: string,
    ts: number,
    metrics: readonly string[],
    values: readonly number[],
  ): void {
    for (let i = 0; i < metrics.length; i++) {
      if (this.#end === this.#keys.length) this.#makeRoom();
      const at = this.#end++;
      this.#keys[at] = this.#number(factory, machine, metrics[i]);
      this.#ts[at] = ts;
      this.#values[at] = values[i];
    }
  }

  /** The oldest `max` points (fewer if fewer are queued), as objects; they stay queued. */
  peek(max: number): SeriesPoint[] {
    const n = Math.min(max, this.length);
    const out: SeriesPoint[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const at = this.#start + i;
      const { factory, machine, metric } = this.#series[this.#keys[at]];
      out[i] = { factory, machine, metric, ts: this.#ts[at], value: this.#values[at] };
    }
    return out;
  }

  /**
   * The oldest `max` points (fewer if fewer are queued) as columns, without
   * copying: views valid until the next `push` or `drop`.
   */
  columns(max: number): SeriesColumns {
    const end = this.#start + Math.min(max, this.length);
    return {
      series: this.#series,
      keys: this.#keys.subarray(this.#start, end),
      ts: this.#ts.subarray(this.#start, end),
      values: this.#values.subarray(this.#start, end),
    };
  }

  /** Removes the oldest `n` points (all of them if fewer are queued). */
  drop(n: number): void {
    this.#start = Math.min(this.#end, this.#start + Math.max(0, n));
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  #number(factory: string, machine: string, metric: string): number {
    let metrics = this.#lastMetrics;
    if (metrics === undefined || machine !== this.#lastMachine || factory !== this.#lastFactory) {
      let machines = this.#numbers.get(factory);
      if (machines === undefined) this.#numbers.set(factory, machines = new Map());
      metrics = machines.get(machine);
      if (metrics === undefined) machines.set(machine, metrics = new Map());
      this.#lastFactory = factory;
      this.#lastMachine = machine;
      this.#lastMetrics = metrics;
    }
    let number = metrics.get(metric);
    if (number === undefined) {
      number = this.#series.length;
      this.#series.push({ factory, machine, metric });
      metrics.set(metric, number);
    }
    return number;
  }

  /** Moves the queued points to the front, into columns twice as long when they are over half full. */
  #makeRoom(): void {
    const length = this.length;
    if (length * 2 <= this.#keys.length) {
      this.#keys.copyWithin(0, this.#start, this.#end);
      this.#ts.copyWithin(0, this.#start, this.#end);
      this.#values.copyWithin(0, this.#start, this.#end);
    } else {
      const capacity = this.#keys.length * 2;
      this.#keys = moved(this.#keys.subarray(this.#start, this.#end), new Uint32Array(capacity));
      this.#ts = moved(this.#ts.subarray(this.#start, this.#end), new Float64Array(capacity));
      this.#values = moved(
        this.#values.subarray(this.#start, this.#end),
        new Float64Array(capacity),
      );
    }
    this.#start = 0;
    this.#end = length;
  }
}

function moved<T extends Uint32Array | Float64Array>(values: T, into: T): T {
  into.set(values);
  return into;
}
