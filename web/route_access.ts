/**
 * Who may call what: one access rule per route of the API and the pages.
 * The auth middleware refuses any request whose route has no rule here
 * (default deny), and the isolation matrix test checks that every route the
 * app registers has one — so a new route cannot ship unguarded.
 *
 * @module
 */
import type { Permission } from "../engine/identity/principal.ts";

/**
 * What a route needs:
 * - `public`: nothing (login, accepting an invite, health, static assets);
 * - `session`: any signed-in caller, whatever their permissions;
 * - a permission: a caller holding it, within the factory of the request.
 */
export type Access = "public" | "session" | Permission;

/**
 * Where the factory a request acts on comes from:
 * - `path`: the `:factory` path parameter;
 * - `query`: the `factory` query parameter (the live WebSocket);
 * - `handler`: the body names it; the handler checks it (ingest, backtest);
 * - `none`: the route is not about one factory (login, health, own session).
 */
export type FactorySource = "path" | "query" | "handler" | "none";

/** The access rule of one route. */
export interface AccessRule {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Hono pattern, relative to the mount point (`/api/v1` for the API). */
  readonly path: string;
  readonly access: Access;
  readonly factory: FactorySource;
  /** Audit action recorded by the gate when the request succeeds (for handlers that do not record their own). */
  readonly audit?: string;
}

const rule = (
  method: AccessRule["method"],
  path: string,
  access: Access,
  factory: FactorySource = path.includes(":factory") ? "path" : "none",
): AccessRule => ({ method, path, access, factory });

/** A state change the gate writes to the audit log as `action` when it succeeds. */
const audited = (
  method: AccessRule["method"],
  path: string,
  access: Access,
  action: string,
): AccessRule => ({ ...rule(method, path, access), audit: action });

const F = "/factories/:factory";
const M = `${F}/machines/:machine`;

/** Every route under `/api/v1`. */
export const API_ACCESS: readonly AccessRule[] = [
  // Operations and sessions.
  rule("GET", "/health", "public"),
  rule("GET", "/metrics", "public"),
  rule("POST", "/auth/login", "public"),
  rule("POST", "/auth/logout", "session"),
  rule("POST", "/auth/logout-all", "session"),
  rule("GET", "/auth/me", "session"),
  rule("POST", "/auth/password", "session"),
  rule("GET", "/invites/:token", "public"),
  rule("POST", "/invites/:token/accept", "public"),
  // Factories.
  rule("GET", "/factories", "session"),
  rule("POST", "/factories", "manage_factories"),
  rule("GET", F, "view"),
  rule("PATCH", F, "manage_factories"),
  rule("POST", `${F}/archive`, "manage_factories"),
  rule("GET", "/audit", "manage_factories"),
  // Super admins (no factory: the factory-scoped user routes do not reach them).
  rule("GET", "/admins", "manage_factories"),
  rule("PATCH", "/admins/:id", "manage_factories"),
  // Machines, history, live.
  rule("GET", `${F}/machines`, "view"),
  rule("GET", M, "view"),
  audited("POST", `${M}/release`, "manage_machines", "machine.release"),
  rule("GET", `${M}/thresholds`, "view"),
  audited("PUT", `${M}/thresholds`, "manage_machines", "machine.thresholds"),
  rule("GET", `${M}/history`, "view"),
  rule("GET", `${M}/history.csv`, "reports"),
  rule("GET", `${M}/history.json`, "reports"),
  rule("GET", `${M}/latest`, "view"),
  rule("GET", `${M}/forecast`, "view"),
  rule("GET", `${M}/spectrum`, "view"),
  rule("GET", `${M}/vibration`, "view"),
  audited("PUT", `${M}/vibration`, "manage_machines", "machine.vibration"),
  rule("GET", `${F}/trends`, "view"),
  rule("GET", "/live", "view", "query"),
  rule("POST", "/ingest", "ingest", "handler"),
  // Alerts and rules.
  rule("GET", `${F}/alerts`, "view"),
  rule("GET", `${F}/alerts/:alertId`, "view"),
  rule("POST", `${F}/alerts/:alertId/acknowledge`, "acknowledge"),
  rule("POST", `${F}/alerts/:alertId/clear`, "acknowledge"),
  rule("POST", `${F}/alerts/:alertId/shelve`, "acknowledge"),
  rule("POST", `${F}/alerts/:alertId/unshelve`, "acknowledge"),
  rule("GET", `${F}/rules`, "view"),
  audited("POST", `${F}/rules`, "manage_rules", "rule.create"),
  rule("GET", `${F}/rules/:id`, "view"),
  rule("GET", `${F}/rules/:id/versions`, "view"),
  audited("POST", `${F}/rules/:id/enable`, "manage_rules", "rule.enable"),
  audited("POST", `${F}/rules/:id/disable`, "manage_rules", "rule.disable"),
  audited("PUT", `${F}/rules/:id`, "manage_rules", "rule.update"),
  audited("DELETE", `${F}/rules/:id`, "manage_rules", "rule.delete"),
  rule("GET", `${F}/rules/:id/preview`, "view"),
  rule("POST", "/rules/backtest", "view", "handler"),
  // The LLM agent: alert explanations and questions about a machine.
  rule("GET", `${F}/alerts/:alertId/explanation`, "view"),
  rule("POST", `${M}/ask`, "view"),
  // Learning from operators: machine types, labels, sensitivity, fault models.
  rule("GET", `${M}/type`, "view"),
  audited("PUT", `${M}/type`, "manage_machines", "machine.type"),
  rule("GET", `${F}/labels`, "view"),
  rule("POST", `${F}/labels`, "acknowledge"),
  rule("DELETE", `${F}/labels/:id`, "acknowledge"),
  rule("GET", `${M}/sensitivity`, "view"),
  audited("POST", `${M}/sensitivity/reset`, "manage_machines", "machine.sensitivity.reset"),
  rule("GET", `${F}/models`, "view"),
  audited("POST", `${F}/models/:type/train`, "manage_machines", "model.train"),
  rule("GET", `${F}/models/:type/versions`, "view"),
  rule("GET", `${F}/models/:type/versions/:version`, "view"),
  audited(
    "POST",
    `${F}/models/:type/versions/:version/activate`,
    "manage_machines",
    "model.activate",
  ),
  rule("GET", `${M}/prediction`, "view"),
  // Notifications.
  rule("GET", `${F}/notifications/channels`, "manage_rules"),
  audited("POST", `${F}/notifications/channels`, "manage_rules", "notification.channel.create"),
  audited("PUT", `${F}/notifications/channels/:id`, "manage_rules", "notification.channel.update"),
  audited(
    "DELETE",
    `${F}/notifications/channels/:id`,
    "manage_rules",
    "notification.channel.delete",
  ),
  rule("POST", `${F}/notifications/channels/:id/test`, "manage_rules"),
  rule("GET", `${F}/notifications/routing`, "manage_rules"),
  audited("PUT", `${F}/notifications/routing`, "manage_rules", "notification.routing"),
  rule("GET", `${F}/notifications/log`, "manage_rules"),
  // Users, invites, API tokens, audit.
  rule("GET", `${F}/users`, "manage_users"),
  rule("PATCH", `${F}/users/:id`, "manage_users"),
  rule("POST", `${F}/users/:id/password-reset`, "manage_users"),
  rule("GET", `${F}/invites`, "manage_users"),
  rule("POST", `${F}/invites`, "manage_users"),
  rule("DELETE", `${F}/invites/:id`, "manage_users"),
  rule("GET", `${F}/api-tokens`, "manage_users"),
  rule("POST", `${F}/api-tokens`, "manage_users"),
  rule("DELETE", `${F}/api-tokens/:id`, "manage_users"),
  rule("GET", `${F}/audit`, "manage_users"),
  // Devices.
  rule("GET", `${F}/devices`, "manage_machines"),
  rule("POST", `${M}/credentials`, "manage_machines"),
  rule("DELETE", `${F}/devices/:id`, "manage_machines"),
  rule("GET", `${F}/provisioning-keys`, "manage_machines"),
  rule("POST", `${F}/provisioning-keys`, "manage_machines"),
  rule("DELETE", `${F}/provisioning-keys/:id`, "manage_machines"),
];

/** Every page and asset route. */
export const PAGE_ACCESS: readonly AccessRule[] = [
  rule("GET", "/login", "public"),
  rule("GET", "/invites/:token", "public"),
  rule("GET", "/_islands/:file", "public"),
  rule("GET", "/static/:path{.+}", "public"),
  rule("GET", "/", "session"),
  rule("GET", "/admin/factories", "manage_factories"),
  rule("GET", F, "view"),
  rule("GET", M, "view"),
  rule("GET", `${M}/history`, "view"),
  rule("GET", `${F}/alerts`, "view"),
  rule("GET", `${F}/alerts/:alert`, "view"),
  rule("GET", `${F}/rules`, "view"),
  rule("GET", `${F}/rules/new`, "view"),
  rule("GET", `${F}/rules/:rule`, "view"),
  rule("GET", `${F}/notifications`, "manage_rules"),
  rule("GET", `${F}/users`, "manage_users"),
  rule("GET", `${F}/api-tokens`, "manage_users"),
  rule("GET", `${F}/audit`, "manage_users"),
  rule("GET", `${F}/devices`, "manage_machines"),
  rule("GET", `${F}/models`, "view"),
];

/** A rule matched against a request, with the path's parameters. */
export interface MatchedRule {
  readonly rule: AccessRule;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Finds the access rule of requests, as Hono would route them: static
 * segments before parameters (`/rules/new` before `/rules/:rule`).
 *
 * @example
 * ```ts
 * const table = new AccessTable(API_ACCESS);
 * table.match("GET", "/factories/demo/machines")?.rule.access; // "view"
 * ```
 */
export class AccessTable {
  readonly #compiled: readonly {
    readonly rule: AccessRule;
    readonly pattern: RegExp;
    readonly names: readonly string[];
    readonly staticness: number;
  }[];

  constructor(rules: readonly AccessRule[]) {
    this.#compiled = rules.map((rule) => ({ rule, ...compile(rule.path) }))
      .sort((a, b) => b.staticness - a.staticness);
  }

  /** The rule of `method` `path` (HEAD as GET), or undefined: no such route. */
  match(method: string, path: string): MatchedRule | undefined {
    const verb = method === "HEAD" ? "GET" : method;
    for (const { rule, pattern, names } of this.#compiled) {
      if (rule.method !== verb) continue;
      const found = pattern.exec(path);
      if (found === null) continue;
      const params: Record<string, string> = {};
      names.forEach((name, i) => {
        params[name] = safeDecode(found[i + 1]);
      });
      return { rule, params };
    }
    return undefined;
  }

  /** Whether some rule (of any method) covers `path`: a wrong method is then 405-ish, not unknown. */
  knowsPath(path: string): boolean {
    return this.#compiled.some(({ pattern }) => pattern.test(path));
  }
}

function compile(path: string): { pattern: RegExp; names: string[]; staticness: number } {
  const names: string[] = [];
  let staticness = 0;
  const source = path.split("/").map((segment) => {
    const param = /^:([A-Za-z_]\w*)(?:\{(.+)\})?$/.exec(segment);
    if (param === null) {
      staticness++;
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
    names.push(param[1]);
    return param[2] === undefined ? "([^/]+)" : `(${param[2]})`;
  }).join("/");
  return { pattern: new RegExp(`^${source}/?$`), names, staticness };
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
