import type { DatabaseSync, SQLInputValue } from "node:sqlite";
import type { AlertNotification, AlertTransition, Severity } from "./alert_notification.ts";
import type { DigestMessage } from "./notification_message.ts";

/**
 * Where a delivery stands:
 * - `pending`: created, first attempt not finished yet;
 * - `retrying`: an attempt failed retryably, the next is due at `nextAttemptAt`;
 * - `sent`: the channel accepted it; `failed`: permanently refused, or out of attempts;
 * - `held`: waiting for a digest (storm, group wait) or the quiet-hours summary;
 * - `digested`: went out inside the digest `digestId`;
 * - `dropped`: not sent by policy (`holdReason` says which: quiet hours with
 *   the drop policy, or a flapping alert's held transitions).
 */
export type NotificationStatus =
  | "pending"
  | "retrying"
  | "sent"
  | "failed"
  | "held"
  | "digested"
  | "dropped";

/** Every status, for validating queries. */
export const NOTIFICATION_STATUSES: readonly NotificationStatus[] = [
  "pending",
  "retrying",
  "sent",
  "failed",
  "held",
  "digested",
  "dropped",
];

/** Why a notification was not sent on its own right away. */
export type HoldReason = "storm" | "group_wait" | "quiet_hours" | "flapping";

/** One row of the log: an alert transition for one channel, or one digest for one channel. */
export interface NotificationLogEntry {
  readonly id: number;
  readonly kind: "alert" | "digest";
  /** The alert of an `alert` row. */
  readonly alertId?: string;
  /** The alerts a `digest` row lists. */
  readonly alertIds?: readonly string[];
  readonly factory?: string;
  readonly channel: string;
  readonly transition?: AlertTransition;
  readonly severity?: Severity;
  readonly status: NotificationStatus;
  readonly holdReason?: HoldReason;
  /** Delivery attempts made so far. */
  readonly attempts: number;
  /** The last attempt's error, or why it was dropped. */
  readonly error?: string;
  /** The digest row that carried this alert (status `digested`). */
  readonly digestId?: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly nextAttemptAt?: number;
  readonly sentAt?: number;
}

/** Filters of {@link NotificationLog.listNotifications}; newest first. */
export interface NotificationQuery {
  readonly alertId?: string;
  /** Rows of this factory's alerts (a digest counts when the alerts it lists are of one factory). */
  readonly factory?: string;
  readonly status?: NotificationStatus;
  readonly channel?: string;
  /** Only rows created at or after this epoch ms. */
  readonly since?: number;
  /** 1..1000. */
  readonly limit: number;
}

/** Fields a delivery changes as it goes. `null` clears a field. */
export interface NotificationUpdate {
  readonly status?: NotificationStatus;
  readonly attempts?: number;
  readonly error?: string | null;
  readonly holdReason?: HoldReason | null;
  readonly digestId?: number;
  readonly nextAttemptAt?: number | null;
  readonly sentAt?: number;
}

/** A row not yet finished, with what is needed to carry on after a restart. */
export type UnfinishedNotification =
  | { readonly entry: NotificationLogEntry; readonly alert: AlertNotification }
  | { readonly entry: NotificationLogEntry; readonly digest: DigestMessage };

interface Row {
  id: number;
  kind: "alert" | "digest";
  alert_id: string | null;
  factory: string | null;
  channel: string;
  transition: AlertTransition | null;
  severity: Severity | null;
  status: NotificationStatus;
  hold_reason: HoldReason | null;
  attempts: number;
  error: string | null;
  digest_id: number | null;
  payload: string;
  created_at: number;
  updated_at: number;
  next_attempt_at: number | null;
  sent_at: number | null;
}

const COLUMNS: Record<keyof NotificationUpdate, string> = {
  status: "status",
  attempts: "attempts",
  error: "error",
  holdReason: "hold_reason",
  digestId: "digest_id",
  nextAttemptAt: "next_attempt_at",
  sentAt: "sent_at",
};

function toEntry(row: Row): NotificationLogEntry {
  const entry: Record<string, unknown> = {
    id: row.id,
    kind: row.kind,
    channel: row.channel,
    status: row.status,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  const optional: Array<[string, unknown]> = [
    ["alertId", row.alert_id],
    ["factory", row.factory],
    ["transition", row.transition],
    ["severity", row.severity],
    ["holdReason", row.hold_reason],
    ["error", row.error],
    ["digestId", row.digest_id],
    ["nextAttemptAt", row.next_attempt_at],
    ["sentAt", row.sent_at],
  ];
  for (const [key, value] of optional) if (value !== null) entry[key] = value;
  if (row.kind === "digest") {
    entry.alertIds = (JSON.parse(row.payload) as DigestMessage).alerts.map((a) => a.alertId);
  }
  return entry as unknown as NotificationLogEntry;
}

/**
 * The notification log in the metadata database (`notification_log`): every
 * delivery with its channel, status, attempts, last error and times, and the
 * message itself so that unfinished deliveries survive a restart.
 *
 * @example
 * ```ts
 * import { openMetadataDb } from "../metadata/metadata_db.ts";
 *
 * const log = new NotificationLog(openMetadataDb("data/millwright.db"));
 * log.listNotifications({ alertId: "a-17", limit: 20 });
 * log.listNotifications({ status: "failed", since: Date.now() - 86_400_000, limit: 100 });
 * ```
 */
export class NotificationLog {
  readonly #db: DatabaseSync;

  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Adds the row of one alert transition for one channel; returns its id. */
  addAlert(
    alert: AlertNotification,
    channel: string,
    at: number,
    state: { status: NotificationStatus; holdReason?: HoldReason; error?: string },
  ): number {
    const result = this.#db.prepare(
      `INSERT INTO notification_log (kind, alert_id, factory, channel, transition, severity, status,
         hold_reason, error, payload, created_at, updated_at)
       VALUES ('alert', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      alert.alertId,
      alert.factory,
      channel,
      alert.transition,
      alert.severity,
      state.status,
      state.holdReason ?? null,
      state.error ?? null,
      JSON.stringify(alert),
      at,
      at,
    );
    return Number(result.lastInsertRowid);
  }

  /**
   * Adds the row of one digest for one channel (status `pending`); returns its
   * id. Its factory is the storm's, or that of every alert it lists when they
   * share one (a quiet-hours summary of one factory's channel), so the
   * factory filter finds it.
   */
  addDigest(digest: DigestMessage, channel: string, at: number): number {
    const factories = new Set(digest.alerts.map((a) => a.factory));
    const factory = digest.factory ?? (factories.size === 1 ? [...factories][0] : null);
    const result = this.#db.prepare(
      `INSERT INTO notification_log (kind, factory, channel, status, hold_reason, payload,
         created_at, updated_at)
       VALUES ('digest', ?, ?, 'pending', ?, ?, ?, ?)`,
    ).run(factory, channel, digest.reason, JSON.stringify(digest), at, at);
    return Number(result.lastInsertRowid);
  }

  /**
   * Whether a transition of an alert was already taken in (any row, any
   * channel), so that one replayed after a restart is not notified twice.
   *
   * @example
   * ```ts
   * import type { AlertNotification } from "./alert_notification.ts";
   * import type { NotificationDispatcher } from "./notification_dispatcher.ts";
   *
   * declare const log: NotificationLog, dispatcher: NotificationDispatcher;
   * declare const alert: AlertNotification;
   *
   * if (!log.hasTransition("a-17", "raised")) dispatcher.notify(alert);
   * ```
   */
  hasTransition(alertId: string, transition: AlertTransition): boolean {
    return this.#db.prepare(
      "SELECT 1 FROM notification_log WHERE alert_id = ? AND transition = ? LIMIT 1",
    ).get(alertId, transition) !== undefined;
  }

  /** Changes fields of rows `ids` at time `at`. */
  update(ids: number | readonly number[], change: NotificationUpdate, at: number): void {
    const list = typeof ids === "number" ? [ids] : ids;
    if (list.length === 0) return;
    const sets = ["updated_at = ?"];
    const values: SQLInputValue[] = [at];
    for (const [key, value] of Object.entries(change)) {
      if (value === undefined) continue;
      sets.push(`${COLUMNS[key as keyof NotificationUpdate]} = ?`);
      values.push(value as SQLInputValue);
    }
    this.#db.prepare(
      `UPDATE notification_log SET ${sets.join(", ")} WHERE id IN (${
        list.map(() => "?").join(",")
      })`,
    ).run(...values, ...list);
  }

  /**
   * Rows matching every given filter, newest first.
   *
   * @example
   * ```ts
   * declare const log: NotificationLog;
   *
   * const [last] = log.listNotifications({ alertId: "a-17", limit: 1 });
   * last.status; // "sent"
   * ```
   */
  listNotifications(query: NotificationQuery): NotificationLogEntry[] {
    if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > 1000) {
      throw new RangeError(
        `Cannot list notifications: 'limit' must be an integer 1..1000: current value is ${query.limit}`,
      );
    }
    if (query.status !== undefined && !NOTIFICATION_STATUSES.includes(query.status)) {
      throw new RangeError(
        `Cannot list notifications: 'status' must be one of ${
          NOTIFICATION_STATUSES.join(", ")
        }: current value is '${query.status}'`,
      );
    }
    const where: string[] = [];
    const values: SQLInputValue[] = [];
    if (query.alertId !== undefined) {
      where.push("alert_id = ?");
      values.push(query.alertId);
    }
    if (query.factory !== undefined) {
      where.push("factory = ?");
      values.push(query.factory);
    }
    if (query.status !== undefined) {
      where.push("status = ?");
      values.push(query.status);
    }
    if (query.channel !== undefined) {
      where.push("channel = ?");
      values.push(query.channel);
    }
    if (query.since !== undefined) {
      where.push("created_at >= ?");
      values.push(query.since);
    }
    const rows = this.#db.prepare(
      `SELECT * FROM notification_log ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY id DESC LIMIT ?`,
    ).all(...values, query.limit) as unknown as Row[];
    return rows.map(toEntry);
  }

  /** Rows still `pending`, `retrying` or `held`, oldest first, with their messages. */
  unfinished(): UnfinishedNotification[] {
    const rows = this.#db.prepare(
      `SELECT * FROM notification_log WHERE status IN ('pending', 'retrying', 'held') ORDER BY id`,
    ).all() as unknown as Row[];
    return rows.map((row) =>
      row.kind === "alert"
        ? { entry: toEntry(row), alert: JSON.parse(row.payload) as AlertNotification }
        : { entry: toEntry(row), digest: JSON.parse(row.payload) as DigestMessage }
    );
  }
}
