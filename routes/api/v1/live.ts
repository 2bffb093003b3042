import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import { ID_PATTERN } from "../../../engine/telemetry.ts";
import type { AppDeps } from "../../../web/app_deps.ts";
import { HttpError } from "../../../web/http_error.ts";
import type { LiveSocket } from "../../../web/live_hub.ts";

/**
 * `GET /live?factory={f}&machine={m}`: the live event stream over WebSocket.
 * Each message is one JSON event with a `type` (`hello`, `telemetry`,
 * `anomaly`, `status`, `supervision`, `registered`).
 */
export function liveApi(deps: AppDeps): Hono {
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
      if (c.req.header("upgrade")?.toLowerCase() !== "websocket") {
        throw new HttpError(400, "This endpoint speaks WebSocket only (send 'Upgrade: websocket')");
      }
      return next();
    },
    upgradeWebSocket((c) => {
      const factory = c.req.query("factory")!;
      const machine = c.req.query("machine");
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
            machine === undefined ? { factory } : { factory, machine },
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
