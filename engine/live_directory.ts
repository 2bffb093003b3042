import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { EventBus } from "./bus.ts";
import type { Clock, TimerHandle } from "./clock.ts";
import type { EngineEvent, MachineStatus } from "./events.ts";
import type { MachineDirectory, MachineView } from "./machine_view.ts";
import type { MachineRef } from "./telemetry.ts";

/** Options of {@link LiveDirectory}. */
export interface LiveDirectoryOptions {
  readonly clock: Clock;
  /** Values kept in memory per metric for sparklines and first paint. */
  readonly recentValues?: number;
  /** How often changed views are written to the database. */
  readonly persistEveryMs?: number;
}

/** Where a view keeps its metrics' slots: a symbol, so JSON (persisted views, copies) never sees them. */
const SLOTS = Symbol("slots");

interface MutableView {
  /** Set on the first telemetry (views restored from the database start without). */
  [SLOTS]?: Map<string, MetricSlot>;
  factory: string;
  machine: string;
  status: MachineStatus;
  firstSeen: number;
  lastSeen: number;
  metrics: string[];
  latest: Record<string, { ts: number; value: number; anomalous: boolean }>;
  anomalyTimes: number[];
}

/** A ring of the latest (ts, value) pairs, interleaved: one cache line per push. */
class RecentValues {
  readonly #pairs: Float64Array;
  #next = 0;
  #count = 0;

  constructor(capacity: number) {
    this.#pairs = new Float64Array(2 * capacity);
  }

  push(ts: number, value: number): void {
    const at = this.#next;
    this.#pairs[at] = ts;
    this.#pairs[at + 1] = value;
    this.#next = at + 2 === this.#pairs.length ? 0 : at + 2;
    if (this.#count < this.#pairs.length) this.#count += 2;
  }

  toArray(): Array<readonly [number, number]> {
    const out: Array<readonly [number, number]> = [];
    const size = this.#pairs.length;
    for (let i = 0, at = (this.#next - this.#count + size) % size; i < this.#count; i += 2) {
      out.push([this.#pairs[at], this.#pairs[at + 1]]);
      at = at + 2 === size ? 0 : at + 2;
    }
    return out;
  }
}

/** A metric's latest value (the view's own entry) and its recent values. */
interface MetricSlot {
  readonly latest: { ts: number; value: number; anomalous: boolean };
  readonly recent: RecentValues;
}

const HOUR_MS = 3_600_000;

/** Periodic writes of changed views are spread over this many ticks a period. */
const PERSIST_SLICES = 5;

/**
 * The machine catalogue as a read model of bus events: every machine the
 * engine has heard of, its status and latest values, and a short in-memory
 * history per metric. It is written by events only, so it never reaches into
 * an actor, and persisted to the metadata database so a restarted engine
 * lists its machines before they speak again.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { EventBus } from "./bus.ts";
 * import { systemClock } from "./clock.ts";
 * declare const db: DatabaseSync, bus: EventBus;
 *
 * const directory = new LiveDirectory(db, bus, { clock: systemClock });
 * directory.machines("demo").map((m) => m.status);
 * ```
 */
export class LiveDirectory implements MachineDirectory {
  readonly #clock: Clock;
  readonly #recentCapacity: number;
  readonly #persistEveryMs: number;
  readonly #views = new Map<string, Map<string, MutableView>>();
  readonly #dirty = new Set<MutableView>();
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync;
  readonly #unsubscribe: () => void;
  #timer: TimerHandle | undefined;

  constructor(db: DatabaseSync, bus: EventBus, options: LiveDirectoryOptions) {
    this.#clock = options.clock;
    this.#recentCapacity = options.recentValues ?? 300;
    this.#persistEveryMs = options.persistEveryMs ?? 5_000;
    this.#db = db;
    this.#upsert = db.prepare(
      "INSERT INTO machines (factory, machine, view) VALUES (?, ?, ?) " +
        "ON CONFLICT (factory, machine) DO UPDATE SET view = excluded.view",
    );
    for (const row of db.prepare("SELECT view FROM machines").all() as Array<{ view: string }>) {
      const view = JSON.parse(row.view) as MutableView;
      this.#factory(view.factory).set(view.machine, view);
    }
    this.#unsubscribe = bus.subscribe((event) => this.#apply(event));
    this.#schedulePersist();
  }

  factories(): string[] {
    return [...this.#views.keys()].sort();
  }

  machines(factory: string): MachineView[] {
    const machines = this.#views.get(factory);
    if (machines === undefined) return [];
    return [...machines.values()]
      .sort((a, b) => a.machine.localeCompare(b.machine))
      .map((view) => this.#freeze(view));
  }

  /**
   * Every machine's factory and id, in no order: for periodic sweeps over the
   * fleet, which {@link machines} (sorted copies of whole views) would cost
   * ~20 ms a call at 1,000 machines.
   */
  machineRefs(): MachineRef[] {
    const refs: MachineRef[] = [];
    for (const machines of this.#views.values()) {
      for (const view of machines.values()) {
        refs.push({ factory: view.factory, machine: view.machine });
      }
    }
    return refs;
  }

  machine(factory: string, machine: string): MachineView | undefined {
    const view = this.#views.get(factory)?.get(machine);
    return view === undefined ? undefined : this.#freeze(view);
  }

  recent(
    factory: string,
    machine: string,
    metric: string,
  ): ReadonlyArray<readonly [number, number]> {
    const view = this.#views.get(factory)?.get(machine);
    return view?.[SLOTS]?.get(metric)?.recent.toArray() ?? [];
  }

  /** Writes changed views now: all, or the `limit` that changed first. */
  persist(limit = Infinity): void {
    if (this.#dirty.size === 0) return;
    const written: MutableView[] = [];
    // One transaction for all: a commit per view stalled the event loop ~70 ms for 1,000 machines.
    this.#db.exec("BEGIN");
    try {
      for (const view of this.#dirty) {
        if (written.length >= limit) break;
        this.#upsert.run(view.factory, view.machine, JSON.stringify(view));
        written.push(view);
      }
      this.#db.exec("COMMIT");
    } catch (error) {
      this.#db.exec("ROLLBACK");
      throw new Error(`Cannot persist ${this.#dirty.size} machine views`, { cause: error });
    }
    for (const view of written) this.#dirty.delete(view);
  }

  /** Stops listening and writes what changed. */
  close(): void {
    this.#unsubscribe();
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    this.persist();
  }

  #apply(event: EngineEvent): void {
    const view = this.#view(event.factory, event.machine, event.ts);
    switch (event.type) {
      case "telemetry": {
        view.lastSeen = Math.max(view.lastSeen, event.ts);
        // On the view itself: the hot path builds no string keys, one lookup a metric.
        let slots = view[SLOTS];
        if (slots === undefined) view[SLOTS] = slots = new Map();
        const flagged = event.anomalous.length > 0;
        for (const metric in event.values) {
          const value = event.values[metric];
          const anomalous = flagged && event.anomalous.includes(metric);
          let slot = slots.get(metric);
          if (slot === undefined) {
            slot = this.#slot(view, metric);
            slots.set(metric, slot);
          }
          const latest = slot.latest;
          latest.ts = event.ts;
          latest.value = value;
          latest.anomalous = anomalous;
          slot.recent.push(event.ts, value);
        }
        break;
      }
      case "registered":
        for (const metric of event.metrics) {
          if (!view.metrics.includes(metric)) view.metrics.push(metric);
        }
        break;
      case "anomaly": {
        view.anomalyTimes.push(event.ts);
        const cutoff = this.#clock.now() - HOUR_MS;
        while (view.anomalyTimes.length > 0 && view.anomalyTimes[0] < cutoff) {
          view.anomalyTimes.shift();
        }
        break;
      }
      case "status":
        view.status = event.status;
        break;
      case "supervision":
        if (event.decision === "restore" && view.status === "quarantined") view.status = "normal";
        break;
    }
    this.#dirty.add(view);
  }

  /** A metric's slot, keeping the view's latest entry if it has one (restored views do). */
  #slot(view: MutableView, metric: string): MetricSlot {
    let latest = view.latest[metric];
    if (latest === undefined) {
      latest = { ts: 0, value: 0, anomalous: false };
      // An own property even for a metric named `__proto__` (a valid name).
      Object.defineProperty(view.latest, metric, {
        value: latest,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      if (!view.metrics.includes(metric)) view.metrics.push(metric);
    }
    return { latest, recent: new RecentValues(this.#recentCapacity) };
  }

  #view(factory: string, machine: string, ts: number): MutableView {
    const machines = this.#factory(factory);
    let view = machines.get(machine);
    if (view === undefined) {
      view = {
        factory,
        machine,
        status: "normal",
        firstSeen: ts,
        lastSeen: ts,
        metrics: [],
        latest: {},
        anomalyTimes: [],
      };
      machines.set(machine, view);
    }
    return view;
  }

  #factory(factory: string): Map<string, MutableView> {
    let machines = this.#views.get(factory);
    if (machines === undefined) {
      machines = new Map();
      this.#views.set(factory, machines);
    }
    return machines;
  }

  #freeze(view: MutableView): MachineView {
    const cutoff = this.#clock.now() - HOUR_MS;
    return {
      factory: view.factory,
      machine: view.machine,
      status: view.status,
      firstSeen: view.firstSeen,
      lastSeen: view.lastSeen,
      metrics: [...view.metrics],
      // Copies: the view's own entries change in place as telemetry arrives.
      latest: Object.fromEntries(
        Object.entries(view.latest).map(([metric, latest]) => [metric, { ...latest }]),
      ),
      anomaliesLastHour: view.anomalyTimes.filter((t) => t >= cutoff).length,
    };
  }

  /**
   * Every `persistEveryMs / PERSIST_SLICES` writes at most that share of the
   * fleet, the views that changed first: all 1,000 machines' views at once
   * stalled the event loop ~20 ms every 5 s, in slices it is ~5 ms.
   */
  #schedulePersist(): void {
    this.#timer = this.#clock.setTimeout(() => {
      try {
        let views = 0;
        for (const machines of this.#views.values()) views += machines.size;
        this.persist(Math.ceil(views / PERSIST_SLICES));
      } finally {
        this.#schedulePersist();
      }
    }, this.#persistEveryMs / PERSIST_SLICES);
  }
}
