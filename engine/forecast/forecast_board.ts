import type { EngineEvent, ForecastEvent, ForecastEventCrossing } from "../events.ts";

/** Options of a {@link ForecastBoard}. */
export interface ForecastBoardOptions {
  /** Most (factory, machine, metric) forecasts kept; the least recently updated leaves first. */
  readonly maxEntries: number;
}

/** Numbers kept per horizon point: ts, mean, low, high. */
const POINT_FIELDS = 4;

/**
 * One metric's latest forecast, kept in place: its horizon in one growable
 * `Float64Array`, rewritten by each update, and its place in the board's
 * recency list (least recently updated first).
 */
interface Entry {
  readonly factory: string;
  readonly machine: string;
  readonly metric: string;
  ts: number;
  step: number;
  value: number;
  coverage: number;
  period: number | null;
  horizon: Float64Array;
  points: number;
  crossings: readonly ForecastEventCrossing[];
  older: Entry | undefined;
  newer: Entry | undefined;
}

/**
 * The latest `forecast` event of every (factory, machine, metric), fed from
 * the bus: what the machine actors last forecast, for the API. Bounded by
 * `maxEntries` (least recently updated first out); a machine's entries
 * leave when it is quarantined or stopped.
 *
 * Each metric is forecast every few seconds and its forecast is kept until
 * the next, so keeping the events themselves (60 point objects each, 1,200
 * a second at 4,000 metrics) filled the engine's old generation with 4 MB a
 * second of garbage and brought a major collection every ~30 s; the board
 * copies each event's numbers into the metric's own entry instead, reusing
 * its arrays, and builds events only when asked.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../bus.ts";
 * declare const bus: EventBus;
 *
 * const board = new ForecastBoard();
 * bus.subscribe((event) => board.observe(event));
 * board.forecasts("plant-1", "oven-01"); // ForecastEvent[]
 * ```
 */
export class ForecastBoard {
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Map<string, Map<string, Entry>>>();
  #size = 0;
  #oldest: Entry | undefined;
  #newest: Entry | undefined;

  constructor(options: Partial<ForecastBoardOptions> = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Cannot keep forecasts: 'maxEntries' must be a positive integer: current value is ${maxEntries}`,
      );
    }
    this.#maxEntries = maxEntries;
  }

  /** Forecasts kept. */
  get size(): number {
    return this.#size;
  }

  /** Keeps `event` when it is a forecast; forgets a machine that stops. */
  observe(event: EngineEvent): void {
    if (
      event.type === "supervision" && (event.decision === "stop" || event.decision === "quarantine")
    ) {
      this.#forgetMachine(event.factory, event.machine);
      return;
    }
    if (event.type !== "forecast") return;
    let machines = this.#entries.get(event.factory);
    if (machines === undefined) this.#entries.set(event.factory, machines = new Map());
    let metrics = machines.get(event.machine);
    if (metrics === undefined) machines.set(event.machine, metrics = new Map());
    let entry = metrics.get(event.metric);
    if (entry === undefined) {
      entry = newEntry(event);
      metrics.set(event.metric, entry);
      this.#size++;
    } else {
      this.#unlink(entry);
    }
    copyInto(entry, event);
    this.#link(entry);
    if (this.#size > this.#maxEntries) this.#forget(this.#oldest!);
  }

  /** The latest forecasts of a machine's metrics (all, or the one named), by metric name. */
  forecasts(factory: string, machine: string, metric?: string): ForecastEvent[] {
    const metrics = this.#entries.get(factory)?.get(machine);
    if (metrics === undefined) return [];
    if (metric !== undefined) {
      const one = metrics.get(metric);
      return one === undefined ? [] : [eventOf(one)];
    }
    return [...metrics.values()].map(eventOf)
      .sort((a, b) => a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0);
  }

  #forgetMachine(factory: string, machine: string): void {
    const metrics = this.#entries.get(factory)?.get(machine);
    if (metrics === undefined) return;
    for (const entry of [...metrics.values()]) this.#forget(entry);
  }

  #forget(entry: Entry): void {
    this.#unlink(entry);
    const machines = this.#entries.get(entry.factory)!;
    const metrics = machines.get(entry.machine)!;
    metrics.delete(entry.metric);
    if (metrics.size === 0) machines.delete(entry.machine);
    if (machines.size === 0) this.#entries.delete(entry.factory);
    this.#size--;
  }

  /** Appends `entry` as the most recently updated. */
  #link(entry: Entry): void {
    entry.older = this.#newest;
    entry.newer = undefined;
    if (this.#newest !== undefined) this.#newest.newer = entry;
    this.#newest = entry;
    this.#oldest ??= entry;
  }

  #unlink(entry: Entry): void {
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.#oldest = entry.newer;
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.#newest = entry.older;
    entry.older = entry.newer = undefined;
  }
}

function newEntry(event: ForecastEvent): Entry {
  return {
    factory: event.factory,
    machine: event.machine,
    metric: event.metric,
    ts: 0,
    step: 0,
    value: 0,
    coverage: 0,
    period: null,
    horizon: new Float64Array(POINT_FIELDS * event.horizon.length),
    points: 0,
    crossings: [],
    older: undefined,
    newer: undefined,
  };
}

/** The event's numbers into `entry`, its horizon into the entry's own array (grown when short). */
function copyInto(entry: Entry, event: ForecastEvent): void {
  entry.ts = event.ts;
  entry.step = event.step;
  entry.value = event.value;
  entry.coverage = event.coverage;
  entry.period = event.period;
  // An empty list is shared, so that the common case (no thresholds) keeps nothing of the event.
  entry.crossings = event.crossings.length === 0 ? NO_CROSSINGS : event.crossings;
  const points = event.horizon;
  if (entry.horizon.length < POINT_FIELDS * points.length) {
    entry.horizon = new Float64Array(POINT_FIELDS * points.length);
  }
  const horizon = entry.horizon;
  for (let i = 0, at = 0; i < points.length; i++, at += POINT_FIELDS) {
    const point = points[i];
    horizon[at] = point.ts;
    horizon[at + 1] = point.mean;
    horizon[at + 2] = point.low;
    horizon[at + 3] = point.high;
  }
  entry.points = points.length;
}

const NO_CROSSINGS: readonly ForecastEventCrossing[] = Object.freeze([]);

function eventOf(entry: Entry): ForecastEvent {
  const horizon = entry.horizon;
  return {
    type: "forecast",
    factory: entry.factory,
    machine: entry.machine,
    ts: entry.ts,
    metric: entry.metric,
    step: entry.step,
    value: entry.value,
    coverage: entry.coverage,
    period: entry.period,
    horizon: Array.from({ length: entry.points }, (_, i) => ({
      ts: horizon[POINT_FIELDS * i],
      mean: horizon[POINT_FIELDS * i + 1],
      low: horizon[POINT_FIELDS * i + 2],
      high: horizon[POINT_FIELDS * i + 3],
    })),
    crossings: entry.crossings,
  };
}
