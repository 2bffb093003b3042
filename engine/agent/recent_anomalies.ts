/**
 * The last anomaly events of each machine, kept in memory from the bus with
 * every field the detectors put on them (detector, score, expected range,
 * explanation), which the event log does not keep. Bounded per machine and
 * in machines; older anomalies come from the event log.
 *
 * @module
 */
import type { EventBus } from "../bus.ts";
import type { AnomalyEvent } from "../events.ts";
import type { AnomalyQuery, AnomalyRecord, AnomalySource } from "./tools.ts";

/** Options of {@link RecentAnomalies}. */
export interface RecentAnomaliesOptions {
  /** Anomalies kept per machine, newest (default 200). */
  readonly perMachine?: number;
  /** Machines kept; the least recently flagged is forgotten past it (default 2 000). */
  readonly machines?: number;
}

/**
 * A bounded memory of recent anomaly events, per machine.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../bus.ts";
 *
 * declare const bus: EventBus, now: number;
 *
 * const recent = new RecentAnomalies(bus);
 * recent.query({ factory: "demo", machine: "press-01", from: now - 3_600_000, to: now });
 * recent.close();
 * ```
 */
export class RecentAnomalies {
  readonly #perMachine: number;
  readonly #machines: number;
  readonly #byMachine = new Map<string, AnomalyEvent[]>();
  readonly #unsubscribe: () => void;

  constructor(bus: EventBus, options: RecentAnomaliesOptions = {}) {
    this.#perMachine = positiveInteger("perMachine", options.perMachine ?? 200);
    this.#machines = positiveInteger("machines", options.machines ?? 2_000);
    this.#unsubscribe = bus.subscribe((event) => {
      if (event.type === "anomaly") this.#add(event);
    });
  }

  /** Anomalies of one machine within `from`…`to` (inclusive), oldest first. */
  query(query: AnomalyQuery): AnomalyRecord[] {
    const events = this.#byMachine.get(`${query.factory}/${query.machine}`) ?? [];
    return events.filter((e) => e.ts >= query.from && e.ts <= query.to).map(toRecord);
  }

  /** The oldest time this memory still covers for a machine (undefined when it holds none). */
  coveredFrom(factory: string, machine: string): number | undefined {
    return this.#byMachine.get(`${factory}/${machine}`)?.[0]?.ts;
  }

  /** Stops listening. */
  close(): void {
    this.#unsubscribe();
  }

  #add(event: AnomalyEvent): void {
    const key = `${event.factory}/${event.machine}`;
    let list = this.#byMachine.get(key);
    if (list === undefined) {
      if (this.#byMachine.size >= this.#machines) {
        this.#byMachine.delete(this.#byMachine.keys().next().value!);
      }
      list = [];
    } else {
      // Re-inserted so the map's order is least recently flagged first.
      this.#byMachine.delete(key);
    }
    this.#byMachine.set(key, list);
    list.push(event);
    if (list.length > this.#perMachine) list.splice(0, list.length - this.#perMachine);
  }
}

/**
 * Anomalies from memory where it reaches, and from `older` (the event log)
 * before that, for the `anomalies` tool.
 *
 * @example
 * ```ts
 * import type { EventLog } from "../event_log/mod.ts";
 * import { eventLogAnomalies } from "./tools.ts";
 *
 * declare const recent: RecentAnomalies, eventLog: EventLog;
 *
 * const anomalies = combinedAnomalies(recent, eventLogAnomalies(eventLog));
 * ```
 */
export function combinedAnomalies(recent: RecentAnomalies, older: AnomalySource): AnomalySource {
  return async (query) => {
    const fresh = recent.query(query);
    const covered = recent.coveredFrom(query.factory, query.machine);
    if (covered !== undefined && covered <= query.from) return fresh;
    const until = covered === undefined ? query.to : Math.min(query.to, covered - 1);
    const before = until < query.from ? [] : await older({ ...query, to: until });
    return [...before, ...fresh];
  };
}

function toRecord(event: AnomalyEvent): AnomalyRecord {
  const { type: _type, factory: _factory, ...rest } = event;
  return rest;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot keep recent anomalies: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}
