import { Hono } from "hono";
import {
  type ChannelConfig,
  channelView,
  NOTIFICATION_STATUSES,
  NotificationConfigError,
  type NotificationStatus,
  readChannelConfig,
  readRoutingConfig,
  type RoutingTable,
  type StoredChannel,
} from "../../../engine/notify/mod.ts";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import type { AppDeps, NotificationsDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";
import { parseTimeParam } from "../../../web/time_param.ts";

/** Log rows one request returns when `limit` is not given, and at most. */
export const DEFAULT_LOG_LIMIT = 100;
export const MAX_LOG_LIMIT = 1_000;

const LOG_PARAMS = ["alertId", "status", "since", "limit"];

/**
 * Notification settings and log of a factory:
 *
 * - `GET|POST /factories/{f}/notifications/channels` — list (secrets masked),
 *   create (`{id, kind, settings, quietHours?}`; 409 when the id is taken);
 * - `PUT|DELETE …/channels/{id}` — replace (a secret left out or sent back
 *   masked is kept), delete (also takes it out of the routing);
 * - `POST …/channels/{id}/test` — one test message now: `{channel, outcome}`;
 * - `GET|PUT …/notifications/routing` — `{default: {severity: [ids]}, rules: {ruleId: {…}}}`;
 * - `GET …/notifications/log?alertId=&status=&since=&limit=` — deliveries, newest first.
 *
 * Factories need not have reported yet: channels can be set up first.
 * Validation errors are 400 and name the field and its value.
 *
 * @example
 * ```ts
 * import type { Hono } from "hono";
 * import type { AppDeps } from "../../../web/app_deps.ts";
 * declare const app: Hono;
 * declare const deps: AppDeps;
 * app.route("/api/v1", notificationsApi(deps));
 * ```
 */
export function notificationsApi(deps: Pick<AppDeps, "notifications" | "clock">): Hono {
  const { notifications } = deps;
  const app = new Hono();
  const base = "/factories/:factory/notifications";

  app.get(`${base}/channels`, (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const problems = notifications.problems(factory);
    return c.json({
      factory,
      channels: notifications.settings.channels(factory).map((stored) =>
        channelView(stored, problems[stored.config.id])
      ),
    });
  });

  app.post(`${base}/channels`, async (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const body = await jsonBody(c.req.raw);
    const id = (body as { id?: unknown } | null)?.id;
    if (typeof id !== "string") {
      throw new HttpError(
        400,
        `'id' must be a channel id (${ID_PATTERN.source}): current value is ${JSON.stringify(id)}`,
        { details: { field: "id" } },
      );
    }
    const config = readConfig(id, body, undefined);
    if (notifications.settings.channel(factory, config.id) !== undefined) {
      throw new HttpError(
        409,
        `Factory '${factory}' already has a channel '${config.id}'; PUT …/channels/${config.id} to change it`,
      );
    }
    checkUsable(notifications, factory, config);
    const stored = notifications.settings.saveChannel(factory, config);
    return c.json(channelView(stored, undefined), 201);
  });

  app.put(`${base}/channels/:id`, async (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const previous = channelOf(notifications, factory, c.req.param("id"));
    const config = readConfig(previous.config.id, await jsonBody(c.req.raw), previous.config);
    checkUsable(notifications, factory, config);
    const stored = notifications.settings.saveChannel(factory, config);
    return c.json(channelView(stored, undefined));
  });

  app.delete(`${base}/channels/:id`, (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const { config } = channelOf(notifications, factory, c.req.param("id"));
    notifications.settings.deleteChannel(factory, config.id);
    return c.body(null, 204);
  });

  app.post(`${base}/channels/:id/test`, async (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const { config } = channelOf(notifications, factory, c.req.param("id"));
    const at = deps.clock.now();
    const outcome = await notifications.sendTest(factory, config);
    return c.json({ factory, channel: config.id, at, outcome });
  });

  app.get(`${base}/routing`, (c) => {
    const factory = factoryOf(c.req.param("factory"));
    return c.json(notifications.settings.routing(factory));
  });

  app.put(`${base}/routing`, async (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const ids = new Set(notifications.settings.channels(factory).map((s) => s.config.id));
    const body = await jsonBody(c.req.raw);
    const routing = readRouting(body, ids);
    notifications.settings.setRouting(factory, routing);
    return c.json(routing);
  });

  app.get(`${base}/log`, (c) => {
    const factory = factoryOf(c.req.param("factory"));
    const query = new URL(c.req.url).searchParams;
    for (const name of query.keys()) {
      if (!LOG_PARAMS.includes(name)) {
        throw new HttpError(
          400,
          `Unknown parameter '${name}'; the log takes ${LOG_PARAMS.join(", ")}`,
        );
      }
    }
    const status = query.get("status") ?? undefined;
    if (status !== undefined && !NOTIFICATION_STATUSES.includes(status as NotificationStatus)) {
      throw new HttpError(
        400,
        `'status' must be one of ${NOTIFICATION_STATUSES.join(", ")}: current value is '${status}'`,
      );
    }
    const limitParam = query.get("limit");
    const limit = limitParam === null ? DEFAULT_LOG_LIMIT : Number(limitParam);
    if (!/^\d+$/.test(limitParam ?? "1") || limit < 1 || limit > MAX_LOG_LIMIT) {
      throw new HttpError(
        400,
        `'limit' must be an integer 1..${MAX_LOG_LIMIT}: current value is '${limitParam}'`,
      );
    }
    const sinceParam = query.get("since") ?? undefined;
    const since = sinceParam === undefined ? undefined : parseTimeParam("since", sinceParam, 0);
    const alertId = query.get("alertId") ?? undefined;
    const entries = notifications.listNotifications(factory, {
      limit,
      ...(alertId === undefined ? {} : { alertId }),
      ...(status === undefined ? {} : { status: status as NotificationStatus }),
      ...(since === undefined ? {} : { since }),
    });
    return c.json({ factory, entries });
  });

  return app;
}

function factoryOf(factory: string): string {
  if (!ID_PATTERN.test(factory)) {
    throw new HttpError(
      400,
      `Factory id must match ${ID_PATTERN.source}: current value is '${factory}'`,
    );
  }
  return factory;
}

function channelOf(notifications: NotificationsDeps, factory: string, id: string): StoredChannel {
  const stored = ID_PATTERN.test(id) ? notifications.settings.channel(factory, id) : undefined;
  if (stored === undefined) {
    throw new HttpError(404, `Factory '${factory}' has no notification channel '${id}'`);
  }
  return stored;
}

async function jsonBody(request: Request): Promise<unknown> {
  try {
    return await request.json();
  } catch (error) {
    throw new HttpError(400, "The body is not JSON", { cause: error });
  }
}

function refused(error: unknown): unknown {
  if (!(error instanceof NotificationConfigError)) return error;
  return new HttpError(400, error.message, { cause: error, details: { field: error.field } });
}

function readConfig(id: string, body: unknown, previous: ChannelConfig | undefined): ChannelConfig {
  try {
    return readChannelConfig(id, body, previous);
  } catch (error) {
    throw refused(error);
  }
}

function readRouting(body: unknown, channelIds: ReadonlySet<string>): RoutingTable {
  try {
    return readRoutingConfig(body, channelIds);
  } catch (error) {
    throw refused(error);
  }
}

function checkUsable(
  notifications: NotificationsDeps,
  factory: string,
  config: ChannelConfig,
): void {
  const problem = notifications.problemOf(factory, config);
  if (problem !== undefined) {
    throw new HttpError(400, `Cannot use ${config.kind} channel '${config.id}': ${problem}`, {
      details: { field: "kind" },
    });
  }
}
