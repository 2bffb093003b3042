/**
 * E-mail notifications against a real SMTP server: Debian's aiosmtpd, started
 * by the test on a free loopback port (see tests/support/smtp_server.ts).
 */
import assert from "node:assert/strict";
import { FakeClock } from "../engine/fake_clock.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import {
  type AlertNotification,
  EmailChannel,
  NotificationDispatcher,
  type NotificationDispatcherOptions,
  NotificationLog,
} from "../engine/notify/mod.ts";
import { startSmtpServer } from "./support/smtp_server.ts";
import { freePort } from "./support/free_port.ts";

const T0 = Date.parse("2026-05-04T10:00:00Z");

function alert(overrides: Partial<AlertNotification> = {}): AlertNotification {
  return {
    alertId: "a-17",
    transition: "raised",
    factory: "demo",
    machine: "press-01",
    ruleId: "r-oil",
    ruleName: "Oil too hot",
    severity: "high",
    at: T0,
    explanation: "oil_temp 82.5 > 80 for 10 min",
    values: { oil_temp: 82.5 },
    series: {
      metric: "oil_temp",
      points: Array.from(
        { length: 30 },
        (_, i) => ({ ts: T0 - (29 - i) * 20_000, value: 70 + i / 2 }),
      ),
      threshold: 80,
    },
    link: "https://millwright.example/alerts/a-17",
    ...overrides,
  };
}

function mailChannel(port: number) {
  return new EmailChannel({
    id: "maintenance-mail",
    smtp: { host: "127.0.0.1", port },
    from: "Millwright <alerts@factory.example>",
    to: ["maintenance@factory.example", "lead@factory.example"],
    timeZone: "Europe/Berlin",
  });
}

function dispatcherFor(
  channel: EmailChannel,
  options: Partial<NotificationDispatcherOptions> = {},
) {
  const clock = new FakeClock(T0);
  const dispatcher = new NotificationDispatcher({
    channels: [channel],
    routing: { default: { high: ["maintenance-mail"], critical: ["maintenance-mail"] } },
    log: new NotificationLog(openMetadataDb(":memory:")),
    metrics: new EngineMetrics(),
    clock,
    random: () => 0.5,
    ...options,
  });
  return { dispatcher, clock };
}

Deno.test("EmailChannel delivers a raised alert as one mail with subject, plain and HTML parts and an inline chart", async () => {
  const server = await startSmtpServer();
  const channel = mailChannel(server.port);
  const { dispatcher } = dispatcherFor(channel);
  try {
    dispatcher.notify(alert());
    await dispatcher.idle();
    const [entry] = dispatcher.listNotifications({ alertId: "a-17", limit: 5 });
    assert.equal(entry.status, "sent", entry.error ?? "no error");
    assert.equal(entry.attempts, 1);

    const mails = await server.mails();
    assert.equal(mails.length, 1);
    const [mail] = mails;
    assert.equal(mail.subject, "[HIGH] Raised: Oil too hot — press-01 (demo)");
    assert.equal(mail.mailFrom, "alerts@factory.example");
    assert.deepEqual(mail.rcptTos, ["maintenance@factory.example", "lead@factory.example"]);
    assert.equal(mail.messageId, `<notification-${entry.id}@millwright>`);
    assert.ok(mail.structure.includes("multipart/alternative"), mail.structure.join(", "));
    assert.ok(mail.structure.includes("text/plain"));
    assert.ok(mail.structure.includes("text/html"));

    assert.ok(mail.text, "has a plain-text part");
    assert.match(mail.text!, /Why: +oil_temp 82\.5 > 80 for 10 min/);
    assert.match(mail.text!, /At: +2026-05-04 12:00:00 Europe\/Berlin/);
    assert.match(mail.text!, /Open the alert: https:\/\/millwright\.example\/alerts\/a-17/);

    assert.ok(mail.html, "has an HTML part");
    assert.match(mail.html!, /<a href="https:\/\/millwright\.example\/alerts\/a-17"/);
    assert.match(mail.html!, /<img src="cid:chart@millwright"/);
    assert.match(mail.html!, /oil_temp 82\.5 &gt; 80 for 10 min/);
    assert.equal(mail.images.length, 1);
    assert.equal(mail.images[0].contentType, "image/png");
    assert.equal(mail.images[0].contentId, "<chart@millwright>");
    assert.ok(mail.images[0].png && mail.images[0].size > 100, "a real PNG is attached");
  } finally {
    await dispatcher.close();
    channel.close();
    await server.stop();
  }
});

Deno.test("EmailChannel without a series sends the link and no image", async () => {
  const server = await startSmtpServer();
  const channel = mailChannel(server.port);
  try {
    const outcome = await channel.send(
      { kind: "alert", alert: alert({ series: undefined, transition: "cleared" }) },
      { deliveryId: "1", attempt: 1 },
    );
    assert.deepEqual(outcome, { status: "sent" });
    const [mail] = await server.mails();
    assert.equal(mail.subject, "[HIGH] Cleared: Oil too hot — press-01 (demo)");
    assert.equal(mail.images.length, 0);
    assert.doesNotMatch(mail.html!, /<img/);
    assert.match(mail.html!, /Open the alert/);
  } finally {
    channel.close();
    await server.stop();
  }
});

Deno.test("EmailChannel retries an SMTP 451 and delivers exactly one mail", async () => {
  const server = await startSmtpServer({ rejectFirst: 1, rejectCode: 451 });
  const channel = mailChannel(server.port);
  const { dispatcher, clock } = dispatcherFor(channel);
  try {
    dispatcher.notify(alert());
    await dispatcher.idle();
    let [entry] = dispatcher.listNotifications({ limit: 1 });
    assert.equal(entry.status, "retrying");
    assert.match(entry.error!, /451/);
    assert.equal((await server.mails()).length, 0);
    clock.tick(5_000);
    await dispatcher.idle();
    [entry] = dispatcher.listNotifications({ limit: 1 });
    assert.equal(entry.status, "sent");
    assert.equal(entry.attempts, 2);
    assert.equal((await server.mails()).length, 1);
  } finally {
    await dispatcher.close();
    channel.close();
    await server.stop();
  }
});

Deno.test("EmailChannel does not retry an SMTP 550", async () => {
  const server = await startSmtpServer({ rejectFirst: 5, rejectCode: 550 });
  const channel = mailChannel(server.port);
  const { dispatcher, clock } = dispatcherFor(channel);
  try {
    dispatcher.notify(alert());
    await dispatcher.idle();
    clock.tick(60 * 60_000);
    await dispatcher.idle();
    const [entry] = dispatcher.listNotifications({ limit: 1 });
    assert.equal(entry.status, "failed");
    assert.equal(entry.attempts, 1);
    assert.match(entry.error!, /550/);
  } finally {
    await dispatcher.close();
    channel.close();
    await server.stop();
  }
});

Deno.test("EmailChannel reports an SMTP server that is not there as retryable", async () => {
  const channel = mailChannel(await freePort());
  try {
    const outcome = await channel.send({ kind: "alert", alert: alert() }, {
      deliveryId: "1",
      attempt: 1,
    });
    assert.equal(outcome.status, "retryable");
    assert.match(
      (outcome as { error: string }).error,
      /^SMTP (ESOCKET|ECONNECTION): .*ECONNREFUSED/,
    );
  } finally {
    channel.close();
  }
});

Deno.test("EmailChannel recipients get one storm digest mail instead of 25 mails", async () => {
  const server = await startSmtpServer();
  const channel = mailChannel(server.port);
  const { dispatcher, clock } = dispatcherFor(channel, {
    storm: { threshold: 10, windowMs: 60_000, groupWaitMs: 60_000 },
  });
  try {
    for (let i = 1; i <= 25; i++) {
      dispatcher.notify(alert({
        alertId: `a-${i}`,
        machine: `press-${String(i).padStart(2, "0")}`,
        at: clock.now(),
        link: `https://millwright.example/alerts/a-${i}`,
      }));
      clock.tick(1_000);
    }
    clock.tick(120_000);
    await dispatcher.idle();
    const mails = await server.mails();
    assert.equal(mails.length, 1);
    assert.equal(mails[0].subject, "[STORM] 25 alert changes in factory demo within a minute");
    for (let i = 1; i <= 25; i++) {
      assert.match(mails[0].text!, new RegExp(`/alerts/a-${i}\\r?\\n`), `lists a-${i}`);
      assert.ok(mails[0].html!.includes(`href="https://millwright.example/alerts/a-${i}"`));
    }
  } finally {
    await dispatcher.close();
    channel.close();
    await server.stop();
  }
});
