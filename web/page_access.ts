/**
 * The check every administration page makes before loading anything,
 * behind the auth middleware (which makes the same one first): no session →
 * the login page, coming back here after; a factory the user cannot reach →
 * 404, as if it did not exist; a reachable one without the permission →
 * the page says so (403).
 *
 * @module
 */
import { ID_PATTERN } from "../engine/telemetry.ts";
import type { PageSession, RouteContext } from "./islands_layer/mod.ts";
import { loginPath } from "./browser/next_path.ts";

/** Page data when the user may not see the page. */
export interface DeniedPage {
  readonly denied: string;
}

/** What {@link checkPageAccess} decided. */
export type PageAccess =
  | { readonly allowed: true; readonly session: PageSession }
  | { readonly allowed: false; readonly reason: "sign-in"; readonly location: string }
  | { readonly allowed: false; readonly reason: "not-found"; readonly message: string }
  | { readonly allowed: false; readonly reason: "forbidden"; readonly message: string };

/**
 * Whether the page at `url` may be shown to `session`: it must exist, reach
 * `factory` (null: a page of no factory) and hold `permission`.
 *
 * @example
 * ```ts
 * import type { RouteContext } from "./islands_layer/mod.ts";
 *
 * function signInFirst(ctx: RouteContext<unknown, unknown>): Response | undefined {
 *   const access = checkPageAccess(ctx.session, ctx.url, "demo", "manage_users");
 *   if (!access.allowed && access.reason === "sign-in") return signInRedirect(access.location);
 *   return undefined;
 * }
 * ```
 */
export function checkPageAccess(
  session: PageSession | undefined,
  url: URL,
  factory: string | null,
  permission: string,
): PageAccess {
  if (factory !== null && !ID_PATTERN.test(factory)) {
    return { allowed: false, reason: "not-found", message: `'${factory}' is not a factory id.` };
  }
  if (session === undefined) {
    return { allowed: false, reason: "sign-in", location: loginPath(url.pathname + url.search) };
  }
  const own = session.user.factory;
  if (factory !== null && own !== null && own !== factory) {
    return { allowed: false, reason: "not-found", message: `No factory '${factory}'.` };
  }
  if (!session.user.permissions.includes(permission)) {
    return {
      allowed: false,
      reason: "forbidden",
      message: `Your role (${session.user.role}) may not open this page: it needs '${permission}'.`,
    };
  }
  return { allowed: true, session };
}

/** The redirect to the login page, for {@link PageAccess} "sign-in". */
export function signInRedirect(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

/** A {@link PageAccess} that refuses the page. */
export type PageRefusal = Exclude<PageAccess, { readonly allowed: true }>;

/**
 * The answer to a refused page: the redirect to sign in, the 404 page, or the
 * page itself rendered with {@link DeniedPage} data and status 403.
 *
 * @example
 * ```ts
 * import type { Handlers } from "./islands_layer/mod.ts";
 *
 * const handler: Handlers<{ factory: string } | DeniedPage, unknown> = {
 *   GET(_request, ctx) {
 *     const { factory } = ctx.params;
 *     const access = checkPageAccess(ctx.session, ctx.url, factory, "manage_users");
 *     if (!access.allowed) return refusePage(ctx, access);
 *     return ctx.render({ factory }, { title: `Users · ${factory}` });
 *   },
 * };
 * ```
 */
export function refusePage(
  ctx: Pick<RouteContext<DeniedPage, unknown>, "render" | "renderNotFound">,
  refusal: PageRefusal,
): Response | Promise<Response> {
  if (refusal.reason === "sign-in") return signInRedirect(refusal.location);
  if (refusal.reason === "not-found") return ctx.renderNotFound(refusal.message);
  return ctx.render({ denied: refusal.message }, {
    title: "Not allowed · Millwright",
    status: 403,
  });
}
