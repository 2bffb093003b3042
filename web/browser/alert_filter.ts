/**
 * The alerts page's filter — state, lowest severity, machine, how far back —
 * as written in the page URL (so a view can be shared), in the alerts API's
 * query, and as a test live events are matched with. Pure functions.
 */
import type { Alert, AlertState } from "../../engine/alerts/alert.ts";
import type { AlertSeverity } from "../../engine/events.ts";
import { SEVERITIES, severityRank } from "./alert_format.ts";

/** `open` is active and acknowledged. */
export type StateChoice = "open" | "active" | "acknowledged" | "cleared" | "all";

/** "Raised within the last …"; `any` for no bound. */
export type SinceChoice = "1h" | "24h" | "7d" | "30d" | "any";

/** What the alerts page shows. */
export interface AlertFilter {
  readonly state: StateChoice;
  /** The lowest severity shown; `any` for all. */
  readonly severity: AlertSeverity | "any";
  /** One machine, or `""` for all. */
  readonly machine: string;
  readonly since: SinceChoice;
}

export const STATE_CHOICES: ReadonlyArray<{ readonly id: StateChoice; readonly label: string }> = [
  { id: "open", label: "Open" },
  { id: "active", label: "Unacknowledged" },
  { id: "acknowledged", label: "Acknowledged" },
  { id: "cleared", label: "Cleared" },
  { id: "all", label: "All" },
];

export const SINCE_CHOICES: ReadonlyArray<
  { readonly id: SinceChoice; readonly label: string; readonly ms: number }
> = [
  { id: "1h", label: "Last hour", ms: 3_600_000 },
  { id: "24h", label: "Last 24 h", ms: 86_400_000 },
  { id: "7d", label: "Last 7 days", ms: 7 * 86_400_000 },
  { id: "30d", label: "Last 30 days", ms: 30 * 86_400_000 },
  { id: "any", label: "Any time", ms: Infinity },
];

/** Open alerts of every severity and machine, however old. */
export const DEFAULT_FILTER: AlertFilter = {
  state: "open",
  severity: "any",
  machine: "",
  since: "any",
};

/**
 * Reads the filter from the page's query; anything unreadable is the
 * default.
 *
 * @example
 * ```ts
 * parseAlertFilter(new URLSearchParams("state=cleared&severity=high"));
 * // { state: "cleared", severity: "high", machine: "", since: "any" }
 * ```
 */
export function parseAlertFilter(params: URLSearchParams): AlertFilter {
  const state = STATE_CHOICES.find((c) => c.id === params.get("state"))?.id;
  const severity = SEVERITIES.find((s) => s === params.get("severity"));
  const since = SINCE_CHOICES.find((c) => c.id === params.get("since"))?.id;
  const machine = params.get("machine") ?? "";
  return {
    state: state ?? DEFAULT_FILTER.state,
    severity: severity ?? DEFAULT_FILTER.severity,
    machine: /^[A-Za-z0-9_.-]{1,64}$/.test(machine) ? machine : "",
    since: since ?? DEFAULT_FILTER.since,
  };
}

/** The page query of `filter` (defaults left out), e.g. `?state=cleared`; "" for the default. */
export function alertFilterSearch(filter: AlertFilter): string {
  const params = new URLSearchParams();
  for (const key of ["state", "severity", "machine", "since"] as const) {
    if (filter[key] !== DEFAULT_FILTER[key]) params.set(key, filter[key]);
  }
  const text = params.toString();
  return text === "" ? "" : `?${text}`;
}

/** What `filter` asks of the alerts list at `now`, in the store's and the API's terms. */
export interface AlertFilterQuery {
  readonly states: readonly AlertState[];
  readonly severities: readonly AlertSeverity[];
  readonly machine?: string;
  readonly from?: number;
}

/**
 * The list query of `filter` at `now`.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * alertFilterQuery({ ...DEFAULT_FILTER, severity: "high" }, now);
 * // { states: ["active", "acknowledged"], severities: ["high", "critical"] }
 * ```
 */
export function alertFilterQuery(filter: AlertFilter, now: number): AlertFilterQuery {
  const since = SINCE_CHOICES.find((c) => c.id === filter.since)!;
  return {
    states: filter.state === "all"
      ? []
      : filter.state === "open"
      ? ["active", "acknowledged"]
      : [filter.state],
    severities: filter.severity === "any" ? [] : SEVERITIES.slice(severityRank(filter.severity)),
    ...(filter.machine === "" ? {} : { machine: filter.machine }),
    ...(Number.isFinite(since.ms) ? { from: now - since.ms } : {}),
  };
}

/** The alerts API query of `filter` at `now` (with `limit`, and `before` for older pages). */
export function alertApiQuery(
  filter: AlertFilter,
  now: number,
  page: { limit: number; before?: string },
): URLSearchParams {
  const query = alertFilterQuery(filter, now);
  const params = new URLSearchParams();
  if (query.states.length > 0) params.set("state", query.states.join(","));
  if (query.severities.length > 0) params.set("severity", query.severities.join(","));
  if (query.machine !== undefined) params.set("machine", query.machine);
  if (query.from !== undefined) params.set("from", String(query.from));
  params.set("limit", String(page.limit));
  if (page.before !== undefined) params.set("before", page.before);
  return params;
}

/** Whether the page shows `alert` under `filter` at `now`. */
export function matchesAlertFilter(alert: Alert, filter: AlertFilter, now: number): boolean {
  const state = filter.state === "all" ||
    (filter.state === "open" ? alert.state !== "cleared" : alert.state === filter.state);
  const since = SINCE_CHOICES.find((c) => c.id === filter.since)!;
  return state &&
    (filter.severity === "any" || severityRank(alert.severity) >= severityRank(filter.severity)) &&
    (filter.machine === "" || alert.machine === filter.machine) &&
    (!Number.isFinite(since.ms) || alert.raisedAt >= now - since.ms);
}
