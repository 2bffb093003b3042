import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The engine's Prometheus metric catalogue, served as text at `GET /api/v1/metrics`.
 * Parts of the engine receive this object and update their own metrics; values
 * that are cheaper to read than to track (actor count, mailbox depth) are
 * sampled by hooks registered with {@link EngineMetrics.beforeCollect}.
 *
 * @example
 * ```ts
 * const metrics = new EngineMetrics();
 * metrics.ingestRejected.inc({ reason: "bad_json" });
 * const text = await metrics.render();
 * ```
 */
export class EngineMetrics {
  readonly registry = new Registry();
  #hooks: Array<() => void> = [];

  readonly ingestMessages = new Counter({
    name: "millwright_ingest_messages_total",
    help: "Messages (MQTT publishes or HTTP ingest requests) received, by source.",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly ingestPoints = new Counter({
    name: "millwright_ingest_points_total",
    help: "Telemetry points accepted by validation, by source.",
    labelNames: ["source"] as const,
    registers: [this.registry],
  });
  readonly ingestRejected = new Counter({
    name: "millwright_ingest_rejected_total",
    help: "Points or payloads rejected at ingest, by reason.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly deadLetters = new Counter({
    name: "millwright_dead_letter_records_total",
    help: "Records written to the dead-letter file.",
    registers: [this.registry],
  });
  readonly deadLettersDropped = new Counter({
    name: "millwright_dead_letter_dropped_total",
    help: "Dead-letter records not written because the writer was behind its bound.",
    registers: [this.registry],
  });
  readonly actors = new Gauge({
    name: "millwright_actors",
    help: "Machine actors currently running (not passivated, not quarantined).",
    registers: [this.registry],
  });
  readonly machinesQuarantined = new Gauge({
    name: "millwright_machines_quarantined",
    help: "Machines whose actor was stopped after too many restarts.",
    registers: [this.registry],
  });
  readonly mailboxDepth = new Gauge({
    name: "millwright_mailbox_depth",
    help: "Messages queued in all actor mailboxes.",
    registers: [this.registry],
  });
  readonly mailboxMaxDepth = new Gauge({
    name: "millwright_mailbox_max_depth",
    help: "Deepest single actor mailbox.",
    registers: [this.registry],
  });
  readonly telemetryShed = new Counter({
    name: "millwright_telemetry_shed_total",
    help:
      "Telemetry messages not processed by an actor, by reason (mailbox_full, quarantined, crashed, stopped).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly supervisionDecisions = new Counter({
    name: "millwright_supervision_decisions_total",
    help:
      "Supervision decisions, by decision (spawn, restore, restart, quarantine, passivate, stop).",
    labelNames: ["decision"] as const,
    registers: [this.registry],
  });
  readonly actorRestarts = new Counter({
    name: "millwright_actor_restarts_total",
    help: "Actor restarts after a crash.",
    registers: [this.registry],
  });
  readonly anomalies = new Counter({
    name: "millwright_anomalies_total",
    help: "Values flagged anomalous by the machine actors' detectors.",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly storePointsWritten = new Counter({
    name: "millwright_store_points_written_total",
    help: "Points durably written to the time-series store.",
    registers: [this.registry],
  });
  readonly storeWriteSeconds = new Histogram({
    name: "millwright_store_write_seconds",
    help: "Time to write one batch to the time-series store.",
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  readonly storePendingPoints = new Gauge({
    name: "millwright_store_pending_points",
    help: "Points buffered for the time-series store, not yet written.",
    registers: [this.registry],
  });
  readonly wsClients = new Gauge({
    name: "millwright_ws_clients",
    help: "Open live WebSocket connections.",
    registers: [this.registry],
  });
  readonly wsEventsDropped = new Counter({
    name: "millwright_ws_events_dropped_total",
    help: "Live events not sent to a client, by reason (coalesced, closed_slow).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly wsClientsClosedSlow = new Counter({
    name: "millwright_ws_clients_closed_slow_total",
    help: "Live WebSocket clients closed because they fell too far behind.",
    registers: [this.registry],
  });

  /** Registers a hook that refreshes sampled gauges right before each scrape. */
  beforeCollect(hook: () => void): void {
    this.#hooks.push(hook);
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    for (const hook of this.#hooks) hook();
    return await this.registry.metrics();
  }

  /** Current value of a counter or gauge with the given labels (for tests and the health page). */
  async value(
    metric: Counter<string> | Gauge<string>,
    labels: Record<string, string> = {},
  ): Promise<number> {
    for (const hook of this.#hooks) hook();
    const { values } = await metric.get();
    const found = values.find((v) =>
      Object.entries(labels).every(([k, val]) => v.labels[k] === val) &&
      Object.keys(v.labels).length === Object.keys(labels).length
    );
    return found?.value ?? 0;
  }
}
