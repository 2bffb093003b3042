import type { DatabaseSync, SQLInputValue, StatementSync } from "node:sqlite";
import type { EventBus } from "../bus.ts";
import type { Clock, TimerHandle } from "../clock.ts";
import type { AlertAction, AlertEvent, AlertSeverity, EngineEvent } from "../events.ts";
import type { Prunable, PruneStep } from "../store/retention_job.ts";
import {
  type Alert,
  AlertActionError,
  type AlertBook,
  type AlertDetail,
  type AlertPage,
  type AlertQuery,
  type AlertState,
  type AuditEntry,
  type AuditSource,
  type OperatorAction,
  type ShelveAction,
} from "./alert.ts";

/** Options of {@link AlertStore}. */
export interface AlertStoreOptions {
  readonly clock: Clock;
  /** How long cleared alerts (and their audit trails) are kept, in ms (default 365 d); `null` keeps them forever. */
  readonly retentionMs?: number | null;
  /** Longest shelve accepted, in ms (default 7 d). */
  readonly maxShelveMs?: number;
}

interface AlertRow {
  id: string;
  factory: string;
  machine: string;
  rule_id: string;
  rule_name: string;
  rule_version: number;
  severity: AlertSeverity;
  state: AlertState;
  flapping: number;
  held: number;
  raised_at: number;
  explanation: string;
  metric_values: string;
  acknowledged_by: string | null;
  acknowledged_at: number | null;
  acknowledged_note: string | null;
  cleared_at: number | null;
  cleared_by: string | null;
  clear_reason: string | null;
  clear_note: string | null;
  rule_cleared_at: number | null;
  shelved_until: number | null;
  shelved_by: string | null;
}

interface AuditRow {
  at: number;
  action: AlertAction;
  source: AuditSource;
  by: string | null;
  note: string | null;
  reason: string | null;
  until: number | null;
  explanation: string | null;
  metric_values: string | null;
}

interface NewAudit {
  readonly at: number;
  readonly action: AlertAction;
  readonly source: AuditSource;
  readonly by?: string;
  readonly note?: string;
  readonly reason?: string;
  readonly until?: number;
  readonly explanation?: string;
  readonly values?: Readonly<Record<string, number>>;
}

const DAY_MS = 86_400_000;
// setTimeout's longest delay; longer shelves wait in several steps.
const MAX_TIMER_MS = 2_147_483_647;
/** Operator actions: recorded by the store's own methods, so their bus copies are not applied again. */
const OPERATOR_ACTIONS: ReadonlySet<AlertAction> = new Set([
  "acknowledged",
  "shelved",
  "unshelved",
]);

/**
 * Every alert and its audit trail, in the metadata database: a read model of
 * the `alert` events machine actors publish (raised, cleared, flapping,
 * flapping_ended), plus the operator actions taken through it
 * (acknowledge, clear by hand, shelve, unshelve), each of which it records
 * and then publishes on the bus as an `alert` event for live pages and
 * notifiers.
 *
 * Policies:
 * - A redelivered `raised` (same alert id) changes nothing and adds no audit line.
 * - A manual clear closes the alert for operators at once; the rule keeps
 *   its alert until its own clear condition holds, and that later automatic
 *   `cleared` is only added to the audit trail (and `ruleClearedAt`).
 * - A shelve ends by itself at `until` (a timer on the injected clock, re-armed
 *   from the table when the store is created, so a restart keeps it), which
 *   publishes `unshelved` with reason `expired`. Clearing a shelved alert
 *   ends its shelve silently.
 * - `suppressed` events (a rule in its cooldown) raise nothing, so they are
 *   not recorded here.
 * - Cleared alerts older than the retention are pruned with their audit
 *   trail ({@link AlertStore.prune}, run by the retention job); open alerts
 *   are kept however old.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { EventBus } from "../bus.ts";
 * import { systemClock } from "../clock.ts";
 *
 * declare const db: DatabaseSync, bus: EventBus, id: string;
 *
 * const alerts = new AlertStore(db, bus, { clock: systemClock });
 * alerts.active("demo", "press-01"); // open alerts, newest first
 * alerts.acknowledge(id, { by: "ana", note: "on it" });
 * alerts.close();
 * ```
 */
export class AlertStore implements AlertBook, Prunable {
  readonly #db: DatabaseSync;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #retentionMs: number | null;
  readonly #maxShelveMs: number;
  readonly #shelveTimers = new Map<string, TimerHandle>();
  readonly #unsubscribe: () => void;
  readonly #select: StatementSync;
  readonly #insert: StatementSync;
  readonly #audit: StatementSync;
  #closed = false;

  constructor(db: DatabaseSync, bus: EventBus, options: AlertStoreOptions) {
    this.#db = db;
    this.#bus = bus;
    this.#clock = options.clock;
    const retention = options.retentionMs === undefined ? 365 * DAY_MS : options.retentionMs;
    this.#retentionMs = retention === null ? null : positiveInteger("retentionMs", retention);
    this.#maxShelveMs = positiveInteger("maxShelveMs", options.maxShelveMs ?? 7 * DAY_MS);
    this.#select = db.prepare("SELECT * FROM alerts WHERE id = ?");
    this.#insert = db.prepare(
      "INSERT INTO alerts (id, factory, machine, rule_id, rule_name, rule_version, severity, " +
        "state, flapping, held, raised_at, explanation, metric_values, cleared_at, cleared_by, " +
        "clear_reason, rule_cleared_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) " +
        "ON CONFLICT (id) DO NOTHING",
    );
    this.#audit = db.prepare(
      "INSERT INTO alert_audit (alert_id, at, action, source, by, note, reason, until, " +
        "explanation, metric_values) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    const shelved = db.prepare(
      "SELECT id, shelved_until FROM alerts WHERE shelved_until IS NOT NULL",
    ).all() as Array<{ id: string; shelved_until: number }>;
    for (const { id, shelved_until } of shelved) this.#armShelve(id, shelved_until);
    this.#unsubscribe = bus.subscribe((event) => this.#apply(event));
  }

  /**
   * One page of a factory's alerts, newest raised first.
   *
   * @throws {AlertActionError} `not_found` when `before` names an unknown alert.
   */
  list(query: AlertQuery): AlertPage {
    const where = ["factory = ?"];
    const args: SQLInputValue[] = [query.factory];
    if (query.states !== undefined && query.states.length > 0) {
      where.push(`state IN (${query.states.map(() => "?").join(", ")})`);
      args.push(...query.states);
    }
    if (query.severities !== undefined && query.severities.length > 0) {
      where.push(`severity IN (${query.severities.map(() => "?").join(", ")})`);
      args.push(...query.severities);
    }
    if (query.machine !== undefined) {
      where.push("machine = ?");
      args.push(query.machine);
    }
    if (query.from !== undefined) {
      where.push("raised_at >= ?");
      args.push(query.from);
    }
    if (query.to !== undefined) {
      where.push("raised_at <= ?");
      args.push(query.to);
    }
    if (query.before !== undefined) {
      const cursor = this.#db.prepare("SELECT raised_at, seq FROM alerts WHERE id = ?")
        .get(query.before) as { raised_at: number; seq: number } | undefined;
      if (cursor === undefined) {
        throw new AlertActionError(
          "not_found",
          `No alert '${query.before}' to continue the list from`,
        );
      }
      where.push("(raised_at, seq) < (?, ?)");
      args.push(cursor.raised_at, cursor.seq);
    }
    const rows = this.#db.prepare(
      `SELECT * FROM alerts WHERE ${where.join(" AND ")} ORDER BY raised_at DESC, seq DESC LIMIT ?`,
    ).all(...args, query.limit + 1) as unknown as AlertRow[];
    const alerts = rows.slice(0, query.limit).map(toAlert);
    return { alerts, next: rows.length > query.limit ? alerts.at(-1)!.id : null };
  }

  /** The alert with its audit trail, or undefined when unknown (or pruned). */
  get(id: string): AlertDetail | undefined {
    const row = this.#select.get(id) as AlertRow | undefined;
    if (row === undefined) return undefined;
    const audit = (this.#db.prepare(
      "SELECT at, action, source, by, note, reason, until, explanation, metric_values " +
        "FROM alert_audit WHERE alert_id = ? ORDER BY seq",
    ).all(id) as unknown as AuditRow[]).map(toAuditEntry);
    return { ...toAlert(row), audit };
  }

  active(factory: string, machine?: string): Alert[] {
    const rows = (machine === undefined
      ? this.#db.prepare(
        "SELECT * FROM alerts WHERE factory = ? AND state <> 'cleared' " +
          "ORDER BY raised_at DESC, seq DESC",
      ).all(factory)
      : this.#db.prepare(
        "SELECT * FROM alerts WHERE factory = ? AND machine = ? AND state <> 'cleared' " +
          "ORDER BY raised_at DESC, seq DESC",
      ).all(factory, machine)) as unknown as AlertRow[];
    return rows.map(toAlert);
  }

  /** True while the alert is shelved (notifiers hold its messages meanwhile). */
  isShelved(id: string): boolean {
    const row = this.#select.get(id) as AlertRow | undefined;
    const until = row?.shelved_until ?? null;
    return until !== null && until > this.#clock.now();
  }

  /**
   * Marks an active alert acknowledged by `by`.
   *
   * @throws {AlertActionError} unknown alert, or not `active`.
   */
  acknowledge(id: string, action: OperatorAction): Alert {
    const row = this.#open(id, "acknowledge");
    if (row.state !== "active") {
      throw new AlertActionError(
        "not_applicable",
        `Alert '${id}' was already acknowledged by ${row.acknowledged_by} at ${
          iso(row.acknowledged_at!)
        }`,
      );
    }
    const now = this.#clock.now();
    return this.#act(
      row,
      { at: now, action: "acknowledged", by: action.by, note: action.note },
      () =>
        this.#db.prepare(
          "UPDATE alerts SET state = 'acknowledged', acknowledged_by = ?, acknowledged_at = ?, " +
            "acknowledged_note = ? WHERE id = ?",
        ).run(action.by, now, action.note ?? null, id),
    );
  }

  /**
   * Clears an open alert by hand (reason `manual`); its shelve, if any, ends.
   *
   * @throws {AlertActionError} unknown alert, or already cleared.
   */
  clear(id: string, action: OperatorAction): Alert {
    const row = this.#open(id, "clear");
    const now = this.#clock.now();
    this.#disarmShelve(id);
    return this.#act(
      row,
      { at: now, action: "cleared", by: action.by, note: action.note, reason: "manual" },
      () =>
        this.#db.prepare(
          "UPDATE alerts SET state = 'cleared', cleared_at = ?, cleared_by = ?, " +
            "clear_reason = 'manual', clear_note = ?, shelved_until = NULL, shelved_by = NULL " +
            "WHERE id = ?",
        ).run(now, action.by, action.note ?? null, id),
    );
  }

  /**
   * Shelves an open alert until `action.until` (a later shelve replaces it).
   *
   * @throws {RangeError} `until` not in the future or beyond the longest shelve.
   * @throws {AlertActionError} unknown alert, or already cleared.
   */
  shelve(id: string, action: ShelveAction): Alert {
    const now = this.#clock.now();
    if (!Number.isFinite(action.until) || action.until <= now) {
      throw new RangeError(
        `Cannot shelve alert '${id}': 'until' must be in the future: current value is ${action.until}`,
      );
    }
    if (action.until - now > this.#maxShelveMs) {
      throw new RangeError(
        `Cannot shelve alert '${id}' for more than ${this.#maxShelveMs} ms: ` +
          `'until' is ${action.until - now} ms from now`,
      );
    }
    const row = this.#open(id, "shelve");
    const alert = this.#act(
      row,
      { at: now, action: "shelved", by: action.by, note: action.note, until: action.until },
      () =>
        this.#db.prepare("UPDATE alerts SET shelved_until = ?, shelved_by = ? WHERE id = ?")
          .run(action.until, action.by, id),
    );
    this.#armShelve(id, action.until);
    return alert;
  }

  /**
   * Ends a shelve before its time.
   *
   * @throws {AlertActionError} unknown alert, or not shelved.
   */
  unshelve(id: string, action: OperatorAction): Alert {
    const row = this.#row(id, "unshelve");
    if (row.shelved_until === null) {
      throw new AlertActionError("not_applicable", `Alert '${id}' is not shelved`);
    }
    this.#disarmShelve(id);
    return this.#unshelveNow(row, { by: action.by, note: action.note });
  }

  /** Deletes cleared alerts older than the retention, with their audit trails, `maxRows` at most. */
  prune(now: number, maxRows: number): PruneStep {
    if (this.#retentionMs === null) return { deleted: { alerts: 0 }, done: true };
    const ids = (this.#db.prepare(
      "SELECT id FROM alerts WHERE state = 'cleared' AND cleared_at < ? ORDER BY cleared_at LIMIT ?",
    ).all(now - this.#retentionMs, maxRows) as Array<{ id: string }>).map((r) => r.id);
    if (ids.length > 0) {
      this.#transaction(() => {
        const marks = ids.map(() => "?").join(", ");
        this.#db.prepare(`DELETE FROM alert_audit WHERE alert_id IN (${marks})`).run(...ids);
        this.#db.prepare(`DELETE FROM alerts WHERE id IN (${marks})`).run(...ids);
      });
    }
    return { deleted: { alerts: ids.length }, done: ids.length < maxRows };
  }

  /** Stops listening and cancels shelve timers (the table keeps them for the next start). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe();
    for (const timer of this.#shelveTimers.values()) this.#clock.clearTimeout(timer);
    this.#shelveTimers.clear();
  }

  #apply(event: EngineEvent): void {
    if (event.type !== "alert" || event.alertId === null) return;
    if (OPERATOR_ACTIONS.has(event.action)) return;
    if (event.action === "cleared" && event.reason === "manual") return;
    switch (event.action) {
      case "raised":
      case "flapping":
        this.#raise(event, event.alertId);
        break;
      case "cleared":
      case "flapping_ended":
        this.#ruleClear(event, event.alertId);
        break;
    }
  }

  #raise(event: AlertEvent, id: string): void {
    this.#transaction(() => {
      const inserted = this.#insert.run(
        id,
        event.factory,
        event.machine,
        event.ruleId,
        event.ruleName,
        event.ruleVersion,
        event.severity,
        "active",
        event.action === "flapping" ? 1 : 0,
        event.held === true ? 1 : 0,
        event.ts,
        event.explanation,
        JSON.stringify(event.values),
        null,
        null,
        null,
        null,
      ).changes;
      // A redelivered raise: already recorded.
      if (Number(inserted) === 0) return;
      this.#record(id, {
        at: event.ts,
        action: event.action,
        source: "rule",
        explanation: event.explanation,
        values: event.values,
      });
    });
  }

  /** The rule let go of the alert: it clears, or (after a manual clear) the audit trail says so. */
  #ruleClear(event: AlertEvent, id: string): void {
    const reason = event.action === "flapping_ended"
      ? "flapping_ended"
      : (event.reason ?? "condition");
    this.#transaction(() => {
      const row = this.#select.get(id) as AlertRow | undefined;
      if (row === undefined) {
        // Raised before this store saw it: keep what the clear says about it.
        this.#insert.run(
          id,
          event.factory,
          event.machine,
          event.ruleId,
          event.ruleName,
          event.ruleVersion,
          event.severity,
          "cleared",
          event.action === "flapping_ended" ? 1 : 0,
          event.held === true ? 1 : 0,
          raisedAtOf(id, event.ts),
          event.explanation,
          JSON.stringify(event.values),
          event.ts,
          "rule",
          reason,
          event.ts,
        );
      } else if (row.rule_cleared_at !== null) {
        return; // a redelivered clear
      } else if (row.state === "cleared") {
        this.#db.prepare("UPDATE alerts SET rule_cleared_at = ? WHERE id = ?").run(event.ts, id);
      } else {
        this.#db.prepare(
          "UPDATE alerts SET state = 'cleared', cleared_at = ?, cleared_by = 'rule', " +
            "clear_reason = ?, rule_cleared_at = ?, shelved_until = NULL, shelved_by = NULL " +
            "WHERE id = ?",
        ).run(event.ts, reason, event.ts, id);
        this.#disarmShelve(id);
      }
      this.#record(id, {
        at: event.ts,
        action: event.action,
        source: "rule",
        reason,
        explanation: event.explanation,
        values: event.values,
      });
    });
  }

  /** The open alert `id`, for an action named `verb`; refuses unknown and cleared ones. */
  #open(id: string, verb: string): AlertRow {
    const row = this.#row(id, verb);
    if (row.state === "cleared") {
      throw new AlertActionError(
        "not_applicable",
        `Cannot ${verb} alert '${id}': it was cleared${
          row.cleared_by === "rule" ? "" : ` by ${row.cleared_by}`
        } at ${iso(row.cleared_at!)}`,
      );
    }
    return row;
  }

  #row(id: string, verb: string): AlertRow {
    const row = this.#select.get(id) as AlertRow | undefined;
    if (row === undefined) {
      throw new AlertActionError("not_found", `Cannot ${verb}: no alert '${id}' is known`);
    }
    return row;
  }

  /** Applies an operator action in one transaction with its audit line, then publishes it. */
  #act(row: AlertRow, entry: Omit<NewAudit, "source">, update: () => void): Alert {
    const audit: NewAudit = { ...entry, source: entry.by === undefined ? "engine" : "operator" };
    this.#transaction(() => {
      update();
      this.#record(row.id, audit);
    });
    const alert = toAlert(this.#select.get(row.id) as unknown as AlertRow);
    this.#publish(alert, audit);
    return alert;
  }

  #unshelveNow(row: AlertRow, who: { by?: string; note?: string; reason?: string }): Alert {
    return this.#act(
      row,
      { at: this.#clock.now(), action: "unshelved", ...who },
      () =>
        this.#db.prepare(
          "UPDATE alerts SET shelved_until = NULL, shelved_by = NULL WHERE id = ?",
        ).run(row.id),
    );
  }

  #armShelve(id: string, until: number): void {
    this.#disarmShelve(id);
    const wait = Math.min(Math.max(0, until - this.#clock.now()), MAX_TIMER_MS);
    this.#shelveTimers.set(
      id,
      this.#clock.setTimeout(() => {
        this.#shelveTimers.delete(id);
        if (this.#closed) return;
        const row = this.#select.get(id) as AlertRow | undefined;
        if (row === undefined || row.shelved_until === null) return;
        if (row.shelved_until > this.#clock.now()) {
          this.#armShelve(id, row.shelved_until);
          return;
        }
        this.#unshelveNow(row, { reason: "expired" });
      }, wait),
    );
  }

  #disarmShelve(id: string): void {
    const timer = this.#shelveTimers.get(id);
    if (timer === undefined) return;
    this.#clock.clearTimeout(timer);
    this.#shelveTimers.delete(id);
  }

  #publish(alert: Alert, audit: NewAudit): void {
    this.#bus.publish({
      type: "alert",
      factory: alert.factory,
      machine: alert.machine,
      ts: audit.at,
      action: audit.action,
      alertId: alert.id,
      ruleId: alert.ruleId,
      ruleName: alert.ruleName,
      ruleVersion: alert.ruleVersion,
      severity: alert.severity,
      explanation: alert.explanation,
      values: alert.values,
      ...(audit.reason === undefined ? {} : { reason: audit.reason }),
      ...(audit.by === undefined ? {} : { by: audit.by }),
      ...(audit.note === undefined ? {} : { note: audit.note }),
      ...(audit.until === undefined ? {} : { until: audit.until }),
    });
  }

  #record(id: string, entry: NewAudit): void {
    this.#audit.run(
      id,
      entry.at,
      entry.action,
      entry.source,
      entry.by ?? null,
      entry.note ?? null,
      entry.reason ?? null,
      entry.until ?? null,
      entry.explanation ?? null,
      entry.values === undefined ? null : JSON.stringify(entry.values),
    );
  }

  // A savepoint, not BEGIN: a bus event may arrive while its publisher holds a transaction.
  #transaction(work: () => void): void {
    this.#db.exec("SAVEPOINT alert_store");
    try {
      work();
    } catch (error) {
      this.#db.exec("ROLLBACK TO alert_store");
      this.#db.exec("RELEASE alert_store");
      throw error;
    }
    this.#db.exec("RELEASE alert_store");
  }
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    factory: row.factory,
    machine: row.machine,
    ruleId: row.rule_id,
    ruleName: row.rule_name,
    ruleVersion: row.rule_version,
    severity: row.severity,
    state: row.state,
    flapping: row.flapping === 1,
    held: row.held === 1,
    raisedAt: row.raised_at,
    explanation: row.explanation,
    values: JSON.parse(row.metric_values),
    acknowledgedBy: row.acknowledged_by,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedNote: row.acknowledged_note,
    clearedAt: row.cleared_at,
    clearedBy: row.cleared_by,
    clearReason: row.clear_reason,
    clearNote: row.clear_note,
    ruleClearedAt: row.rule_cleared_at,
    shelvedUntil: row.shelved_until,
    shelvedBy: row.shelved_by,
  };
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    at: row.at,
    action: row.action,
    source: row.source,
    by: row.by,
    note: row.note,
    reason: row.reason,
    until: row.until,
    explanation: row.explanation,
    values: row.metric_values === null ? null : JSON.parse(row.metric_values),
  };
}

/** The raise time rule-engine ids end with (`${ruleId}:${machine}:${raisedAt}`), else `fallback`. */
function raisedAtOf(id: string, fallback: number): number {
  const match = /:(\d+)(?::flapping)?$/.exec(id);
  return match === null ? fallback : Number(match[1]);
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(
      `Cannot create alert store: '${name}' must be a positive integer: current value is ${value}`,
    );
  }
  return value;
}
