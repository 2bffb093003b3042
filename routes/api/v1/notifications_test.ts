import assert from "node:assert/strict";
import { Hono } from "hono";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { EngineMetrics } from "../../../engine/metrics.ts";
import {
  ChannelConfigTable,
  ConfiguredDispatcher,
  NotificationLog,
  verifyWebhookSignature,
} from "../../../engine/notify/mod.ts";
import { handleError } from "../../../web/http_error.ts";
import { startHttpReceiver } from "../../../tests/support/http_receiver.ts";
import { notificationsApi } from "./notifications.ts";

const NOW = Date.UTC(2027, 0, 15, 8);
const SECRET = "whsec-0123456789abcdef";
const BASE = "/api/v1/factories/demo/notifications";

function fixture() {
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(NOW);
  const receiver = startHttpReceiver();
  const notifications = new ConfiguredDispatcher({
    table: new ChannelConfigTable(db, clock),
    log: new NotificationLog(db),
    metrics: new EngineMetrics(),
    clock,
    publicUrl: () => "https://mw.example",
    warn: () => {},
  });
  notifications.start();
  const app = new Hono();
  app.onError(handleError);
  app.route("/api/v1", notificationsApi({ notifications, clock }));
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`${BASE}${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === "" ? null : JSON.parse(text) };
  };
  return {
    send,
    notifications,
    receiver,
    async close() {
      await notifications.close();
      await receiver.close();
      db.close();
    },
  };
}

Deno.test("notifications API creates, lists with secrets masked, replaces and deletes channels", async () => {
  const t = fixture();
  try {
    const hook = {
      id: "ops",
      kind: "webhook",
      settings: { url: `${t.receiver.url}/h`, secret: SECRET },
    };
    const created = await t.send("POST", "/channels", hook);
    assert.equal(created.status, 201);
    assert.deepEqual(created.body, {
      id: "ops",
      kind: "webhook",
      target: `${t.receiver.url}/h`,
      settings: { url: `${t.receiver.url}/h`, secret: "••••cdef" },
      quietHours: null,
      createdAt: NOW,
      updatedAt: NOW,
    });
    assert.equal((await t.send("POST", "/channels", hook)).status, 409);

    const listed = await t.send("GET", "/channels");
    assert.deepEqual(listed.body.channels, [created.body]);
    assert.doesNotMatch(JSON.stringify(listed.body), /0123456789abcdef/);

    // The masked channel sent back with quiet hours added keeps its secret.
    const quietHours = { start: "22:00", end: "06:00", timeZone: "Europe/Berlin" };
    const { settings } = created.body;
    const replaced = await t.send("PUT", "/channels/ops", {
      kind: "webhook",
      settings,
      quietHours,
    });
    assert.equal(replaced.status, 200);
    assert.deepEqual(replaced.body.quietHours, quietHours);
    assert.equal(
      (t.notifications.settings.channel("demo", "ops")?.config.settings as { secret: string })
        .secret,
      SECRET,
    );

    assert.equal((await t.send("PUT", "/channels/nope", hook)).status, 404);
    assert.equal((await t.send("DELETE", "/channels/ops")).status, 204);
    assert.equal((await t.send("DELETE", "/channels/ops")).status, 404);
    assert.deepEqual((await t.send("GET", "/channels")).body.channels, []);
  } finally {
    await t.close();
  }
});

Deno.test("notifications API refuses bad channels naming the field and value", async () => {
  const t = fixture();
  try {
    const table: Array<[unknown, string, RegExp]> = [
      [{ kind: "webhook", settings: {} }, "id", /'id' must be a channel id.*undefined/],
      [{ id: "a b", kind: "webhook", settings: {} }, "id", /'id' must match .*'a b'/],
      [{ id: "x", kind: "fax", settings: {} }, "kind", /'kind' must be one of .*'fax'/],
      [
        { id: "x", kind: "email", settings: { to: ["ops@example.com", "not-an-address"] } },
        "settings.to.1",
        /'settings\.to\.1' is not an e-mail address: current value is 'not-an-address'/,
      ],
      [
        { id: "x", kind: "email", settings: { to: ["ops@example.com"] } },
        "kind",
        /Cannot use email channel 'x': e-mail needs a mail server: set SMTP_URL/,
      ],
    ];
    for (const [body, field, message] of table) {
      const answer = await t.send("POST", "/channels", body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(answer.body.error.message, message);
      assert.deepEqual(answer.body.error.details, { field });
    }
    const notJson = await t.send("POST", "/channels");
    assert.equal(notJson.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("notifications API sends a test message and returns the outcome", async () => {
  const t = fixture();
  try {
    await t.send("POST", "/channels", {
      id: "ops",
      kind: "webhook",
      settings: { url: `${t.receiver.url}/h`, secret: SECRET },
    });
    const answer = await t.send("POST", "/channels/ops/test");
    assert.deepEqual(answer, {
      status: 200,
      body: { factory: "demo", channel: "ops", at: NOW, outcome: { status: "sent" } },
    });
    const [request] = t.receiver.requests;
    assert.equal((await verifyWebhookSignature(SECRET, request, { now: NOW })).valid, true);
    assert.equal((await t.send("POST", "/channels/ghost/test")).status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("notifications API keeps routing per factory and checks its channel ids", async () => {
  const t = fixture();
  try {
    assert.deepEqual((await t.send("GET", "/routing")).body, { default: {} });
    await t.send("POST", "/channels", {
      id: "ops",
      kind: "webhook",
      settings: { url: `${t.receiver.url}/h`, secret: SECRET },
    });
    const routing = {
      default: { high: ["ops"], critical: ["ops"] },
      rules: { "r-oil": { high: [] } },
    };
    assert.deepEqual(await t.send("PUT", "/routing", routing), { status: 200, body: routing });
    assert.deepEqual((await t.send("GET", "/routing")).body, routing);
    const bad = await t.send("PUT", "/routing", { default: { high: ["ops", "pager"] } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /'default\.high\.1' names channel "pager"/);
    assert.deepEqual(bad.body.error.details, { field: "default.high.1" });
    assert.equal((await t.send("PUT", "/routing", { default: { low: ["ops"] } })).status, 200);
    assert.deepEqual(
      (await t.send("GET", "/routing")).body,
      { default: { low: ["ops"] } },
      "a PUT replaces the whole table",
    );
  } finally {
    await t.close();
  }
});

Deno.test("notifications API lists the factory's log with filters", async () => {
  const t = fixture();
  try {
    await t.send("POST", "/channels", {
      id: "ops",
      kind: "webhook",
      settings: { url: `${t.receiver.url}/h`, secret: SECRET },
    });
    await t.send("PUT", "/routing", { default: { high: ["ops"] } });
    const alert = {
      alertId: "a-1",
      transition: "raised" as const,
      factory: "demo",
      machine: "press-01",
      ruleId: "r-oil",
      ruleName: "Oil too hot",
      severity: "high" as const,
      at: NOW,
      explanation: "oil 82 > 80",
      values: { oil: 82 },
      link: "https://mw.example/factories/demo/alerts/a-1",
    };
    t.notifications.notify(alert);
    t.notifications.notify({ ...alert, alertId: "a-2", factory: "plant-2" });
    await t.notifications.idle();
    const log = await t.send("GET", "/log");
    assert.equal(log.status, 200);
    assert.deepEqual(
      log.body.entries.map((
        e: Record<string, unknown>,
      ) => [e.alertId, e.channel, e.status, e.attempts]),
      [["a-1", "ops", "sent", 1]],
    );
    const filtered = [
      ["?alertId=a-1&status=sent&limit=5", 1],
      ["?alertId=a-9", 0],
      ["?status=failed", 0],
      [`?since=${new Date(NOW + 1).toISOString()}`, 0],
    ] as const;
    for (const [query, count] of filtered) {
      assert.equal((await t.send("GET", `/log${query}`)).body.entries.length, count, query);
    }
    const refused = [
      ["?status=lost", /'status' must be one of .*'lost'/],
      ["?limit=0", /'limit' must be an integer 1\.\.1000: current value is '0'/],
      ["?since=yesterday", /'since' must be epoch milliseconds or ISO-8601.*'yesterday'/],
      ["?channel=ops", /Unknown parameter 'channel'/],
    ] as const;
    for (const [query, message] of refused) {
      const answer = await t.send("GET", `/log${query}`);
      assert.equal(answer.status, 400, query);
      assert.match(answer.body.error.message, message);
    }
  } finally {
    await t.close();
  }
});
