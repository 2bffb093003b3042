/**
 * What an `alert` event does to an alert as the pages hold it: the same
 * rules the server's alert store applies (engine/alerts/alert_store.ts), so
 * a page kept up to date by live events shows what a reload would.
 */
import type { Alert } from "../../engine/alerts/alert.ts";
import type { AlertEvent } from "../../engine/events.ts";

/**
 * The alert after `event`: a new one for `raised` / `flapping`, an updated
 * copy for the rest, `alert` itself when nothing changes, and undefined for
 * an event about an alert the page does not hold (except a raise).
 *
 * @example
 * ```ts
 * import type { AlertEvent } from "../../engine/events.ts";
 *
 * declare const raisedEvent: AlertEvent, acknowledgedEvent: AlertEvent; // from the live socket
 * let alert = applyAlertEvent(undefined, raisedEvent); // state "active"
 * alert = applyAlertEvent(alert, acknowledgedEvent); // state "acknowledged"
 * ```
 */
export function applyAlertEvent(alert: Alert | undefined, event: AlertEvent): Alert | undefined {
  if (event.alertId === null) return alert;
  if (event.action === "raised" || event.action === "flapping") {
    return alert ?? raisedAlert(event, event.alertId);
  }
  if (alert === undefined) return undefined;
  switch (event.action) {
    case "acknowledged":
      if (alert.state !== "active") return alert;
      return {
        ...alert,
        state: "acknowledged",
        acknowledgedBy: event.by ?? null,
        acknowledgedAt: event.ts,
        acknowledgedNote: event.note ?? null,
      };
    case "cleared":
    case "flapping_ended": {
      const manual = event.action === "cleared" && event.reason === "manual";
      if (manual) {
        if (alert.state === "cleared") return alert;
        return {
          ...alert,
          ...unshelved,
          state: "cleared",
          clearedAt: event.ts,
          clearedBy: event.by ?? null,
          clearReason: "manual",
          clearNote: event.note ?? null,
        };
      }
      if (alert.ruleClearedAt !== null) return alert;
      if (alert.state === "cleared") return { ...alert, ruleClearedAt: event.ts };
      return {
        ...alert,
        ...unshelved,
        state: "cleared",
        clearedAt: event.ts,
        clearedBy: "rule",
        clearReason: event.action === "flapping_ended"
          ? "flapping_ended"
          : (event.reason ?? "condition"),
        ruleClearedAt: event.ts,
      };
    }
    case "shelved":
      if (alert.state === "cleared" || event.until === undefined) return alert;
      return { ...alert, shelvedUntil: event.until, shelvedBy: event.by ?? null };
    case "unshelved":
      return alert.shelvedUntil === null ? alert : { ...alert, ...unshelved };
    default:
      return alert;
  }
}

const unshelved = { shelvedUntil: null, shelvedBy: null } as const;

function raisedAlert(event: AlertEvent, id: string): Alert {
  return {
    id,
    factory: event.factory,
    machine: event.machine,
    ruleId: event.ruleId,
    ruleName: event.ruleName,
    ruleVersion: event.ruleVersion,
    severity: event.severity,
    state: "active",
    flapping: event.action === "flapping",
    held: event.held === true,
    raisedAt: event.ts,
    explanation: event.explanation,
    values: event.values,
    acknowledgedBy: null,
    acknowledgedAt: null,
    acknowledgedNote: null,
    clearedAt: null,
    clearedBy: null,
    clearReason: null,
    clearNote: null,
    ruleClearedAt: null,
    shelvedUntil: null,
    shelvedBy: null,
  };
}
