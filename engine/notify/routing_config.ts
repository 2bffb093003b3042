import { ID_PATTERN } from "../telemetry.ts";
import { SEVERITIES, type Severity } from "./alert_notification.ts";
import { NotificationConfigError } from "./channel_config.ts";
import type { RoutingTable, SeverityRoutes } from "./notification_routing.ts";

function objectAt(field: string, value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new NotificationConfigError(
      field,
      `'${field}' must be an object: current value is ${JSON.stringify(value) ?? String(value)}`,
    );
  }
  return value as Record<string, unknown>;
}

function readRoutes(
  field: string,
  value: unknown,
  channelIds: ReadonlySet<string>,
): SeverityRoutes {
  const object = objectAt(field, value);
  const routes: Partial<Record<Severity, string[]>> = {};
  for (const [severity, ids] of Object.entries(object)) {
    if (!SEVERITIES.includes(severity as Severity)) {
      throw new NotificationConfigError(
        `${field}.${severity}`,
        `'${field}' has severity '${severity}'; use one of ${SEVERITIES.join(", ")}`,
      );
    }
    if (!Array.isArray(ids)) {
      throw new NotificationConfigError(
        `${field}.${severity}`,
        `'${field}.${severity}' must be a list of channel ids: current value is ${
          JSON.stringify(ids)
        }`,
      );
    }
    ids.forEach((id, i) => {
      if (typeof id !== "string" || !channelIds.has(id)) {
        throw new NotificationConfigError(
          `${field}.${severity}.${i}`,
          `'${field}.${severity}.${i}' names channel ${
            JSON.stringify(id)
          }, which this factory does not have (channels: ${[...channelIds].join(", ") || "none"})`,
        );
      }
    });
    routes[severity as Severity] = [...new Set(ids as string[])];
  }
  return routes;
}

/**
 * Reads a factory's routing table from JSON input — `{"default": {"high":
 * ["ops-mail"]}, "rules": {"r-oil": {"critical": ["oncall-sms"]}}}` — checking
 * severities, rule ids and that every channel id is one of `channelIds`.
 *
 * @example
 * ```ts
 * declare const request: Request;
 *
 * const routing = readRoutingConfig(await request.json(), new Set(["ops-mail", "oncall-sms"]));
 * ```
 * @throws {NotificationConfigError} naming the field at fault and its value.
 */
export function readRoutingConfig(input: unknown, channelIds: ReadonlySet<string>): RoutingTable {
  const object = objectAt("routing", input);
  const unknown = Object.keys(object).filter((k) => k !== "default" && k !== "rules");
  if (unknown.length > 0) {
    throw new NotificationConfigError(
      unknown[0],
      `The routing has unknown fields ${
        unknown.map((k) => `'${k}'`).join(", ")
      }; known: default, rules`,
    );
  }
  const routing: { default: SeverityRoutes; rules?: Record<string, SeverityRoutes> } = {
    default: object.default === undefined ? {} : readRoutes("default", object.default, channelIds),
  };
  if (object.rules !== undefined) {
    const rules: Record<string, SeverityRoutes> = {};
    for (const [ruleId, routes] of Object.entries(objectAt("rules", object.rules))) {
      if (!ID_PATTERN.test(ruleId)) {
        throw new NotificationConfigError(
          `rules.${ruleId}`,
          `'rules' names rule '${ruleId}', which is not a rule id (${ID_PATTERN.source})`,
        );
      }
      rules[ruleId] = readRoutes(`rules.${ruleId}`, routes, channelIds);
    }
    routing.rules = rules;
  }
  return routing;
}
