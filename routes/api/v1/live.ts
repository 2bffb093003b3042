import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";
import type { LiveSocket } from "../../../web/live_hub.ts";

/**
 * `GET /live?factory={f}&machine={m}&batch=1`: the live event stream over
 * WebSocket. Each message is one JSON event with a `type` (`hello`,
 * `telemetry`, `anomaly`, `status`, `supervision`, `registered`, …); with
 * `batch=1` (or `true`) each message is a JSON array of such events, those of
 * one engine turn, `[hello]` first.
 *
 * The auth gate has checked the caller may view the factory. A browser's
 * handshake must come from this server's own origin, PUBLIC_URL's, or one of
 * CORS_ORIGINS (a cookie would otherwise let any site read the stream); the
 * socket is closed when the caller's sessions are revoked.
 */
export function liveApi(deps: Pick<AppDeps, "hub" | "security">): Hono {
  const app = new Hono();
  app.get(
    "/live",
    (c, next) => {
      const factory = c.req.query("factory");
      const machine = c.req.query("machine");
      if (factory === undefined || !ID_PATTERN.test(factory)) {
        throw new HttpError(
          400,
          `'factory' must match ${ID_PATTERN.source}: current value is '${factory ?? ""}'`,
        );
      }
      if (machine !== undefined && !ID_PATTERN.test(machine)) {
        throw new HttpError(
          400,
          `'machine' must match ${ID_PATTERN.source}: current value is '${machine}'`,
        );
      }
      liveBatch(c.req.query("batch"));
      const origin = c.req.header("origin");
      if (origin !== undefined && !allowedOrigin(origin, c.req.header("host"), deps.security)) {
        throw new HttpError(
          403,
          `WebSocket connections from origin '${origin}' are not allowed; ` +
            "add it to CORS_ORIGINS or set PUBLIC_URL",
        );
      }
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        throw new HttpError(400, "This endpoint speaks WebSocket only (send 'Upgrade: websocket')");
      }
      return next();
    },
    upgradeWebSocket((c) => {
      const factory = c.req.query("factory")!;
      const machine = c.req.query("machine");
      const batch = liveBatch(c.req.query("batch"));
      const owner = c.get("principal")?.id;
      let client: ReturnType<AppDeps["hub"]["connect"]> | undefined;
      return {
        onOpen(_event, ws) {
          const raw = ws.raw as WebSocket;
          const socket: LiveSocket = {
            send: (text) => raw.send(text),
            close: (code, reason) => raw.close(code, reason),
            get bufferedAmount() {
              return raw.bufferedAmount;
            },
          };
          client = deps.hub.connect(
            socket,
            {
              factory,
              ...(machine === undefined ? {} : { machine }),
              ...(batch ? { batch } : {}),
            },
            owner,
          );
        },
        onClose() {
          if (client !== undefined) deps.hub.disconnect(client);
        },
        onError() {
          if (client !== undefined) deps.hub.disconnect(client);
        },
      };
    }),
  );
  return app;
}

/**
 * The `batch` query value: `1`/`true` asks for array frames, absent, `0` or
 * `false` for one event per frame; anything else is a 400.
 *
 * @example
 * ```ts
 * liveBatch("1"); // true
 * liveBatch(undefined); // false
 * ```
 */
export function liveBatch(value: string | undefined): boolean {
  if (value === undefined || value === "0" || value === "false") return false;
  if (value === "1" || value === "true") return true;
  throw new HttpError(
    400,
    `'batch' must be 1, true, 0 or false: current value is '${value}'`,
  );
}

/** The request's own host, PUBLIC_URL's origin, and CORS_ORIGINS may open the stream. */
export function allowedOrigin(
  origin: string,
  host: string | undefined,
  security: AppDeps["security"],
): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (host !== undefined && parsed.host === host) return true;
  if (security?.publicOrigin !== undefined && parsed.origin === security.publicOrigin) return true;
  return security?.corsOrigins.includes(parsed.origin) ?? false;
}
