/**
 * The gate in front of every route: authenticate the request, find its
 * access rule, check the factory and the permission, and protect cookie
 * sessions against cross-site requests. Handlers behind it read the caller
 * with `principalOf(c)` (web/auth_context.ts).
 *
 * Denials say as little as they must: no credential → 401 (API) or a
 * redirect to the login page (pages); a factory the caller cannot reach →
 * 404, as if it did not exist; a reachable factory without the permission →
 * 403.
 *
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { getConnInfo } from "hono/deno";
import { canReachFactory, hasPermission, type Principal } from "../engine/identity/principal.ts";
import { ID_PATTERN } from "../engine/telemetry.ts";
import { HttpError } from "./http_error.ts";
import type { AccessTable } from "./route_access.ts";

/** A verified credential of a request. */
export interface Authentication {
  readonly principal: Principal;
  readonly credential: "bearer" | "cookie";
  /** JWT id of a session (absent for API tokens and devices). */
  readonly sessionId?: string;
}

/** What the middleware needs of the identity service. */
export interface RequestAuthenticator {
  /** The caller behind the request's credential, or null when it carries none that is valid. */
  authenticate(request: Request): Promise<Authentication | null>;
  /** Whether `token` is the CSRF token of session `sessionId`. */
  checkCsrf(sessionId: string, token: string): Promise<boolean> | boolean;
  /** The CSRF token pages embed for session `sessionId`. */
  csrfTokenFor(sessionId: string): Promise<string> | string;
}

/** Options of {@link authMiddleware}. */
export interface AuthMiddlewareOptions {
  readonly authenticator: RequestAuthenticator;
  readonly table: AccessTable;
  /** Where the table's paths are mounted, e.g. `/api/v1`; "" for pages. */
  readonly prefix: string;
  /** `api` answers denials with JSON; `pages` redirects to the login page. */
  readonly mode: "api" | "pages";
  /** Take the client address from `X-Forwarded-For` (behind a trusted proxy only). */
  readonly trustProxy?: boolean;
  /** Where the audited routes' successful changes are recorded. */
  readonly audit?: (entry: GateAuditEntry) => void;
}

/** A successful change of an audited route (see `AccessRule.audit`). */
export interface GateAuditEntry {
  readonly principal: Principal;
  readonly action: string;
  readonly factory: string | null;
  /** The concrete path changed, e.g. `/factories/demo/rules/oil-hot`. */
  readonly target: string;
  readonly ip: string;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * The auth gate of one part of the app (the API or the pages).
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import { AccessTable, API_ACCESS } from "./route_access.ts";
 * declare const app: Hono;
 * declare const authenticator: RequestAuthenticator;
 * app.use(
 *   "/api/v1/*",
 *   authMiddleware({
 *     authenticator,
 *     table: new AccessTable(API_ACCESS),
 *     prefix: "/api/v1",
 *     mode: "api",
 *   }),
 * );
 * ```
 */
export function authMiddleware(options: AuthMiddlewareOptions): MiddlewareHandler {
  const { authenticator, table, prefix, mode } = options;
  return async function authGate(c, next) {
    c.set("clientIp", clientIp(c, options.trustProxy === true));
    const path = c.req.path.slice(prefix.length) || "/";
    const matched = table.match(c.req.method, path);
    if (matched === undefined) {
      // No rule: not a route of ours (or a method it does not take). Let the
      // router answer 404/405; nothing behind it may run unguarded, because
      // a registered route without a rule fails the isolation matrix test.
      if (mode === "api" && c.req.method !== "OPTIONS") {
        throw new HttpError(
          table.knowsPath(path) ? 405 : 404,
          table.knowsPath(path)
            ? `${c.req.method} is not allowed on ${c.req.path}`
            : `No API route ${c.req.method} ${c.req.path}; see /api/docs`,
        );
      }
      return await next();
    }
    const auth = await authenticator.authenticate(c.req.raw);
    if (auth !== null) {
      c.set("principal", auth.principal);
      c.set("credential", auth.credential);
      if (auth.sessionId !== undefined) c.set("sessionId", auth.sessionId);
    }
    const { rule } = matched;
    if (rule.access === "public") {
      // A cross-site form can post to a public route (sign-in, accepting an invite) without
      // preflight only as form or text/plain data: refusing those stops login CSRF.
      if (!SAFE_METHODS.has(c.req.method) && !isJson(c.req.header("content-type"))) {
        throw new HttpError(415, "Send this request as JSON (Content-Type: application/json)");
      }
      return await next();
    }
    if (auth === null) return unauthenticated(c, mode);
    const factory = factoryOf(c, rule.factory, matched.params);
    if (factory !== undefined && !canReachFactory(auth.principal, factory)) {
      return notFound(c, mode, `Factory '${factory}' not found`);
    }
    if (rule.access !== "session" && !hasPermission(auth.principal, rule.access)) {
      return forbidden(c, mode, `Your role may not do this (needs '${rule.access}')`);
    }
    if (auth.credential === "cookie") {
      if (!SAFE_METHODS.has(c.req.method)) {
        const token = c.req.header("x-csrf-token") ?? "";
        const valid = auth.sessionId !== undefined && token !== "" &&
          await authenticator.checkCsrf(auth.sessionId, token);
        if (!valid) {
          throw new HttpError(
            403,
            "Missing or wrong X-CSRF-Token header for a cookie-authenticated change; " +
              "reload the page, or call the API with a bearer token",
          );
        }
      } else if (mode === "pages" && auth.sessionId !== undefined) {
        c.set("csrfToken", await authenticator.csrfTokenFor(auth.sessionId));
      }
    }
    await next();
    if (rule.audit !== undefined && options.audit !== undefined && c.res.status < 300) {
      options.audit({
        principal: auth.principal,
        action: rule.audit,
        factory: factory ?? null,
        target: path,
        ip: c.get("clientIp") ?? "unknown",
      });
    }
  };
}

function isJson(contentType: string | undefined): boolean {
  return contentType !== undefined &&
    /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(contentType);
}

function factoryOf(
  c: Context,
  source: string,
  params: Readonly<Record<string, string>>,
): string | undefined {
  if (source === "path") return params.factory;
  if (source === "query") {
    const factory = c.req.query("factory");
    // A malformed id is the route's to refuse (400); only a well-formed one names a factory.
    return factory !== undefined && ID_PATTERN.test(factory) ? factory : undefined;
  }
  return undefined;
}

function unauthenticated(c: Context, mode: "api" | "pages"): Response {
  if (mode === "pages") {
    const next = c.req.path + (new URL(c.req.url).search);
    return c.redirect(`/login?next=${encodeURIComponent(next)}`, 303);
  }
  c.header("WWW-Authenticate", 'Bearer realm="millwright"');
  throw new HttpError(401, "Sign in first: this route needs a bearer token or a session");
}

function notFound(
  c: Context,
  mode: "api" | "pages",
  message: string,
): Response | Promise<Response> {
  if (mode === "api") throw new HttpError(404, message);
  return c.notFound();
}

function forbidden(c: Context, mode: "api" | "pages", message: string): Response {
  if (mode === "api") throw new HttpError(403, message);
  return c.html(
    `<!DOCTYPE html><title>Not allowed · Millwright</title><p>${message}. <a href="/">Home</a></p>`,
    403,
  );
}

function clientIp(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",")[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}
