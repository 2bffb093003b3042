/**
 * Words and URLs of alerts, shared by server-rendered pages and islands:
 * severity and state labels (shown beside their colour, never colour
 * alone), audit actions in words, page and API paths. Pure functions.
 */
import type { Alert, AlertState, AuditEntry } from "../../engine/alerts/alert.ts";
import type { AlertSeverity } from "../../engine/events.ts";
import { factoryPath } from "./format.ts";

/** Severities, lowest first. */
export const SEVERITIES: readonly AlertSeverity[] = ["low", "medium", "high", "critical"];

/** 0 for low … 3 for critical. */
export function severityRank(severity: AlertSeverity): number {
  return SEVERITIES.indexOf(severity);
}

/** "Critical", "High", … */
export function severityLabel(severity: AlertSeverity): string {
  return severity.charAt(0).toUpperCase() + severity.slice(1);
}

/** "Active", "Acknowledged", "Cleared". */
export function stateLabel(state: AlertState): string {
  return state === "active" ? "Active" : state === "acknowledged" ? "Acknowledged" : "Cleared";
}

/**
 * Open alerts in the order operators should look at them: not shelved
 * first, then most severe, then newest.
 */
export function byUrgency(a: Alert, b: Alert): number {
  return Number(a.shelvedUntil !== null) - Number(b.shelvedUntil !== null) ||
    severityRank(b.severity) - severityRank(a.severity) ||
    b.raisedAt - a.raisedAt;
}

const CLEAR_REASONS: Readonly<Record<string, string>> = {
  condition: "its clear condition held",
  rule_disabled: "its rule was disabled",
  rule_deleted: "its rule was deleted",
  out_of_scope: "the machine left its rule's scope",
  flapping_ended: "the rule calmed down",
  manual: "cleared by hand",
};

/** Why an alert cleared, in words. */
export function clearReasonText(reason: string | null): string {
  return reason === null ? "" : CLEAR_REASONS[reason] ?? reason;
}

/** One audit line's headline: "Raised by the rule", "Acknowledged by ana", … */
export function auditHeadline(entry: AuditEntry): string {
  const who = entry.source === "rule"
    ? "by the rule"
    : entry.source === "engine"
    ? "by Millwright"
    : `by ${entry.by ?? "an operator"}`;
  switch (entry.action) {
    case "raised":
      return `Raised ${who}`;
    case "flapping":
      return `Flapping detected ${who}`;
    case "flapping_ended":
      return "Flapping ended";
    case "acknowledged":
      return `Acknowledged ${who}`;
    case "cleared":
      return entry.source === "rule"
        ? `Cleared by the rule: ${clearReasonText(entry.reason)}`
        : `Cleared by hand ${who}`;
    case "shelved":
      return `Shelved ${who}`;
    case "unshelved":
      return entry.reason === "expired" ? "Shelve ended" : `Unshelved ${who}`;
    default:
      return entry.action;
  }
}

/** `2027-03-01 08:00:12` in the viewer's time zone. */
export function formatDateTime(ts: number): string {
  const d = new Date(ts);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ` +
    `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/** How long: `45s`, `12m`, `3h 5m`, `2d 4h`. */
export function formatSpan(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 === 0 ? `${h}h` : `${h}h ${m % 60}m`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d}d` : `${d}d ${h % 24}h`;
}

/** URL path of a factory's alerts page, with the page's query if any. */
export function alertsPath(factory: string, search = ""): string {
  return `${factoryPath(factory)}/alerts${search}`;
}

/** URL path of an alert's detail page. */
export function alertPath(factory: string, id: string): string {
  return `${factoryPath(factory)}/alerts/${encodeURIComponent(id)}`;
}

/** URL of the alerts API of a factory (list), or of one alert. */
export function alertsApiPath(factory: string, id?: string): string {
  const base = `/api/v1/factories/${encodeURIComponent(factory)}/alerts`;
  return id === undefined ? base : `${base}/${encodeURIComponent(id)}`;
}
