import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { EngineMetrics } from "../metrics.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { startHttpReceiver, statusSequence } from "../../tests/support/http_receiver.ts";
import { readChannelConfig } from "./channel_config.ts";
import { ChannelConfigTable } from "./channel_config_table.ts";
import { ConfiguredDispatcher } from "./configured_dispatcher.ts";
import { NotificationLog } from "./notification_log.ts";
import { verifyWebhookSignature } from "./webhook_signature.ts";
import { testAlert } from "./_test_alert.ts";

const T0 = Date.parse("2026-05-04T10:00:00Z");
const SECRET = "whsec-0123456789abcdef";

function webhook(id: string, url: string) {
  return readChannelConfig(id, { kind: "webhook", settings: { url, secret: SECRET } });
}

function setup(respond = statusSequence()) {
  const receiver = startHttpReceiver(respond);
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(T0);
  const metrics = new EngineMetrics();
  const table = new ChannelConfigTable(db, clock);
  const log = new NotificationLog(db);
  const warnings: string[] = [];
  const notifications = new ConfiguredDispatcher({
    table,
    log,
    metrics,
    clock,
    policies: { random: () => 0.5, storm: { threshold: 100 } },
    publicUrl: () => "https://mw.example",
    warn: (message) => warnings.push(message),
  });
  return {
    receiver,
    table,
    log,
    clock,
    metrics,
    notifications,
    warnings,
    paths: () => receiver.requests.map((r) => r.path),
    async close() {
      await notifications.close();
      await receiver.close();
      db.close();
    },
  };
}

Deno.test("ConfiguredDispatcher routes each factory's alerts by its own table and channels", async () => {
  const t = setup();
  try {
    t.table.saveChannel("demo", webhook("ops", `${t.receiver.url}/demo`));
    t.table.saveChannel("plant-2", webhook("ops", `${t.receiver.url}/plant-2`));
    t.table.setRouting("demo", { default: { high: ["ops"] } });
    t.table.setRouting("plant-2", { default: { critical: ["ops"] } });
    t.notifications.start();
    t.notifications.notify(testAlert({ alertId: "a-1", factory: "demo" }));
    t.notifications.notify(testAlert({ alertId: "a-2", factory: "plant-2" })); // high: not routed
    t.notifications.notify(
      testAlert({ alertId: "a-3", factory: "plant-2", severity: "critical" }),
    );
    t.notifications.notify(testAlert({ alertId: "a-4", factory: "elsewhere" }));
    await t.notifications.idle();
    assert.deepEqual(t.paths().sort(), ["/demo", "/plant-2"]);
    const demoLog = t.notifications.listNotifications("demo", { limit: 10 });
    assert.deepEqual(
      demoLog.map((e) => [e.alertId, e.channel, e.status]),
      [["a-1", "ops", "sent"]],
      "the factory's own channel ids, nothing of other factories",
    );
    const verdict = await verifyWebhookSignature(SECRET, t.receiver.requests[0], { now: T0 });
    assert.equal(verdict.valid, true);
  } finally {
    await t.close();
  }
});

Deno.test("ConfiguredDispatcher follows changes without a restart, keeping the log", async () => {
  const t = setup();
  try {
    t.table.saveChannel("demo", webhook("ops", `${t.receiver.url}/ops`));
    t.notifications.start();
    t.notifications.notify(testAlert({ alertId: "a-1" }));
    await t.notifications.idle();
    assert.deepEqual(t.paths(), [], "no routing yet: nobody is told");

    t.table.setRouting("demo", { default: { high: ["ops"] } });
    // Arrives while the old dispatcher closes: it waits for the new one.
    t.notifications.notify(testAlert({ alertId: "a-2" }));
    await t.notifications.idle();
    assert.deepEqual(t.paths(), ["/ops"]);

    t.table.saveChannel("demo", webhook("pager", `${t.receiver.url}/pager`));
    t.table.setRouting("demo", { default: { high: ["pager"] } });
    t.notifications.notify(testAlert({ alertId: "a-3" }));
    await t.notifications.idle();
    assert.deepEqual(t.paths(), ["/ops", "/pager"]);
    assert.deepEqual(
      t.notifications.listNotifications("demo", { limit: 10 }).map((e) => [e.alertId, e.channel]),
      [["a-3", "pager"], ["a-2", "ops"]],
    );
  } finally {
    await t.close();
  }
});

Deno.test("ConfiguredDispatcher carries a retrying delivery over a rebuild and sends it once", async () => {
  const t = setup(statusSequence(503));
  try {
    t.table.saveChannel("demo", webhook("ops", `${t.receiver.url}/ops`));
    t.table.setRouting("demo", { default: { high: ["ops"] } });
    t.notifications.start();
    t.notifications.notify(testAlert({ alertId: "a-1" }));
    await t.notifications.idle();
    const [row] = t.log.listNotifications({ limit: 1 });
    assert.equal(row.status, "retrying");

    t.table.setRouting("demo", { default: { high: ["ops"], critical: ["ops"] } });
    await t.notifications.idle();
    t.clock.tick(row.nextAttemptAt! - t.clock.now());
    await t.notifications.idle();
    assert.equal(t.receiver.requests.length, 2, "one failed attempt, one delivery");
    const [after] = t.log.listNotifications({ limit: 1 });
    assert.equal(after.id, row.id);
    assert.equal(after.status, "sent");
    assert.equal(after.attempts, 2);
  } finally {
    await t.close();
  }
});

Deno.test("ConfiguredDispatcher leaves out channels it cannot build and says why", async () => {
  const t = setup();
  try {
    t.table.saveChannel("demo", webhook("ops", `${t.receiver.url}/ops`));
    const mail = readChannelConfig("mail", { kind: "email", settings: { to: ["a@x.example"] } });
    t.table.saveChannel("demo", mail);
    t.table.setRouting("demo", { default: { high: ["ops", "mail"] } });
    t.notifications.start();
    assert.deepEqual(t.notifications.problems("demo"), {
      mail: "e-mail needs a mail server: set SMTP_URL and SMTP_FROM and restart",
    });
    assert.equal(t.notifications.problemOf("demo", mail), t.notifications.problems("demo").mail);
    assert.equal(t.notifications.problemOf("demo", webhook("x", "https://x.example")), undefined);
    assert.match(t.warnings.join("\n"), /'demo\/mail' is not used/);
    t.notifications.notify(testAlert());
    await t.notifications.idle();
    assert.deepEqual(t.paths(), ["/ops"], "the other channel still works");
    assert.deepEqual(
      await t.notifications.sendTest("demo", mail),
      { status: "permanent", error: t.notifications.problems("demo").mail },
    );
  } finally {
    await t.close();
  }
});

Deno.test("ConfiguredDispatcher notifies a transition once, however often it is reported", async () => {
  const t = setup();
  try {
    t.table.saveChannel("demo", webhook("ops", `${t.receiver.url}/ops`));
    t.table.setRouting("demo", { default: { high: ["ops"] } });
    t.notifications.start();
    t.notifications.notify(testAlert({ transition: "cleared" }));
    t.notifications.notify(testAlert({ transition: "cleared" })); // e.g. the rule's own clear after a manual one
    t.notifications.notify(testAlert({ transition: "acknowledged" }));
    await t.notifications.idle();
    assert.equal(t.receiver.requests.length, 2);
    assert.match(
      await t.metrics.render(),
      /millwright_notifications_dropped_total\{reason="duplicate"\} 1/,
    );
  } finally {
    await t.close();
  }
});

Deno.test("ConfiguredDispatcher.sendTest sends one message now and returns the outcome", async () => {
  const t = setup(statusSequence(200, 404));
  try {
    t.notifications.start();
    const ops = webhook("ops", `${t.receiver.url}/ops`);
    assert.deepEqual(await t.notifications.sendTest("demo", ops), { status: "sent" });
    const body = JSON.parse(t.receiver.requests[0].body);
    assert.equal(body.alert.ruleName, "Test notification");
    assert.equal(body.alert.link, "https://mw.example/factories/demo/notifications");
    assert.deepEqual(await t.notifications.sendTest("demo", ops), {
      status: "permanent",
      error: `HTTP 404 from ${t.receiver.url}: scripted 404`,
    });
    assert.deepEqual(t.log.listNotifications({ limit: 10 }), [], "tests are not logged");
  } finally {
    await t.close();
  }
});
