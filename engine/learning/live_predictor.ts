import type { EventBus } from "../bus.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import type { PredictionEvent } from "../events.ts";
import type { TimeSeriesStore } from "../store/time_series_store.ts";
import { machineKey, type MachineRef } from "../telemetry.ts";
import { FaultModel } from "./fault_classifier.ts";
import { DEFAULT_WINDOW_SPAN, readFeatureWindow, type WindowSpan } from "./feature_window.ts";
import type { ModelTable } from "./model_table.ts";

/** Dependencies of {@link LivePredictor}. */
export interface LivePredictorDeps {
  readonly store: Pick<TimeSeriesStore, "queryRange">;
  readonly bus: EventBus;
  readonly clock: Clock;
  readonly models: Pick<ModelTable, "activeVersion" | "model">;
  /** The machine's type (MachineTypeTable.typeOf). */
  readonly typeOf: (ref: MachineRef) => string;
  /** The machines to predict for (e.g. every machine of the live directory). */
  readonly machines: () => Iterable<MachineRef>;
}

/** Options of {@link LivePredictor}. */
export interface LivePredictorOptions {
  /** Time between two periodic predictions of one machine (default 30 s). */
  readonly intervalMs?: number;
  /** How often due machines are looked for (default 1 s). */
  readonly sweepMs?: number;
  /** The feature window, as labels keep it (default −10 min … +2 min). */
  readonly span?: WindowSpan;
  /** Where failed predictions are reported (default console.error). */
  readonly onError?: (error: unknown, ref: MachineRef) => void;
}

/**
 * Live fault predictions: for every machine whose type has an active model,
 * every `intervalMs` (machines staggered over the interval by a hash of
 * their key, so they do not all read the store at once) and `afterMs` after
 * each anomaly (so the window around the anomaly is complete, as in a
 * label), reads the feature window, predicts, and publishes a `prediction`
 * event. The periodic window ends now: it is the window of an event
 * `afterMs` ago.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../bus.ts";
 * import type { Clock } from "../clock.ts";
 * import type { TimeSeriesStore } from "../store/time_series_store.ts";
 * import type { MachineRef } from "../telemetry.ts";
 * import type { ModelTable } from "./model_table.ts";
 *
 * declare const store: TimeSeriesStore, bus: EventBus, clock: Clock, models: ModelTable;
 * declare const typeOf: (ref: MachineRef) => string;
 * declare const machines: () => Iterable<MachineRef>;
 *
 * const predictor = new LivePredictor({ store, bus, clock, models, typeOf, machines });
 * predictor.start();
 * predictor.latest({ factory: "demo", machine: "press-01" }); // PredictionEvent | undefined
 * ```
 */
export class LivePredictor {
  readonly #deps: LivePredictorDeps;
  readonly #intervalMs: number;
  readonly #sweepMs: number;
  readonly #span: WindowSpan;
  readonly #onError: (error: unknown, ref: MachineRef) => void;
  readonly #latest = new Map<string, PredictionEvent>();
  readonly #due = new Map<string, number>();
  readonly #busy = new Set<string>();
  readonly #afterAnomaly = new Map<string, TimerHandle>();
  readonly #loaded = new Map<string, { version: number; model: FaultModel }>();
  #sweepTimer: TimerHandle | undefined;
  #offBus: (() => void) | undefined;
  #inFlight = new Set<Promise<void>>();

  constructor(deps: LivePredictorDeps, options: LivePredictorOptions = {}) {
    this.#deps = deps;
    this.#intervalMs = options.intervalMs ?? 30_000;
    this.#sweepMs = options.sweepMs ?? 1_000;
    this.#span = options.span ?? DEFAULT_WINDOW_SPAN;
    this.#onError = options.onError ??
      ((error, ref) => console.error(`prediction for ${machineKey(ref)} failed`, error));
    for (const [name, value] of [["intervalMs", this.#intervalMs], ["sweepMs", this.#sweepMs]]) {
      if (!Number.isInteger(value) || (value as number) <= 0) {
        throw new RangeError(
          `Cannot create the live predictor: '${name}' must be a positive integer: current value is ${value}`,
        );
      }
    }
  }

  /** Starts the periodic sweep and listens for anomalies. */
  start(): void {
    if (this.#sweepTimer !== undefined) return;
    this.#offBus = this.#deps.bus.subscribe((event) => {
      if (event.type === "anomaly") this.#onAnomaly(event);
    });
    const sweep = () => {
      this.#sweepTimer = this.#deps.clock.setTimeout(sweep, this.#sweepMs);
      this.#sweep();
    };
    this.#sweepTimer = this.#deps.clock.setTimeout(sweep, this.#sweepMs);
  }

  /** Stops timers and waits for predictions under way. */
  async stop(): Promise<void> {
    this.#offBus?.();
    this.#offBus = undefined;
    if (this.#sweepTimer !== undefined) this.#deps.clock.clearTimeout(this.#sweepTimer);
    this.#sweepTimer = undefined;
    for (const handle of this.#afterAnomaly.values()) this.#deps.clock.clearTimeout(handle);
    this.#afterAnomaly.clear();
    await this.settled();
  }

  /** Resolves when no prediction is under way (tests). */
  async settled(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all(this.#inFlight);
  }

  /** The machine's latest prediction since start. */
  latest(ref: MachineRef): PredictionEvent | undefined {
    return this.#latest.get(machineKey(ref));
  }

  /**
   * Predicts for `ref` on the window of an event at `eventTs` now and
   * publishes the result; undefined when its type has no active model or the
   * window holds no values.
   */
  async predict(
    ref: MachineRef,
    eventTs: number,
    trigger: PredictionEvent["trigger"],
  ): Promise<PredictionEvent | undefined> {
    const machineType = this.#deps.typeOf(ref);
    const loaded = this.#model(ref.factory, machineType);
    if (loaded === undefined) return undefined;
    const window = await readFeatureWindow(this.#deps.store, ref, eventTs, this.#span);
    if (Object.keys(window.metrics).length === 0) return undefined;
    const prediction = loaded.model.predict(window);
    const event: PredictionEvent = {
      type: "prediction",
      factory: ref.factory,
      machine: ref.machine,
      ts: window.to,
      machineType,
      modelVersion: loaded.version,
      class: prediction.class,
      confidence: prediction.confidence,
      top: prediction.top,
      trigger,
    };
    this.#latest.set(machineKey(ref), event);
    this.#deps.bus.publish(event);
    return event;
  }

  #model(factory: string, machineType: string): { version: number; model: FaultModel } | undefined {
    const key = `${factory}/${machineType}`;
    const version = this.#deps.models.activeVersion(factory, machineType);
    if (version === null) {
      this.#loaded.delete(key);
      return undefined;
    }
    const cached = this.#loaded.get(key);
    if (cached?.version === version) return cached;
    const serialized = this.#deps.models.model(factory, machineType, version);
    if (serialized === undefined) return undefined;
    const loaded = { version, model: FaultModel.load(serialized) };
    this.#loaded.set(key, loaded);
    return loaded;
  }

  #sweep(): void {
    const now = this.#deps.clock.now();
    for (const ref of this.#deps.machines()) {
      const key = machineKey(ref);
      const due = this.#due.get(key);
      if (due === undefined) {
        this.#due.set(key, now + stagger(key, this.#intervalMs));
        continue;
      }
      if (due > now || this.#busy.has(key)) continue;
      this.#due.set(key, now + this.#intervalMs);
      this.#run(ref, now - this.#span.afterMs, "periodic");
    }
  }

  #onAnomaly(ref: MachineRef & { ts: number }): void {
    const key = machineKey(ref);
    // One prediction per burst of anomalies: the first schedules it.
    if (this.#afterAnomaly.has(key)) return;
    const target = { factory: ref.factory, machine: ref.machine };
    const at = ref.ts;
    const wait = Math.max(0, at + this.#span.afterMs - this.#deps.clock.now());
    this.#afterAnomaly.set(
      key,
      this.#deps.clock.setTimeout(() => {
        this.#afterAnomaly.delete(key);
        this.#run(target, at, "anomaly");
      }, wait),
    );
  }

  #run(ref: MachineRef, eventTs: number, trigger: PredictionEvent["trigger"]): void {
    const key = machineKey(ref);
    this.#busy.add(key);
    const job = this.predict(ref, eventTs, trigger)
      .then(() => undefined, (error) => this.#onError(error, ref))
      .finally(() => {
        this.#busy.delete(key);
        this.#inFlight.delete(job);
      });
    this.#inFlight.add(job);
  }
}

/** A stable offset in [0, interval) from the machine's key (FNV-1a). */
function stagger(key: string, intervalMs: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % intervalMs;
}
