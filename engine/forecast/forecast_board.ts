import type { EngineEvent, ForecastEvent } from "../events.ts";

/** Options of a {@link ForecastBoard}. */
export interface ForecastBoardOptions {
  /** Most (factory, machine, metric) forecasts kept; the least recently updated leaves first. */
  readonly maxEntries: number;
}

/**
 * The latest `forecast` event of every (factory, machine, metric), fed from
 * the bus: what the machine actors last forecast, for the API. Bounded by
 * `maxEntries` (least recently updated first out); a machine's entries
 * leave when it is quarantined or stopped.
 *
 * @example
 * ```ts
 * const board = new ForecastBoard();
 * bus.subscribe((event) => board.observe(event));
 * board.forecasts("plant-1", "oven-01"); // ForecastEvent[]
 * ```
 */
export class ForecastBoard {
  readonly #maxEntries: number;
  /** Insertion order = update order (an update deletes and re-inserts). */
  readonly #latest = new Map<string, ForecastEvent>();

  constructor(options: Partial<ForecastBoardOptions> = {}) {
    const maxEntries = options.maxEntries ?? 10_000;
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(
        `Cannot keep forecasts: 'maxEntries' must be a positive integer: current value is ${maxEntries}`,
      );
    }
    this.#maxEntries = maxEntries;
  }

  /** Keeps `event` when it is a forecast; forgets a machine that stops. */
  observe(event: EngineEvent): void {
    if (
      event.type === "supervision" && (event.decision === "stop" || event.decision === "quarantine")
    ) {
      const prefix = `${event.factory}\u0000${event.machine}\u0000`;
      for (const key of [...this.#latest.keys()]) {
        if (key.startsWith(prefix)) this.#latest.delete(key);
      }
      return;
    }
    if (event.type !== "forecast") return;
    const key = `${event.factory}\u0000${event.machine}\u0000${event.metric}`;
    this.#latest.delete(key);
    this.#latest.set(key, event);
    if (this.#latest.size > this.#maxEntries) {
      this.#latest.delete(this.#latest.keys().next().value!);
    }
  }

  /** The latest forecasts of a machine's metrics (all, or the one named), by metric name. */
  forecasts(factory: string, machine: string, metric?: string): ForecastEvent[] {
    if (metric !== undefined) {
      const one = this.#latest.get(`${factory}\u0000${machine}\u0000${metric}`);
      return one === undefined ? [] : [one];
    }
    const prefix = `${factory}\u0000${machine}\u0000`;
    return [...this.#latest].filter(([key]) => key.startsWith(prefix)).map(([, e]) => e)
      .sort((a, b) => a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0);
  }
}
