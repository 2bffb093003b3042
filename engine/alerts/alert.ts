import type { AlertAction, AlertSeverity } from "../events.ts";

/**
 * Where an alert stands for operators: `active` (raised, nobody has
 * acknowledged it), `acknowledged` (someone owns it) or `cleared` (over:
 * its rule's clear condition held, its rule went away, or an operator
 * cleared it by hand).
 */
export type AlertState = "active" | "acknowledged" | "cleared";

/** Every alert state, in lifecycle order. */
export const ALERT_STATES: readonly AlertState[] = ["active", "acknowledged", "cleared"];

/** Every severity, lowest first. */
export const ALERT_SEVERITIES: readonly AlertSeverity[] = ["low", "medium", "high", "critical"];

/** One alert as the store keeps it (and the API returns it). */
export interface Alert {
  /** `${ruleId}:${machine}:${raisedAt}` (`…:flapping` for a flapping alert). */
  readonly id: string;
  readonly factory: string;
  readonly machine: string;
  readonly ruleId: string;
  readonly ruleName: string;
  readonly ruleVersion: number;
  readonly severity: AlertSeverity;
  readonly state: AlertState;
  /** This alert says its rule is flapping (raise/clear notifications are held meanwhile). */
  readonly flapping: boolean;
  /** Raised while its rule was flapping, so nobody was notified. */
  readonly held: boolean;
  /** When the rule raised it, on the machine's time axis (epoch ms). */
  readonly raisedAt: number;
  /** Why it was raised, in words: "vibration 7.4 > 7.1 for 2 min". */
  readonly explanation: string;
  /** The rule's metrics when it was raised. */
  readonly values: Readonly<Record<string, number>>;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: number | null;
  readonly acknowledgedNote: string | null;
  readonly clearedAt: number | null;
  /** `rule` when it cleared by itself, else the operator. */
  readonly clearedBy: string | null;
  /** `condition`, `rule_disabled`, `rule_deleted`, `out_of_scope`, `flapping_ended` or `manual`. */
  readonly clearReason: string | null;
  readonly clearNote: string | null;
  /**
   * When the rule itself let go of the alert (its clear condition held, or
   * the rule went away). After a manual clear this comes later, and only
   * from then on does the rule raise again.
   */
  readonly ruleClearedAt: number | null;
  /** While shelved: until when (epoch ms); null when not shelved. */
  readonly shelvedUntil: number | null;
  readonly shelvedBy: string | null;
}

/** Who caused an audit entry: the machine's rule, an operator, or the engine (shelve expiry). */
export type AuditSource = "rule" | "operator" | "engine";

/** One line of an alert's audit trail. */
export interface AuditEntry {
  /** When it happened: machine time for rule events, server time otherwise. */
  readonly at: number;
  readonly action: AlertAction;
  readonly source: AuditSource;
  /** The operator, for operator actions. */
  readonly by: string | null;
  readonly note: string | null;
  /** Why (a clear's reason; `expired` for a shelve that ran out). */
  readonly reason: string | null;
  /** For `shelved`: until when. */
  readonly until: number | null;
  /** What the rule said at that moment (rule events only). */
  readonly explanation: string | null;
  readonly values: Readonly<Record<string, number>> | null;
}

/** An alert with its full audit trail, oldest entry first. */
export interface AlertDetail extends Alert {
  readonly audit: readonly AuditEntry[];
}

/** A filter over one factory's alerts, newest raised first. */
export interface AlertQuery {
  readonly factory: string;
  /** Any of these states; all states when absent or empty. */
  readonly states?: readonly AlertState[];
  /** Any of these severities; all when absent or empty. */
  readonly severities?: readonly AlertSeverity[];
  readonly machine?: string;
  /** Raised at or after (epoch ms). */
  readonly from?: number;
  /** Raised at or before (epoch ms). */
  readonly to?: number;
  /** At most this many alerts (1…1000). */
  readonly limit: number;
  /** The id of the last alert of the previous page: continue with older ones. */
  readonly before?: string;
}

/** One page of {@link AlertQuery} results. */
export interface AlertPage {
  readonly alerts: readonly Alert[];
  /** Pass as `before` for the next (older) page; null when this was the last. */
  readonly next: string | null;
}

/** Who acts on an alert, and why. */
export interface OperatorAction {
  /** The operator: the signed-in caller (the API names no one else when its gate runs). */
  readonly by: string;
  readonly note?: string;
}

/** A shelve: hide the alert from notifications and lists until `until`. */
export interface ShelveAction extends OperatorAction {
  /** Epoch ms, in the future. */
  readonly until: number;
}

/** Why an operator action was refused: no such alert, or it does not apply now. */
export type AlertActionRefusal = "not_found" | "not_applicable";

/**
 * An operator action that cannot be done: the alert is unknown
 * (`not_found`) or in a state where the action does not apply
 * (`not_applicable`, e.g. acknowledging a cleared alert). The message says
 * which, and what the alert's state is.
 *
 * @example
 * ```ts
 * declare const alerts: AlertBook, id: string;
 *
 * try {
 *   alerts.acknowledge(id, { by: "ana" });
 * } catch (error) {
 *   if (error instanceof AlertActionError && error.refusal === "not_applicable") {
 *     console.log("nothing to acknowledge");
 *   }
 * }
 * ```
 */
export class AlertActionError extends Error {
  readonly refusal: AlertActionRefusal;

  constructor(refusal: AlertActionRefusal, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AlertActionError";
    this.refusal = refusal;
  }
}

/**
 * What the web app (and notifiers) need of the alerts: queries and operator
 * actions. {@link AlertStore} implements it; tests may pass a fake.
 */
export interface AlertBook {
  list(query: AlertQuery): AlertPage;
  get(id: string): AlertDetail | undefined;
  /** Open (active or acknowledged) alerts of a factory, or of one machine, newest first. */
  active(factory: string, machine?: string): Alert[];
  isShelved(id: string): boolean;
  acknowledge(id: string, action: OperatorAction): Alert;
  clear(id: string, action: OperatorAction): Alert;
  shelve(id: string, action: ShelveAction): Alert;
  unshelve(id: string, action: OperatorAction): Alert;
}
