import type { AlertNotification, Severity } from "./alert_notification.ts";
import { SEVERITIES } from "./alert_notification.ts";

/** Channel ids per severity; a missing severity notifies nobody. */
export type SeverityRoutes = Readonly<Partial<Record<Severity, readonly string[]>>>;

/**
 * Who hears about which alert: channel ids per severity, with per-rule
 * overrides. A rule's entry replaces the default for the severities it names
 * (an empty list silences that severity for the rule); other severities fall
 * back to the default. A table may hold tables of single factories: an alert
 * of a factory listed under `factories` is routed by that factory's table
 * alone, so each factory keeps its own defaults.
 *
 * @example
 * ```ts
 * import type { AlertNotification } from "./alert_notification.ts";
 *
 * declare const alert: AlertNotification;
 *
 * const routing: RoutingTable = {
 *   default: {
 *     medium: ["ops-mail"],
 *     high: ["ops-mail", "ops-slack"],
 *     critical: ["ops-slack", "oncall-sms"],
 *   },
 *   rules: { "r-oil": { high: ["maintenance-mail"] } },
 * };
 * channelsFor(routing, alert); // for r-oil at high: ["maintenance-mail"]
 * ```
 */
export interface RoutingTable {
  readonly default: SeverityRoutes;
  readonly rules?: Readonly<Record<string, SeverityRoutes>>;
  /** Tables by factory id, each used alone for that factory's alerts. */
  readonly factories?: Readonly<Record<string, RoutingTable>>;
}

/** The channel ids an alert goes to, without duplicates. */
export function channelsFor(
  routing: RoutingTable,
  alert: Pick<AlertNotification, "ruleId" | "severity"> & { readonly factory?: string },
): readonly string[] {
  const factoryTable = alert.factory === undefined ? undefined : routing.factories?.[alert.factory];
  const table = factoryTable ?? routing;
  const override = table.rules?.[alert.ruleId];
  const ids = override && alert.severity in override
    ? override[alert.severity]
    : table.default[alert.severity];
  return [...new Set(ids ?? [])];
}

/** Throws a RangeError naming the place of the first unknown severity or channel id. */
export function checkRoutingTable(
  routing: RoutingTable,
  channelIds: ReadonlySet<string>,
  prefix = "",
): void {
  for (const [factory, table] of Object.entries(routing.factories ?? {})) {
    checkRoutingTable(table, channelIds, `${prefix}factories.${factory}.`);
  }
  const tables: Array<[string, SeverityRoutes]> = [
    [`${prefix}default`, routing.default],
    ...Object.entries(routing.rules ?? {}).map(([rule, routes]): [string, SeverityRoutes] => [
      `${prefix}rules.${rule}`,
      routes,
    ]),
  ];
  for (const [where, routes] of tables) {
    for (const [severity, ids] of Object.entries(routes)) {
      if (!SEVERITIES.includes(severity as Severity)) {
        throw new RangeError(
          `Cannot use routing table: ${where} has severity '${severity}'; use one of ${
            SEVERITIES.join(", ")
          }`,
        );
      }
      for (const id of ids ?? []) {
        if (!channelIds.has(id)) {
          throw new RangeError(
            `Cannot use routing table: ${where}.${severity} names channel '${id}', which is not configured (known: ${
              [...channelIds].join(", ") || "none"
            })`,
          );
        }
      }
    }
  }
}
