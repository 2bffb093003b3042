/**
 * The administration links of the user menu, each shown only to those
 * whose permissions let them follow it (the server checks again).
 */
import { factoryPath } from "./format.ts";

/** One link of the user menu. */
export interface AdminLink {
  readonly label: string;
  readonly href: string;
}

const FACTORY_LINKS: readonly { label: string; page: string; permission: string }[] = [
  { label: "Users", page: "users", permission: "manage_users" },
  { label: "Devices", page: "devices", permission: "manage_machines" },
  { label: "API tokens", page: "api-tokens", permission: "manage_users" },
  { label: "Audit log", page: "audit", permission: "manage_users" },
];

/**
 * The links for `permissions` within `factory` (the user's, or for a super
 * admin the one the page shows; none without a factory), plus "Factories"
 * for those who manage factories.
 *
 * @example
 * ```ts
 * adminLinks(["view", "manage_machines"], "demo");
 * // [{ label: "Devices", href: "/factories/demo/devices" }]
 * ```
 */
export function adminLinks(
  permissions: readonly string[],
  factory: string | null,
): AdminLink[] {
  const held = new Set(permissions);
  const links: AdminLink[] = [];
  if (factory !== null) {
    for (const link of FACTORY_LINKS) {
      if (held.has(link.permission)) {
        links.push({ label: link.label, href: `${factoryPath(factory)}/${link.page}` });
      }
    }
  }
  if (held.has("manage_factories")) links.push({ label: "Factories", href: "/admin/factories" });
  return links;
}

/** Role names in words. */
export function roleLabel(role: string): string {
  switch (role) {
    case "super_admin":
      return "Super admin";
    case "admin":
      return "Admin";
    case "operator":
      return "Operator";
    case "viewer":
      return "Viewer";
    default:
      return role;
  }
}

/** The factory of `pathname` (`/factories/{f}/…`), or null. */
export function factoryOfPath(pathname: string): string | null {
  const match = /^\/factories\/([^/]+)/.exec(pathname);
  if (match === null) return null;
  try {
    return decodeURIComponent(match[1]);
  } catch {
    return null;
  }
}
