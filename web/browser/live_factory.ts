/**
 * The live model of a factory overview: one signal per machine tile, so a
 * telemetry event re-renders only its machine's tile.
 */
import { computed, type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type { MachineStatus } from "../../engine/events.ts";
import type { LatestValue } from "../../engine/machine_view.ts";
import type { LiveMessage } from "./live_message.ts";

/** Values kept per metric for a tile's sparkline. */
export const SPARK_POINTS = 60;
/** Metrics shown on a tile (the first seen); the rest are counted. */
export const TILE_METRICS = 4;
const HOUR_MS = 3_600_000;

/** One machine tile as the server renders it and the browser keeps it. */
export interface TileState {
  readonly machine: string;
  readonly status: MachineStatus;
  /** Why the status is what it is, when a status event said so. */
  readonly statusReason?: string;
  /** Epoch ms of the latest telemetry; 0 before any. */
  readonly lastSeen: number;
  /** Metric names in first-seen order. */
  readonly metrics: readonly string[];
  readonly latest: Readonly<Record<string, LatestValue>>;
  /** Latest values per metric, oldest first, at most {@link SPARK_POINTS}. */
  readonly spark: Readonly<Record<string, readonly number[]>>;
  /** Anomalies in the hour before `anomaliesAt` (from the server). */
  readonly anomaliesLastHour: number;
  /** Epoch ms when `anomaliesLastHour` was counted. */
  readonly anomaliesAt: number;
  /** Epoch ms of each anomaly received live since then. */
  readonly anomalyTimes: readonly number[];
}

/** Anomalies of a tile in the hour before `now`, as well as they are known. */
export function anomaliesInLastHour(tile: TileState, now: number): number {
  const seeded = now - tile.anomaliesAt < HOUR_MS ? tile.anomaliesLastHour : 0;
  return seeded + tile.anomalyTimes.filter((ts) => ts > now - HOUR_MS).length;
}

/** Machines per status. */
export type StatusCounts = Readonly<Record<MachineStatus, number>>;

/**
 * Tiles of one factory, fed with live messages.
 *
 * @example
 * ```ts
 * import { pageLiveSocket } from "./live_socket.ts";
 *
 * declare const seeds: readonly TileState[]; // as the server rendered them
 * const live = new LiveFactory("f1", seeds);
 * const socket = pageLiveSocket({ factory: "f1" });
 * socket.subscribe((m) => live.apply(m));
 * live.tile("press-01").value.latest.temperature;
 * ```
 */
export class LiveFactory {
  readonly factory: string;
  readonly #tiles = new Map<string, Signal<TileState>>();
  readonly #names: Signal<readonly string[]>;
  readonly #counts: ReadonlySignal<StatusCounts>;

  constructor(factory: string, tiles: readonly TileState[]) {
    this.factory = factory;
    for (const tile of tiles) this.#tiles.set(tile.machine, signal(tile));
    this.#names = signal(sortNames(tiles.map((tile) => tile.machine)));
    this.#counts = computed(() => {
      const counts = { normal: 0, anomalous: 0, stale: 0, quarantined: 0 };
      for (const name of this.#names.value) counts[this.tile(name).value.status]++;
      return counts;
    });
  }

  /** Machine names, sorted; grows when a new machine reports. */
  get names(): ReadonlySignal<readonly string[]> {
    return this.#names;
  }

  /** Machines per status, for the summary bar. */
  get counts(): ReadonlySignal<StatusCounts> {
    return this.#counts;
  }

  /** The tile of `machine`; throws for a machine not in {@link names}. */
  tile(machine: string): ReadonlySignal<TileState> {
    const tile = this.#tiles.get(machine);
    if (tile === undefined) {
      throw new Error(`No tile for machine '${machine}' in '${this.factory}'`);
    }
    return tile;
  }

  /** Applies one live message; messages of other factories are ignored. */
  apply(message: LiveMessage): void {
    if (message.type === "hello" || message.factory !== this.factory) return;
    const tile = this.#tileFor(message.machine, message.ts);
    const state = tile.value;
    switch (message.type) {
      case "telemetry": {
        const latest = { ...state.latest };
        const spark = { ...state.spark };
        const metrics = [...state.metrics];
        for (const [metric, value] of Object.entries(message.values)) {
          latest[metric] = { ts: message.ts, value, anomalous: message.anomalous.includes(metric) };
          spark[metric] = [...(spark[metric] ?? []), value].slice(-SPARK_POINTS);
          if (!metrics.includes(metric)) metrics.push(metric);
        }
        tile.value = {
          ...state,
          lastSeen: Math.max(state.lastSeen, message.ts),
          metrics,
          latest,
          spark,
        };
        break;
      }
      case "anomaly": {
        const current = state.latest[message.metric];
        const latest = current !== undefined && current.ts === message.ts
          ? { ...state.latest, [message.metric]: { ...current, anomalous: true } }
          : state.latest;
        const anomalyTimes = [
          ...state.anomalyTimes.filter((ts) => ts > message.ts - HOUR_MS),
          message.ts,
        ];
        tile.value = { ...state, latest, anomalyTimes };
        break;
      }
      case "status":
        tile.value = { ...state, status: message.status, statusReason: message.reason };
        break;
      case "supervision":
        // As the server's directory does: a restored actor leaves quarantine.
        if (message.decision === "restore" && state.status === "quarantined") {
          tile.value = { ...state, status: "normal", statusReason: message.reason };
        }
        break;
      case "registered": {
        const added = message.metrics.filter((metric) => !state.metrics.includes(metric));
        if (added.length > 0) tile.value = { ...state, metrics: [...state.metrics, ...added] };
        break;
      }
    }
  }

  #tileFor(machine: string, ts: number): Signal<TileState> {
    let tile = this.#tiles.get(machine);
    if (tile === undefined) {
      tile = signal<TileState>({
        machine,
        status: "normal",
        lastSeen: 0,
        metrics: [],
        latest: {},
        spark: {},
        anomaliesLastHour: 0,
        anomaliesAt: ts,
        anomalyTimes: [],
      });
      this.#tiles.set(machine, tile);
      this.#names.value = sortNames([...this.#names.value, machine]);
    }
    return tile;
  }
}

function sortNames(names: string[]): string[] {
  return names.sort((a, b) => a.localeCompare(b));
}
