/**
 * The live model of one machine's page: status, latest value per metric,
 * recent anomalies (signals) and each metric's chart points (plain arrays,
 * with a change callback, since charts redraw on animation frames rather
 * than re-render).
 */
import { type ReadonlySignal, type Signal, signal } from "@preact/signals";
import type { AnomalyReason, ForecastEvent, MachineStatus } from "../../engine/events.ts";
import type { LatestValue } from "../../engine/machine_view.ts";
import type { LiveMessage } from "./live_message.ts";
import { type SeriesSeed, SeriesWindow } from "./series_window.ts";

/** Anomalies listed on the page, newest first. */
export const ANOMALY_LIST_SIZE = 50;
/** Anomalies remembered while their telemetry has not arrived yet. */
const PENDING_FLAGS = 256;

/** The machine as the server renders it and the browser keeps it. */
export interface MachineSeed {
  readonly factory: string;
  readonly machine: string;
  readonly status: MachineStatus;
  readonly lastSeen: number;
  readonly metrics: readonly string[];
  readonly latest: Readonly<Record<string, LatestValue>>;
  readonly anomaliesLastHour: number;
  /** Chart points of the window before the page was rendered, per metric. */
  readonly series: Readonly<Record<string, SeriesSeed>>;
}

/** One anomaly in the page's list. */
export interface AnomalyEntry {
  readonly ts: number;
  readonly metric: string;
  readonly value: number;
  readonly reason: AnomalyReason;
  readonly score: number;
  readonly low: number;
  readonly high: number;
  /** Detector that flagged it, its score in [0, 1] and the one-line explanation (when sent). */
  readonly detector?: string;
  readonly anomalyScore?: number;
  readonly explanation?: string;
}

/**
 * One machine, fed with live messages.
 *
 * @example
 * ```ts
 * import { pageLiveSocket } from "./live_socket.ts";
 *
 * declare const seed: MachineSeed; // as the server rendered it
 * const live = new LiveMachine(seed, 300_000);
 * const socket = pageLiveSocket({ factory: seed.factory, machine: seed.machine });
 * socket.subscribe((m) => live.apply(m));
 * live.latest("temperature").value?.value;
 * ```
 */
export class LiveMachine {
  readonly factory: string;
  readonly machine: string;
  readonly #status: Signal<MachineStatus>;
  readonly #statusReason = signal<string | undefined>(undefined);
  readonly #lastSeen: Signal<number>;
  readonly #metrics: Signal<readonly string[]>;
  readonly #latest = new Map<string, Signal<LatestValue | undefined>>();
  readonly #series = new Map<string, SeriesWindow>();
  readonly #anomalies = signal<readonly AnomalyEntry[]>([]);
  readonly #pendingFlags = new Set<string>();
  readonly #seriesListeners = new Set<(metric: string) => void>();
  /** Latest `forecast` event per metric (band ahead of now on its chart). */
  readonly #forecasts = new Map<string, Signal<ForecastEvent | undefined>>();

  readonly #windowMs: number;

  /** `windowMs`: how far back chart points are kept, before the newest point. */
  constructor(seed: MachineSeed, windowMs: number) {
    this.#windowMs = windowMs;
    this.factory = seed.factory;
    this.machine = seed.machine;
    this.#status = signal(seed.status);
    this.#lastSeen = signal(seed.lastSeen);
    this.#metrics = signal([...seed.metrics]);
    for (const metric of seed.metrics) {
      this.#latest.set(metric, signal(seed.latest[metric]));
      this.#series.set(metric, new SeriesWindow(seed.series[metric]));
    }
  }

  get status(): ReadonlySignal<MachineStatus> {
    return this.#status;
  }

  /** The reason given by the latest status event, if any arrived. */
  get statusReason(): ReadonlySignal<string | undefined> {
    return this.#statusReason;
  }

  /** Epoch ms of the latest telemetry; 0 before any. */
  get lastSeen(): ReadonlySignal<number> {
    return this.#lastSeen;
  }

  /** Metric names in first-seen order. */
  get metrics(): ReadonlySignal<readonly string[]> {
    return this.#metrics;
  }

  /** Anomalies received since the page opened, newest first. */
  get anomalies(): ReadonlySignal<readonly AnomalyEntry[]> {
    return this.#anomalies;
  }

  /** Latest value of `metric`. */
  latest(metric: string): ReadonlySignal<LatestValue | undefined> {
    return this.#entry(metric).latest;
  }

  /** Chart points of `metric`. */
  series(metric: string): SeriesWindow {
    return this.#entry(metric).series;
  }

  /** The latest forecast of `metric` (path, interval, crossing estimates), once one arrived. */
  forecast(metric: string): ReadonlySignal<ForecastEvent | undefined> {
    let forecast = this.#forecasts.get(metric);
    if (forecast === undefined) this.#forecasts.set(metric, forecast = signal(undefined));
    return forecast;
  }

  /** Calls `listener` with a metric's name whenever its chart points (or its forecast) change. */
  onSeriesChange(listener: (metric: string) => void): () => void {
    this.#seriesListeners.add(listener);
    return () => this.#seriesListeners.delete(listener);
  }

  /** Applies one live message; messages of other machines are ignored. */
  apply(message: LiveMessage): void {
    // `forecast` events reach here once live_message.ts passes them on.
    const event = message as unknown as ForecastEvent;
    if (event.type === "forecast") {
      if (event.factory !== this.factory || event.machine !== this.machine) return;
      (this.forecast(event.metric) as Signal<ForecastEvent | undefined>).value = event;
      this.#changed(event.metric);
      return;
    }
    if (
      message.type === "hello" || message.factory !== this.factory ||
      message.machine !== this.machine
    ) return;
    switch (message.type) {
      case "telemetry":
        this.#lastSeen.value = Math.max(this.#lastSeen.value, message.ts);
        for (const [metric, value] of Object.entries(message.values)) {
          const key = `${metric}@${message.ts}`;
          const anomalous = message.anomalous.includes(metric) || this.#pendingFlags.delete(key);
          const entry = this.#entry(metric);
          const previous = entry.latest.value;
          if (previous === undefined || previous.ts <= message.ts) {
            entry.latest.value = { ts: message.ts, value, anomalous };
          }
          entry.series.append(message.ts, value, anomalous);
          // Charts trim when they draw, but a hidden tab does not draw.
          entry.series.trimBefore(message.ts - this.#windowMs);
          this.#changed(metric);
        }
        break;
      case "anomaly": {
        const { metric, ts } = message;
        this.#anomalies.value = [{
          ts,
          metric,
          value: message.value,
          reason: message.reason,
          score: message.score,
          low: message.expected.low,
          high: message.expected.high,
          detector: message.detector,
          anomalyScore: message.anomalyScore,
          explanation: message.explanation,
        }, ...this.#anomalies.value].slice(0, ANOMALY_LIST_SIZE);
        const entry = this.#entry(metric);
        const latest = entry.latest.value;
        if (latest !== undefined && latest.ts === ts && !latest.anomalous) {
          entry.latest.value = { ...latest, anomalous: true };
        }
        if (entry.series.flag(ts)) {
          this.#changed(metric);
        } else {
          this.#pendingFlags.add(`${metric}@${ts}`);
          if (this.#pendingFlags.size > PENDING_FLAGS) {
            this.#pendingFlags.delete(this.#pendingFlags.values().next().value!);
          }
        }
        break;
      }
      case "status":
        this.#status.value = message.status;
        this.#statusReason.value = message.reason;
        break;
      case "supervision":
        // As the server's directory does: a restored actor leaves quarantine.
        if (message.decision === "restore" && this.#status.value === "quarantined") {
          this.#status.value = "normal";
          this.#statusReason.value = message.reason;
        }
        break;
      case "registered":
        for (const metric of message.metrics) this.#entry(metric);
        break;
    }
  }

  #entry(metric: string): {
    latest: Signal<LatestValue | undefined>;
    series: SeriesWindow;
  } {
    let latest = this.#latest.get(metric);
    let series = this.#series.get(metric);
    if (latest === undefined || series === undefined) {
      latest = signal<LatestValue | undefined>(undefined);
      series = new SeriesWindow();
      this.#latest.set(metric, latest);
      this.#series.set(metric, series);
      this.#metrics.value = [...this.#metrics.value, metric];
    }
    return { latest, series };
  }

  #changed(metric: string): void {
    for (const listener of this.#seriesListeners) listener(metric);
  }
}
