import type { DatabaseSync } from "node:sqlite";
import type { Clock } from "../clock.ts";
import type { Prunable, PruneStep } from "../store/retention_job.ts";
import type { Principal } from "./principal.ts";

/** Who did it: a principal, or someone not signed in (a failed login, an invitee). */
export interface AuditActor {
  readonly kind: Principal["kind"] | "anonymous";
  readonly id: string | null;
  readonly name: string | null;
}

/** What to record. */
export interface AuditEntry {
  /** The factory concerned; null for actions above factories (super admins, failed logins of unknown e-mails). */
  readonly factory: string | null;
  readonly actor: AuditActor | Principal | null;
  /** e.g. `login.success`, `login.failure`, `user.invite`, `user.role`, `user.disable`, `device.create`, `rule.save`. */
  readonly action: string;
  /** What was acted on (a user id, a token id, a rule id …). */
  readonly target?: string | null;
  /** The caller's address. */
  readonly ip?: string | null;
  /** Anything else worth keeping, as JSON. */
  readonly detail?: Readonly<Record<string, unknown>>;
}

/** A stored audit record. */
export interface AuditRecord {
  readonly id: number;
  /** Epoch ms. */
  readonly ts: number;
  readonly factory: string | null;
  readonly actor: AuditActor;
  readonly action: string;
  readonly target: string | null;
  readonly ip: string | null;
  readonly detail: Record<string, unknown>;
}

interface AuditRow {
  id: number;
  ts: number;
  factory: string | null;
  actor_kind: AuditActor["kind"];
  actor_id: string | null;
  actor_name: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  detail: string | null;
}

/** Most records one {@link AuditLog.list} call returns. */
export const AUDIT_LIST_MAX = 1_000;

/** How long audit records are kept unless told: two years. */
export const AUDIT_RETENTION_MS = 2 * 365 * 86_400_000;

/**
 * The audit log: who did what, when and from where (logins and failures,
 * user, role, device and rule changes). Append-only; listed newest first
 * with an id cursor; records older than the retention (two years) are
 * pruned by the retention job.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import type { Principal } from "./principal.ts";
 * declare const db: DatabaseSync, clock: Clock, principal: Principal;
 * declare const userId: string, ip: string;
 *
 * const audit = new AuditLog(db, clock);
 * audit.record({
 *   factory: "plant-1",
 *   actor: principal,
 *   action: "user.disable",
 *   target: userId,
 *   ip,
 * });
 * audit.list({ factory: "plant-1", limit: 50 }); // newest first
 * ```
 */
export class AuditLog implements Prunable {
  readonly #db: DatabaseSync;
  readonly #clock: Clock;
  readonly #retentionMs: number;

  /** `retentionMs`: how long records are kept (default two years; pruned by the retention job). */
  constructor(db: DatabaseSync, clock: Clock, options: { retentionMs?: number } = {}) {
    this.#db = db;
    this.#clock = clock;
    this.#retentionMs = options.retentionMs ?? AUDIT_RETENTION_MS;
  }

  /**
   * Deletes at most `maxRows` of the oldest records older than the
   * retention (ids grow with time, so only the oldest `maxRows` are looked at).
   */
  prune(now: number, maxRows: number): PruneStep {
    const deleted = Number(
      this.#db.prepare(
        `DELETE FROM audit_log WHERE id IN (
           SELECT id FROM (SELECT id, ts FROM audit_log ORDER BY id LIMIT ?) WHERE ts < ?
         )`,
      ).run(maxRows, now - this.#retentionMs).changes,
    );
    return { deleted: { audit: deleted }, done: deleted < maxRows };
  }

  /** Appends an entry; returns the stored record. */
  record(entry: AuditEntry): AuditRecord {
    const actor: AuditActor = entry.actor === null
      ? { kind: "anonymous", id: null, name: null }
      : { kind: entry.actor.kind, id: entry.actor.id, name: entry.actor.name };
    const result = this.#db.prepare(
      `INSERT INTO audit_log (ts, factory, actor_kind, actor_id, actor_name, action, target, ip, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      this.#clock.now(),
      entry.factory,
      actor.kind,
      actor.id,
      actor.name,
      entry.action,
      entry.target ?? null,
      entry.ip ?? null,
      entry.detail === undefined ? null : JSON.stringify(entry.detail),
    );
    return this.#get(Number(result.lastInsertRowid))!;
  }

  /**
   * Records newest first: of one factory, or of all when `factory` is
   * undefined; `before` is the id of the last record of the previous page.
   */
  list(options: { factory?: string; limit?: number; before?: number } = {}): AuditRecord[] {
    const limit = options.limit ?? 100;
    if (!Number.isInteger(limit) || limit < 1 || limit > AUDIT_LIST_MAX) {
      throw new RangeError(
        `Cannot list the audit log: 'limit' must be an integer 1..${AUDIT_LIST_MAX}: current value is ${limit}`,
      );
    }
    const before = options.before ?? Number.MAX_SAFE_INTEGER;
    const rows =
      (options.factory === undefined
        ? this.#db.prepare("SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?")
          .all(before, limit)
        : this.#db.prepare(
          "SELECT * FROM audit_log WHERE factory = ? AND id < ? ORDER BY id DESC LIMIT ?",
        ).all(options.factory, before, limit)) as unknown as AuditRow[];
    return rows.map(toRecord);
  }

  #get(id: number): AuditRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM audit_log WHERE id = ?").get(id) as
      | AuditRow
      | undefined;
    return row === undefined ? undefined : toRecord(row);
  }
}

function toRecord(row: AuditRow): AuditRecord {
  return {
    id: row.id,
    ts: row.ts,
    factory: row.factory,
    actor: { kind: row.actor_kind, id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: row.target,
    ip: row.ip,
    detail: row.detail === null ? {} : JSON.parse(row.detail),
  };
}
