/**
 * The routing matrix of the notification settings page (severity × channel)
 * as pure functions over a routing table. Shared by server and browser.
 */
import type { AlertSeverity } from "../../engine/events.ts";
import type { RoutingAnswer, SeverityRouting } from "./notification_api.ts";

/** Whether alerts of `severity` go to `channel` by default. */
export function isRouted(
  routes: SeverityRouting,
  severity: AlertSeverity,
  channel: string,
): boolean {
  return routes[severity]?.includes(channel) ?? false;
}

/**
 * `routes` with `channel` added to or taken from `severity`; channel order
 * is kept and a severity left without channels is dropped.
 *
 * @example
 * ```ts
 * withRoute({ high: ["mail"] }, "high", "sms", true); // { high: ["mail", "sms"] }
 * ```
 */
export function withRoute(
  routes: SeverityRouting,
  severity: AlertSeverity,
  channel: string,
  on: boolean,
): SeverityRouting {
  const current = routes[severity] ?? [];
  const next = on
    ? (current.includes(channel) ? current : [...current, channel])
    : current.filter((id) => id !== channel);
  const { [severity]: _, ...others } = routes;
  return next.length === 0 ? others : { ...others, [severity]: next };
}

/** "r-oil: high → maintenance-mail; critical → nobody", one line per rule with overrides. */
export function ruleOverrideLines(routing: RoutingAnswer): string[] {
  return Object.entries(routing.rules ?? {}).flatMap(([rule, routes]) => {
    const parts = Object.entries(routes).map(([severity, ids]) =>
      `${severity} → ${ids!.length === 0 ? "nobody" : ids!.join(", ")}`
    );
    return parts.length === 0 ? [] : [`${rule}: ${parts.join("; ")}`];
  });
}
