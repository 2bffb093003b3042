/**
 * Where a page sends the browser around signing in: the `next` path after
 * login, checked so that it can only lead back into this site (no open
 * redirect), and the login URL that carries it.
 */
import { factoryPath } from "./format.ts";

const BASE = "http://millwright.invalid";

/**
 * `raw` when it is a path of this site (`/factories/demo?x=1#y`), else
 * `fallback`: absolute URLs, protocol-relative `//host` and `/\host`,
 * backslashes, control characters and the login page itself are refused.
 *
 * @example
 * ```ts
 * safeNextPath("/factories/demo/users", "/"); // "/factories/demo/users"
 * safeNextPath("https://evil.example/", "/"); // "/"
 * safeNextPath("//evil.example/", "/");      // "/"
 * ```
 */
export function safeNextPath(raw: string | null | undefined, fallback: string): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > 2048) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.includes("\\")) return fallback;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  if (url.pathname === "/login" || url.pathname.startsWith("/login/")) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/**
 * The login page's URL, asking it to come back to `next` afterwards.
 *
 * @example
 * ```ts
 * loginPath("/factories/demo/users"); // "/login?next=%2Ffactories%2Fdemo%2Fusers"
 * ```
 */
export function loginPath(next?: string): string {
  const safe = safeNextPath(next, "");
  return safe === "" || safe === "/" ? "/login" : `/login?${new URLSearchParams({ next: safe })}`;
}

/**
 * Where to land after signing in: `next` when it is safe, else the user's
 * factory, else (a super admin, who has none) the home page.
 *
 * @example
 * ```ts
 * landingPath({ factory: "demo" }, null); // "/factories/demo"
 * ```
 */
export function landingPath(
  user: { readonly factory: string | null },
  next: string | null | undefined,
): string {
  const home = user.factory === null ? "/" : factoryPath(user.factory);
  return safeNextPath(next, home);
}
