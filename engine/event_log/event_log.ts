import type { DatabaseSync, StatementSync } from "node:sqlite";
import type { EventBus } from "../bus.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import type { EngineEvent, MachineStatus } from "../events.ts";
import type { EngineMetrics } from "../metrics.ts";
import { bucketSpan } from "../store/history_plan.ts";
import type { Prunable, PruneStep } from "../store/retention_job.ts";
import { computeTrend, type StatusChange, type TrendBucket } from "./trend.ts";

/** Options of {@link EventLog}. */
export interface EventLogOptions {
  readonly clock: Clock;
  readonly metrics?: EngineMetrics;
  /** Longest an event waits in memory before it is written (default 1 s). */
  readonly flushEveryMs?: number;
  /** Events written per transaction; reaching it writes at once (default 500). */
  readonly batchSize?: number;
  /** How long events are kept, in ms (default 90 d); `null` keeps them forever. */
  readonly retentionMs?: number | null;
  /** Called when a write fails; the batch is dropped and counted. */
  readonly onError?: (error: unknown) => void;
}

/** A factory trend request; `from`…`to` is covered by whole buckets of `every`. */
export interface TrendQuery {
  readonly factory: string;
  readonly from: number;
  readonly to: number;
  readonly every: number;
  /** Machines the caller knows of, with when each was first seen. */
  readonly machines?: ReadonlyMap<string, number>;
}

/** One machine's events over a time range, for {@link EventLog.machineEvents}. */
export interface MachineEventQuery {
  readonly factory: string;
  readonly machine: string;
  /** Inclusive epoch ms. */
  readonly from: number;
  readonly to: number;
}

/** What the event log holds of one machine over a range. */
export interface MachineEventHistory {
  /** The status in force at `from` (the last change before it), if one was logged. */
  readonly statusAtFrom: MachineStatus | null;
  /** Status changes within the range, oldest first. */
  readonly statuses: ReadonlyArray<{ readonly ts: number; readonly status: MachineStatus }>;
  /** Anomalies within the range, oldest first: the flagged point's time and metric. */
  readonly anomalies: ReadonlyArray<{ readonly ts: number; readonly metric: string }>;
}

interface Row {
  readonly ts: number;
  readonly factory: string;
  readonly machine: string;
  readonly type: "status" | "anomaly";
  readonly status: MachineStatus | null;
  readonly metric: string | null;
  readonly value: number | null;
  readonly reason: string;
}

/**
 * The durable history of what happened to machines: status changes and
 * anomalies taken from the bus, written to the metadata database in batches
 * (one transaction per batch, at most every `flushEveryMs`), kept for
 * `retentionMs`, and read back as factory trends.
 *
 * The bus listener appends to a buffer that is written when it reaches
 * `batchSize` or `flushEveryMs` after its first event, so it holds at most
 * one batch; a failed write drops its batch with a counter. A machine
 * released from quarantine is logged as back to `normal` (the registry
 * signals that with a `restore` decision, not a status event). Retention
 * keeps each machine's newest status change however old, so a machine
 * quarantined for a year still shows as quarantined.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { EventBus } from "../bus.ts";
 * import { systemClock } from "../clock.ts";
 * import type { EngineMetrics } from "../metrics.ts";
 *
 * declare const db: DatabaseSync, bus: EventBus, metrics: EngineMetrics, now: number;
 *
 * const log = new EventLog(db, bus, { clock: systemClock, metrics });
 * log.trend({ factory: "demo", from: now - 86_400_000, to: now, every: 3_600_000 });
 * log.close();
 * ```
 */
export class EventLog implements Prunable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #metrics: EngineMetrics | undefined;
  readonly #flushEveryMs: number;
  readonly #batchSize: number;
  readonly #retentionMs: number | null;
  readonly #onError: (error: unknown) => void;
  readonly #insert: StatementSync;
  readonly #lastStatus = new Map<string, MachineStatus>();
  readonly #unsubscribe: () => void;
  #buffer: Row[] = [];
  #timer: TimerHandle | undefined;
  #closed = false;

  constructor(db: DatabaseSync, bus: EventBus, options: EventLogOptions) {
    this.#db = db;
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#flushEveryMs = positiveInteger("flushEveryMs", options.flushEveryMs ?? 1_000);
    this.#batchSize = positiveInteger("batchSize", options.batchSize ?? 500);
    const retention = options.retentionMs === undefined ? 90 * 86_400_000 : options.retentionMs;
    this.#retentionMs = retention === null ? null : positiveInteger("retentionMs", retention);
    this.#onError = options.onError ??
      ((error) => console.error("event log write failed; its events are dropped", error));
    this.#insert = db.prepare(
      "INSERT INTO event_log (ts, factory, machine, type, status, metric, value, reason) " +
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const latest = db.prepare(
      "SELECT factory, machine, status FROM event_log WHERE id IN " +
        "(SELECT max(id) FROM event_log WHERE type = 'status' GROUP BY factory, machine)",
    ).all() as Array<{ factory: string; machine: string; status: MachineStatus }>;
    for (const row of latest) this.#lastStatus.set(`${row.factory}/${row.machine}`, row.status);
    this.#unsubscribe = bus.subscribe((event) => this.#record(event));
  }

  /** Events buffered and not yet written. */
  get pending(): number {
    return this.#buffer.length;
  }

  /** Writes what is buffered, in one transaction. */
  flush(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const rows = this.#buffer;
    if (rows.length === 0) return;
    this.#buffer = [];
    try {
      this.#db.exec("BEGIN");
      try {
        for (const r of rows) {
          this.#insert.run(
            r.ts,
            r.factory,
            r.machine,
            r.type,
            r.status,
            r.metric,
            r.value,
            r.reason,
          );
        }
        this.#db.exec("COMMIT");
      } catch (error) {
        this.#db.exec("ROLLBACK");
        throw error;
      }
    } catch (error) {
      this.#metrics?.eventLogDropped.inc({ reason: "write_failed" }, rows.length);
      this.#onError(
        new Error(`Cannot write ${rows.length} events to the event log`, { cause: error }),
      );
      return;
    }
    this.#metrics?.eventLogWritten.inc(rows.length);
  }

  /**
   * Machines by status and anomaly counts per bucket of `every`, over whole
   * buckets covering `from`…`to` (see {@link computeTrend}). Buffered events
   * are written first, so the answer includes the last second too.
   */
  trend(query: TrendQuery): TrendBucket[] {
    this.flush();
    const { first, last, count } = bucketSpan(query.from, query.to, query.every);
    const end = last + query.every;
    const initial = new Map(
      (this.#db.prepare(
        "SELECT machine, status, max(ts) FROM event_log " +
          "WHERE factory = ? AND type = 'status' AND ts < ? GROUP BY machine",
      ).all(query.factory, first) as Array<{ machine: string; status: MachineStatus }>)
        .map((r) => [r.machine, r.status]),
    );
    const changes = this.#db.prepare(
      "SELECT machine, ts, status FROM event_log " +
        "WHERE factory = ? AND type = 'status' AND ts >= ? AND ts < ? ORDER BY ts, id",
    ).all(query.factory, first, end) as unknown as StatusChange[];
    const anomalies = new Map(
      (this.#db.prepare(
        "SELECT ts - (((ts % ?1) + ?1) % ?1) AS bucket, count(*) AS n FROM event_log " +
          "WHERE factory = ?2 AND type = 'anomaly' AND ts >= ?3 AND ts < ?4 GROUP BY bucket",
      ).all(query.every, query.factory, first, end) as Array<{ bucket: number; n: number }>)
        .map((r) => [r.bucket, r.n]),
    );
    return computeTrend({
      first,
      buckets: count,
      every: query.every,
      machines: query.machines ?? new Map(),
      initial,
      changes,
      anomalies,
    });
  }

  /**
   * A machine's status changes and anomalies over `from`…`to` (buffered
   * events included), for replaying rules over history.
   *
   * @example
   * ```ts
   * declare const log: EventLog, from: number, to: number;
   *
   * log.machineEvents({ factory: "demo", machine: "press-01", from, to }).anomalies.length;
   * ```
   */
  machineEvents(query: MachineEventQuery): MachineEventHistory {
    this.flush();
    const { factory, machine, from, to } = query;
    const before = this.#db.prepare(
      "SELECT status FROM event_log WHERE factory = ? AND type = 'status' AND machine = ? " +
        "AND ts < ? ORDER BY ts DESC, id DESC LIMIT 1",
    ).get(factory, machine, from) as { status: MachineStatus } | undefined;
    const rows = this.#db.prepare(
      "SELECT ts, type, status, metric FROM event_log WHERE factory = ? AND machine = ? " +
        "AND type IN ('status', 'anomaly') AND ts >= ? AND ts <= ? ORDER BY ts, id",
    ).all(factory, machine, from, to) as Array<
      {
        ts: number;
        type: "status" | "anomaly";
        status: MachineStatus | null;
        metric: string | null;
      }
    >;
    return {
      statusAtFrom: before?.status ?? null,
      statuses: rows.filter((r) => r.type === "status").map((r) => ({
        ts: r.ts,
        status: r.status!,
      })),
      anomalies: rows.filter((r) => r.type === "anomaly").map((r) => ({
        ts: r.ts,
        metric: r.metric!,
      })),
    };
  }

  /**
   * Deletes events older than the retention, at most `maxRows` per call,
   * keeping each machine's newest status change.
   */
  prune(now: number, maxRows: number): PruneStep {
    if (this.#retentionMs === null) return { deleted: { events: 0 }, done: true };
    const deleted = Number(
      this.#db.prepare(
        "DELETE FROM event_log WHERE id IN (SELECT id FROM event_log WHERE ts < ? " +
          "AND id NOT IN (SELECT max(id) FROM event_log WHERE type = 'status' " +
          "GROUP BY factory, machine) ORDER BY ts LIMIT ?)",
      ).run(now - this.#retentionMs, maxRows).changes,
    );
    return { deleted: { events: deleted }, done: deleted < maxRows };
  }

  /** Stops listening and writes what is buffered. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    this.flush();
  }

  #record(event: EngineEvent): void {
    if (event.type !== "status" && event.type !== "anomaly" && event.type !== "supervision") return;
    let row: Row | undefined;
    const key = `${event.factory}/${event.machine}`;
    const base = { ts: event.ts, factory: event.factory, machine: event.machine };
    if (event.type === "status") {
      row = {
        ...base,
        type: "status",
        status: event.status,
        metric: null,
        value: null,
        reason: event.reason,
      };
    } else if (event.type === "anomaly") {
      row = {
        ...base,
        type: "anomaly",
        status: null,
        metric: event.metric,
        value: event.value,
        reason: event.reason,
      };
    } else if (
      event.type === "supervision" && event.decision === "restore" &&
      this.#lastStatus.get(key) === "quarantined"
    ) {
      row = {
        ...base,
        type: "status",
        status: "normal",
        metric: null,
        value: null,
        reason: "released from quarantine",
      };
    }
    if (row === undefined) return;
    if (row.status !== null) this.#lastStatus.set(key, row.status);
    this.#buffer.push(row);
    if (this.#buffer.length >= this.#batchSize) {
      this.flush();
    } else if (this.#timer === undefined) {
      this.#timer = this.#clock.setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, this.#flushEveryMs);
    }
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create event log: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}
