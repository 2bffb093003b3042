import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** A counter child counted on a hot path; see {@link EngineMetrics.tally}. */
export interface Tally {
  inc(n?: number): void;
}

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
  readonly mqttRefusals = new Counter({
    name: "millwright_mqtt_refusals_total",
    help: "Connections, publishes and subscriptions the embedded broker refused, by reason.",
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
  readonly storePointsOverwritten = new Counter({
    name: "millwright_store_points_overwritten_total",
    help:
      "Points written again for a (series, ts) already stored, with a different value (last write wins).",
    registers: [this.registry],
  });
  readonly storeRollupRecomputes = new Counter({
    name: "millwright_store_rollup_recomputes_total",
    help: "Rollup buckets whose min or max was recomputed from finer data after an overwrite.",
    registers: [this.registry],
  });
  readonly storeQuerySeconds = new Histogram({
    name: "millwright_store_query_seconds",
    help: "Time to answer one range query, by the resolution it read (raw, 1m, 1h, 1d).",
    labelNames: ["resolution"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [this.registry],
  });
  readonly retentionDeleted = new Counter({
    name: "millwright_retention_deleted_rows_total",
    help: "Rows deleted by retention, by kind (raw, 1m, 1h, 1d rollups; events).",
    labelNames: ["kind"] as const,
    registers: [this.registry],
  });
  readonly retentionLastPass = new Gauge({
    name: "millwright_retention_last_pass_timestamp_seconds",
    help: "When the last complete retention pass ended (Unix seconds; 0 before the first).",
    registers: [this.registry],
  });
  readonly eventLogWritten = new Counter({
    name: "millwright_event_log_written_total",
    help: "Status changes and anomalies written to the event log.",
    registers: [this.registry],
  });
  readonly eventLogDropped = new Counter({
    name: "millwright_event_log_dropped_total",
    help: "Events not written to the event log, by reason (write_failed).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly influxPointsWritten = new Counter({
    name: "millwright_influx_points_written_total",
    help: "Values (fields) InfluxDB acknowledged, sent from the spool.",
    registers: [this.registry],
  });
  readonly influxWriteSeconds = new Histogram({
    name: "millwright_influx_write_seconds",
    help: "Time of one InfluxDB write request that succeeded.",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly influxWriteRetries = new Counter({
    name: "millwright_influx_write_retries_total",
    help:
      "InfluxDB write requests retried later, by reason (network, 429, 5xx, other: 401/403/404 and the like).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly influxDeadLetteredLines = new Counter({
    name: "millwright_influx_dead_lettered_lines_total",
    help: "Lines InfluxDB refused (400/422), written to the dead-letter file with its reason.",
    registers: [this.registry],
  });
  readonly influxSpoolBytes = new Gauge({
    name: "millwright_influx_spool_bytes",
    help: "Bytes of spool segment files on disk (points waiting for InfluxDB, or not yet deleted).",
    registers: [this.registry],
  });
  readonly influxSpoolOldestAgeSeconds = new Gauge({
    name: "millwright_influx_spool_oldest_age_seconds",
    help: "How long the oldest point not yet acknowledged by InfluxDB has waited in the spool.",
    registers: [this.registry],
  });
  readonly influxSpoolDroppedPoints = new Counter({
    name: "millwright_influx_spool_dropped_points_total",
    help:
      "Points dropped from the spool unsent, the oldest first, to keep it within its byte bound.",
    registers: [this.registry],
  });
  readonly influxSpoolCorruptRecords = new Counter({
    name: "millwright_influx_spool_corrupt_records_total",
    help: "Damaged spool records (checksum mismatch) skipped when reading the spool.",
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

  readonly notificationsSent = new Counter({
    name: "millwright_notifications_sent_total",
    help: "Notifications (single alerts and digests) accepted by a channel, by channel id.",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });
  readonly notificationsFailed = new Counter({
    name: "millwright_notifications_failed_total",
    help: "Notifications given up on (permanent error or out of attempts), by channel id.",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });
  readonly notificationRetries = new Counter({
    name: "millwright_notification_retries_total",
    help: "Notification attempts that failed retryably and were scheduled again, by channel id.",
    labelNames: ["channel"] as const,
    registers: [this.registry],
  });
  readonly notificationDigests = new Counter({
    name: "millwright_notification_digests_total",
    help: "Digests built in place of single notifications, by reason (storm, quiet_hours).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly notificationsHeld = new Counter({
    name: "millwright_notifications_held_total",
    help:
      "Alert notifications not sent on their own at once, by reason (storm, group_wait, quiet_hours).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });
  readonly notificationsDropped = new Counter({
    name: "millwright_notifications_dropped_total",
    help: "Alert notifications not sent by policy, by reason (quiet_hours, flapping, duplicate).",
    labelNames: ["reason"] as const,
    registers: [this.registry],
  });

  /**
   * A cheap handle on one labelled child of `counter` for hot paths: `inc`
   * only adds to a number, which is handed to the counter before each scrape
   * (prom-client's own `inc` hashes the labels on every call).
   *
   * @example
   * ```ts
   * declare const metrics: EngineMetrics;
   * const received = metrics.tally(metrics.ingestMessages, { source: "mqtt" });
   * received.inc();
   * ```
   */
  tally<T extends string>(counter: Counter<T>, labels: Partial<Record<T, string>>): Tally {
    const child = counter.labels(labels);
    let pending = 0;
    this.beforeCollect(() => {
      if (pending === 0) return;
      child.inc(pending);
      pending = 0;
    });
    return {
      inc: (n = 1) => {
        pending += n;
      },
    };
  }

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
