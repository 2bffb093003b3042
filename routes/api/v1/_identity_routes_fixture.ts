/**
 * Test support for the identity route modules: an identity fixture and an
 * app that mounts one route module under /api/v1 behind a stand-in for the
 * auth middleware (the principal, session and address the test chooses).
 *
 * @module
 */
import { Hono } from "hono";
import { identityFixture } from "../../../engine/identity/_identity_fixture.ts";
import type { Principal } from "../../../engine/identity/mod.ts";
import { handleError } from "../../../web/http_error.ts";

export { GOOD_PASSWORD, NOW } from "../../../engine/identity/_identity_fixture.ts";

/** The caller the stand-in middleware sets; undefined → anonymous. */
export interface Caller {
  principal?: Principal;
  sessionId?: string;
}

/** A fresh fixture; `caller` is read on every request. */
export function routesFixture(options: Parameters<typeof identityFixture>[0] = {}) {
  const base = identityFixture(options);
  const caller: Caller = {};
  return {
    ...base,
    caller,
    mount(api: Hono): Hono {
      const app = new Hono();
      app.onError(handleError);
      app.use("*", (c, next) => {
        if (caller.principal !== undefined) c.set("principal" as never, caller.principal as never);
        if (caller.sessionId !== undefined) c.set("sessionId" as never, caller.sessionId as never);
        c.set("clientIp" as never, "192.0.2.7" as never);
        return next();
      });
      app.route("/api/v1", api);
      return app;
    },
  };
}

/** A JSON request init. */
export function json(method: string, body: unknown): RequestInit {
  return { method, headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
}
