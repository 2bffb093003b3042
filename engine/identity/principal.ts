/**
 * Who is calling, and what they may do: the roles, the permission matrix
 * and the principal every route and WebSocket subscription is checked
 * against. The principal always comes from a verified credential (session
 * JWT, API token, device credential); the factory it may act on is the
 * principal's, never a header's or a query's.
 *
 * @module
 */

/** Roles of users, most powerful first. */
export const ROLES = ["super_admin", "admin", "operator", "viewer"] as const;
export type Role = typeof ROLES[number];

/**
 * What a route can require:
 * - `view`: read machines, history, alerts, rules, live data.
 * - `acknowledge`: acknowledge, clear, shelve alerts; label anomalies.
 * - `manage_rules`: create, edit, delete alert rules; notification settings.
 * - `manage_machines`: thresholds, quarantine release, devices, provisioning keys, models.
 * - `manage_users`: users, invites, API tokens, the audit log.
 * - `reports`: exports and reports.
 * - `ingest`: write telemetry over HTTP (API tokens and devices).
 * - `manage_factories`: create, rename, archive factories (super admin only).
 */
export const PERMISSIONS = [
  "view",
  "acknowledge",
  "manage_rules",
  "manage_machines",
  "manage_users",
  "reports",
  "ingest",
  "manage_factories",
] as const;
export type Permission = typeof PERMISSIONS[number];

/** The permission matrix: what each role may do within its factory. */
export const ROLE_PERMISSIONS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  super_admin: new Set(PERMISSIONS),
  admin: new Set<Permission>([
    "view",
    "acknowledge",
    "manage_rules",
    "manage_machines",
    "manage_users",
    "reports",
    "ingest",
  ]),
  operator: new Set<Permission>(["view", "acknowledge", "reports"]),
  viewer: new Set<Permission>(["view"]),
};

/** A verified caller. */
export interface Principal {
  /** How the caller proved who it is. */
  readonly kind: "user" | "api_token" | "device" | "internal";
  /** User id, API token id, or device credential id. */
  readonly id: string;
  /** Shown in audit records and as the actor of alert actions. */
  readonly name: string;
  readonly role: Role;
  /** The factory the caller belongs to; null only for super admins (all factories). */
  readonly factory: string | null;
  /** What the caller may do; for API tokens, the token's scope. */
  readonly permissions: ReadonlySet<Permission>;
  /** Devices with a machine credential: the one machine they may write. */
  readonly machine?: string;
}

/** Whether `principal` may write telemetry of machine `ref`. */
export function canWriteMachine(
  principal: Principal,
  ref: { readonly factory: string; readonly machine: string },
): boolean {
  return canReachFactory(principal, ref.factory) && principal.permissions.has("ingest") &&
    (principal.machine === undefined || principal.machine === ref.machine);
}

/** True when `principal` may act on objects of `factory`. */
export function canReachFactory(principal: Principal, factory: string): boolean {
  return principal.factory === null || principal.factory === factory;
}

/** True when `principal` holds `permission` (within factories it can reach). */
export function hasPermission(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}

/** The principal of a user of `role` in `factory` (null for a super admin). */
export function userPrincipal(
  user: {
    readonly id: string;
    readonly name: string;
    readonly role: Role;
    readonly factory: string | null;
  },
): Principal {
  return {
    kind: "user",
    id: user.id,
    name: user.name,
    role: user.role,
    factory: user.role === "super_admin" ? null : user.factory,
    permissions: ROLE_PERMISSIONS[user.role],
  };
}
