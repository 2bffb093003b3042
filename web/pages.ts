/**
 * The operator web pages as a Hono sub-app: server-rendered routes with
 * hydrated islands, their browser bundle and static assets. The main app
 * mounts it beside `/api/v1/*`, which serves the live WebSocket the pages
 * connect to.
 *
 * @module
 */
import { type Context, Hono } from "hono";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import config from "../fresh.config.ts";
import type { AlertBook } from "../engine/alerts/alert.ts";
import type { RuleTable } from "../engine/alerts/rule_table.ts";
import { type Clock, systemClock } from "../engine/clock.ts";
import type { MachineDirectory } from "../engine/machine_view.ts";
import type { TimeSeriesStore } from "../engine/store/time_series_store.ts";
import type { NotificationsDeps } from "./app_deps.ts";
import NotFoundPage from "../routes/_404.tsx";
import * as factoriesAdminRoute from "../routes/admin/factories.tsx";
import * as apiTokensRoute from "../routes/factories/[factory]/api-tokens.tsx";
import * as auditRoute from "../routes/factories/[factory]/audit.tsx";
import type { PageAuditLog } from "../routes/factories/[factory]/audit.tsx";
import * as devicesRoute from "../routes/factories/[factory]/devices.tsx";
import * as usersRoute from "../routes/factories/[factory]/users.tsx";
import * as inviteRoute from "../routes/invites/[token].tsx";
import * as loginRoute from "../routes/login.tsx";
import * as alertRoute from "../routes/factories/[factory]/alerts/[alert].tsx";
import * as alertsRoute from "../routes/factories/[factory]/alerts/index.tsx";
import * as machineRoute from "../routes/factories/[factory]/machines/[machine].tsx";
import * as machineHistoryRoute from "../routes/factories/[factory]/machines/[machine]/history.tsx";
import * as notificationsRoute from "../routes/factories/[factory]/notifications.tsx";
import * as overviewRoute from "../routes/factories/[factory]/index.tsx";
import * as ruleRoute from "../routes/factories/[factory]/rules/[rule].tsx";
import * as rulesRoute from "../routes/factories/[factory]/rules/index.tsx";
import * as newRuleRoute from "../routes/factories/[factory]/rules/new.tsx";
import * as homeRoute from "../routes/index.tsx";
import * as modelsRoute from "../routes/factories/[factory]/models.tsx";
import type { OperatorLearning } from "../engine/learning/mod.ts";
import type { MachineRef } from "../engine/telemetry.ts";
import type { MetricWindowStats } from "../actors/machine/window_stats.ts";
import {
  buildIslandBundle,
  type Bundler,
  type IslandBundle,
  mountRoute,
  type PageAssets,
  type PageSession,
  renderNotFound,
} from "./islands_layer/mod.ts";

/** What page handlers read (`ctx.state` in routes/). */
export interface PageState {
  readonly directory: MachineDirectory;
  readonly store: TimeSeriesStore;
  readonly clock: Clock;
  /** Alerts for the alerts pages and the open alerts of machine pages and overviews. */
  readonly alerts: PageAlerts;
  /** Alert rules for the rule list and the rule builder (saving goes through the API). */
  readonly rules: PageRules;
  /** Notification channels, routing and log; the settings page is 404 without them. */
  readonly notifications?: NotificationsDeps;
  /** The audit log for its page; the page is 404 without it. */
  readonly audit?: PageAuditLog;
  /** Registered factories: their overview shows before the first machine reports. */
  readonly factories?: { isActive(slug: string): boolean };
  /** Fault models and labels for the models page and the machine page's predictions. */
  readonly learning?: Pick<OperatorLearning, "models" | "labels">;
  /** Port devices publish MQTT to, for the getting-started hint. */
  readonly mqttPort: number;
  /** Width of the machine page's chart window, in ms. */
  readonly windowMs: number;
  /** A machine's rolling-window statistics from its actor; none without it (tests of other pages). */
  readonly windowStats?: (ref: MachineRef) => Record<string, MetricWindowStats> | undefined;
}

/** What pages read of the alerts (actions go through the API). */
export type PageAlerts = Pick<AlertBook, "list" | "get" | "active">;

const NO_ALERTS: PageAlerts = {
  list: () => ({ alerts: [], next: null }),
  get: () => undefined,
  active: () => [],
};

/** What pages read of the rules. */
export type PageRules = Pick<RuleTable, "current" | "history">;

const NO_RULES: PageRules = { current: () => [], history: () => [] };

/** Dependencies of {@link createPages}. */
export interface PagesDeps {
  readonly directory: MachineDirectory;
  /** Seeds machine charts after a restart, when memory holds less than the window. */
  readonly store: TimeSeriesStore;
  /** Where the browser bundle is cached between starts, e.g. `${DATA_DIR}/.cache`. */
  readonly cacheDir: string;
  readonly clock?: Clock;
  /** The alert store; without it (tests of other pages) pages show no alerts. */
  readonly alerts?: PageAlerts;
  /** The rule table; without it (tests of other pages) factories have no rules. */
  readonly rules?: PageRules;
  /** Notification settings for their page (absent in tests of other pages). */
  readonly notifications?: NotificationsDeps;
  /** MQTT port shown in the getting-started hint; 1883 unless told. */
  readonly mqttPort?: number;
  /** Machine charts' rolling window; 5 minutes unless told. */
  readonly windowMs?: number;
  /** Builds the browser bundle on a cache miss; esbuild unless a test passes another. */
  readonly bundler?: Bundler;
  /** The audit log, for the audit page (absent in tests of other pages). */
  readonly audit?: PageAuditLog;
  /** Registered factories (absent in tests of other pages: only reported ones show). */
  readonly factories?: { isActive(slug: string): boolean };
  /** Fault models and labels (absent in tests of other pages). */
  readonly learning?: Pick<OperatorLearning, "models" | "labels">;
  /** Machines' rolling-window statistics (absent in tests of other pages). */
  readonly windowStats?: (ref: MachineRef) => Record<string, MetricWindowStats> | undefined;
  /** Who a request's page is for, as the auth middleware set it; nobody unless given. */
  readonly session?: (c: Context) => PageSession | undefined;
}

/** The pages and what was built for them. */
export interface Pages {
  readonly app: Hono;
  readonly bundle: IslandBundle;
}

/**
 * Content-Security-Policy of every page: scripts, styles and connections
 * from this origin only (the live WebSocket included), nothing inline.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

const PAGE_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": PAGE_CSP,
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
};

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STATIC_DIR = resolve(ROOT, config.staticDir);
/** Assets served under /static/ from elsewhere than the static folder. */
const EXTRA_STATIC: Readonly<Record<string, string>> = {
  "uPlot.min.css": join(ROOT, "node_modules", "uplot", "dist", "uPlot.min.css"),
};
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
};
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Builds (or takes from the cache) the browser bundle, then returns the
 * pages: `/` (the only factory's overview, a list of factories, or how to get
 * a first machine reporting), `/factories/:factory`,
 * `/factories/:factory/machines/:machine` (404 page for unknown ones),
 * `/static/*` and `/_islands/app-<hash>.js`.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "./app_deps.ts";
 * declare const app: Hono;
 * declare const { directory, store }: AppDeps;
 * declare const dataDir: string;
 * const pages = await createPages({ directory, store, cacheDir: `${dataDir}/.cache` });
 * app.route("/", pages);
 * ```
 */
export async function createPages(deps: PagesDeps): Promise<Hono> {
  return (await createPagesWithBundle(deps)).app;
}

/** {@link createPages}, also returning the bundle (its hash, whether it came from the cache). */
export async function createPagesWithBundle(deps: PagesDeps): Promise<Pages> {
  const windowMs = deps.windowMs ?? 5 * 60_000;
  const mqttPort = deps.mqttPort ?? 1883;
  if (!(windowMs > 0)) {
    throw new RangeError(
      `Cannot create pages: 'windowMs' must be positive: current value is ${windowMs}`,
    );
  }
  if (!Number.isInteger(mqttPort) || mqttPort < 1 || mqttPort > 65_535) {
    throw new RangeError(
      `Cannot create pages: 'mqttPort' must be a TCP port: current value is ${mqttPort}`,
    );
  }
  const bundle = await buildIslandBundle({
    root: ROOT,
    islandsDir: config.islandsDir,
    sources: config.bundleSources,
    cacheDir: deps.cacheDir,
    target: config.build.target,
    minify: config.build.minify,
    bundler: deps.bundler,
  });
  const assets: PageAssets = {
    styles: ["/static/uPlot.min.css", "/static/styles.css"],
    scripts: [`/_islands/${bundle.fileName}`],
    islands: new Set(bundle.islands),
    icon: "/static/favicon.svg",
  };
  const state: PageState = {
    directory: deps.directory,
    store: deps.store,
    clock: deps.clock ?? systemClock,
    alerts: deps.alerts ?? NO_ALERTS,
    rules: deps.rules ?? NO_RULES,
    ...(deps.notifications === undefined ? {} : { notifications: deps.notifications }),
    ...(deps.audit === undefined ? {} : { audit: deps.audit }),
    ...(deps.learning === undefined ? {} : { learning: deps.learning }),
    ...(deps.factories === undefined ? {} : { factories: deps.factories }),
    ...(deps.windowStats === undefined ? {} : { windowStats: deps.windowStats }),
    mqttPort,
    windowMs,
  };
  const options = {
    state,
    assets,
    notFound: NotFoundPage,
    headers: PAGE_HEADERS,
    session: deps.session,
  };

  const app = new Hono();
  mountRoute(app, "/", homeRoute, options);
  mountRoute(app, "/factories/:factory", overviewRoute, options);
  mountRoute(app, "/factories/:factory/machines/:machine", machineRoute, options);
  mountRoute(app, "/factories/:factory/machines/:machine/history", machineHistoryRoute, options);
  mountRoute(app, "/factories/:factory/alerts", alertsRoute, options);
  mountRoute(app, "/factories/:factory/alerts/:alert", alertRoute, options);
  mountRoute(app, "/factories/:factory/rules", rulesRoute, options);
  // Before `:rule`, which would match "new" too.
  mountRoute(app, "/factories/:factory/rules/new", newRuleRoute, options);
  mountRoute(app, "/factories/:factory/rules/:rule", ruleRoute, options);
  mountRoute(app, "/factories/:factory/notifications", notificationsRoute, options);
  mountRoute(app, "/login", loginRoute, options);
  mountRoute(app, "/invites/:token", inviteRoute, options);
  mountRoute(app, "/factories/:factory/users", usersRoute, options);
  mountRoute(app, "/factories/:factory/devices", devicesRoute, options);
  mountRoute(app, "/factories/:factory/api-tokens", apiTokensRoute, options);
  mountRoute(app, "/factories/:factory/audit", auditRoute, options);
  mountRoute(app, "/admin/factories", factoriesAdminRoute, options);
  mountRoute(app, "/factories/:factory/models", modelsRoute, options);
  app.get("/_islands/:file", function islandBundle(c) {
    const file = c.req.param("file");
    const body = file === bundle.fileName
      ? bundle.code
      : file === `${bundle.fileName}.map`
      ? bundle.map
      : undefined;
    if (body === undefined) return c.body("Unknown bundle; reload the page.\n", 404);
    return new Response(body, {
      headers: {
        "content-type": file.endsWith(".map")
          ? "application/json"
          : "text/javascript; charset=utf-8",
        "cache-control": IMMUTABLE,
        "x-content-type-options": "nosniff",
      },
    });
  });
  app.get("/static/:path{.+}", function staticAsset(c) {
    return serveStatic(c.req.param("path"), c.req.header("if-none-match"));
  });
  return { app, bundle };
}

/**
 * The 404 page as a response, for paths the pages do not serve; the main
 * app's `notFound` handler can return it for browser requests.
 */
export function notFoundPage(url: URL, message: string): Response {
  return renderNotFound(url, message, {
    assets: { styles: ["/static/uPlot.min.css", "/static/styles.css"], scripts: [] },
    notFound: NotFoundPage,
    headers: PAGE_HEADERS,
  });
}

async function serveStatic(path: string, ifNoneMatch: string | undefined): Promise<Response> {
  const file = EXTRA_STATIC[path] ?? resolve(STATIC_DIR, normalize(path));
  const type = CONTENT_TYPES[extname(file)];
  if (!file.startsWith(STATIC_DIR + sep) && EXTRA_STATIC[path] === undefined) {
    return new Response("Not found\n", { status: 404 });
  }
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(file);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return new Response("Not found\n", { status: 404 });
    throw error;
  }
  if (!info.isFile) return new Response("Not found\n", { status: 404 });
  const etag = `W/"${info.size.toString(36)}-${(info.mtime?.getTime() ?? 0).toString(36)}"`;
  const headers = {
    "content-type": type ?? "application/octet-stream",
    "cache-control": "no-cache",
    etag,
    "x-content-type-options": "nosniff",
  };
  if (ifNoneMatch === etag) return new Response(null, { status: 304, headers });
  return new Response(await Deno.readFile(file), { headers });
}
