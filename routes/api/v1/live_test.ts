import assert from "node:assert/strict";
import { Hono } from "hono";
import { EventBus } from "../../../engine/bus.ts";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { EngineMetrics } from "../../../engine/metrics.ts";
import { handleError, HttpError } from "../../../web/http_error.ts";
import { LiveHub } from "../../../web/live_hub.ts";
import { allowedOrigin, liveApi, liveBatch } from "./live.ts";

Deno.test("allowedOrigin: the server's own host, PUBLIC_URL and CORS_ORIGINS only", () => {
  const security = {
    secure: true,
    corsOrigins: ["https://dash.example.com"],
    publicOrigin: "https://mw.example.com",
  };
  assert.equal(allowedOrigin("http://127.0.0.1:8000", "127.0.0.1:8000", undefined), true);
  assert.equal(allowedOrigin("https://mw.example.com", "10.0.0.5:8000", security), true);
  assert.equal(allowedOrigin("https://dash.example.com", "10.0.0.5:8000", security), true);
  assert.equal(allowedOrigin("https://evil.example.com", "10.0.0.5:8000", security), false);
  assert.equal(allowedOrigin("http://127.0.0.1:8001", "127.0.0.1:8000", undefined), false);
  assert.equal(allowedOrigin("null", "127.0.0.1:8000", security), false);
});

Deno.test("liveBatch: 1 or true asks for array frames, absent, 0 or false not, else 400", () => {
  assert.equal(liveBatch("1"), true);
  assert.equal(liveBatch("true"), true);
  assert.equal(liveBatch(undefined), false);
  assert.equal(liveBatch("0"), false);
  assert.equal(liveBatch("false"), false);
  for (const bad of ["", "yes", "2", "TRUE"]) {
    assert.throws(
      () => liveBatch(bad),
      (error: unknown) =>
        error instanceof HttpError && error.status === 400 &&
        error.message === `'batch' must be 1, true, 0 or false: current value is '${bad}'`,
    );
  }
});

Deno.test("GET /live answers 400 for a bad 'batch' and takes batch=1", async () => {
  const hub = new LiveHub(new EventBus(), {
    clock: new FakeClock(0),
    metrics: new EngineMetrics(),
  });
  const app = new Hono();
  app.onError(handleError);
  app.route("/api/v1", liveApi({ hub, security: undefined }));
  const upgrade = { headers: { upgrade: "websocket" } };
  const bad = await app.request("/api/v1/live?factory=demo&batch=yes", upgrade);
  assert.equal(bad.status, 400);
  assert.equal(
    (await bad.json()).error.message,
    "'batch' must be 1, true, 0 or false: current value is 'yes'",
  );
  const plain = await app.request("/api/v1/live?factory=demo&batch=1");
  assert.equal(plain.status, 400);
  assert.match((await plain.json()).error.message, /speaks WebSocket only/);
  hub.close();
});
