import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { EngineMetrics } from "../metrics.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { startHttpReceiver, statusSequence } from "../../tests/support/http_receiver.ts";
import type { AlertNotification } from "./alert_notification.ts";
import type { DeliveryContext, DeliveryOutcome } from "./delivery_outcome.ts";
import type { NotificationChannel } from "./notification_channel.ts";
import type { DigestMessage, NotificationMessage } from "./notification_message.ts";
import {
  NotificationDispatcher,
  type NotificationDispatcherOptions,
} from "./notification_dispatcher.ts";
import { NotificationLog } from "./notification_log.ts";
import { WebhookChannel } from "./webhook_channel.ts";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "./webhook_signature.ts";
import { testAlert } from "./_test_alert.ts";

/** A channel that records what it is given and answers from a script (then "sent"). */
class ScriptedChannel implements NotificationChannel {
  readonly kind = "test";
  readonly sent: Array<{ message: NotificationMessage; context: DeliveryContext }> = [];
  readonly attempts: Array<{ message: NotificationMessage; context: DeliveryContext }> = [];
  constructor(readonly id: string, readonly script: DeliveryOutcome[] = []) {}
  send(message: NotificationMessage, context: DeliveryContext): Promise<DeliveryOutcome> {
    this.attempts.push({ message, context });
    const outcome = this.script.shift() ?? { status: "sent" };
    if (outcome.status === "sent") this.sent.push({ message, context });
    return Promise.resolve(outcome);
  }
  get alerts(): AlertNotification[] {
    return this.sent.flatMap(({ message }) => message.kind === "alert" ? [message.alert] : []);
  }
  get digests(): DigestMessage[] {
    return this.sent.flatMap(({ message }) => message.kind === "digest" ? [message] : []);
  }
}

const T0 = Date.parse("2026-05-04T10:00:00Z"); // 12:00 in Berlin

function setup(
  channels: NotificationChannel[],
  options: Partial<NotificationDispatcherOptions> = {},
  start = T0,
) {
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(start);
  const metrics = new EngineMetrics();
  const log = new NotificationLog(db);
  const dispatcher = new NotificationDispatcher({
    channels,
    routing: { default: { low: ["ops"], medium: ["ops"], high: ["ops"], critical: ["ops"] } },
    log,
    metrics,
    clock,
    random: () => 0.5, // jitter contributes nothing: delays are exact
    ...options,
  });
  return { db, clock, metrics, log, dispatcher };
}

function alertN(i: number, overrides: Partial<AlertNotification> = {}): AlertNotification {
  return testAlert({
    alertId: `a-${i}`,
    machine: `press-${String(i).padStart(2, "0")}`,
    link: `https://millwright.example/alerts/a-${i}`,
    ...overrides,
  });
}

Deno.test("NotificationDispatcher retries a webhook that fails twice with 503 and logs one delivery with 3 attempts", async () => {
  const secret = "s3cret";
  const receiver = startHttpReceiver(statusSequence(503, 503));
  const clock = new FakeClock(T0);
  const hook = new WebhookChannel({ id: "ops", url: `${receiver.url}/hook`, secret, clock });
  const { dispatcher, metrics } = setup([hook], { clock });
  try {
    dispatcher.notify(testAlert());
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 1);
    let [entry] = dispatcher.listNotifications({ alertId: "a-17", limit: 10 });
    assert.equal(entry.status, "retrying");
    assert.equal(entry.attempts, 1);
    assert.equal(entry.nextAttemptAt, T0 + 5_000); // minBackoffMs · 2^0
    assert.match(entry.error!, /HTTP 503/);

    clock.tick(4_999);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 1, "no retry before the backoff ends");
    clock.tick(1);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 2);
    [entry] = dispatcher.listNotifications({ alertId: "a-17", limit: 10 });
    assert.equal(entry.nextAttemptAt, T0 + 5_000 + 10_000); // doubled

    clock.tick(10_000);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 3);
    const entries = dispatcher.listNotifications({ alertId: "a-17", limit: 10 });
    assert.equal(entries.length, 1, "one delivery, not three");
    assert.equal(entries[0].status, "sent");
    assert.equal(entries[0].attempts, 3);
    assert.equal(entries[0].sentAt, T0 + 15_000);

    // Exactly one request was accepted; all three carried the same delivery id and a valid
    // signature.
    const ids = new Set(receiver.requests.map((r) => r.headers.get("x-millwright-delivery")));
    assert.equal(ids.size, 1);
    for (const request of receiver.requests) {
      assert.ok(request.headers.get(SIGNATURE_HEADER));
      const verdict = await verifyWebhookSignature(secret, request, { now: clock.now() });
      assert.equal(verdict.valid, true);
    }
    assert.equal(await metrics.value(metrics.notificationRetries, { channel: "ops" }), 2);
    assert.equal(await metrics.value(metrics.notificationsSent, { channel: "ops" }), 1);
    assert.equal(await metrics.value(metrics.notificationsFailed, { channel: "ops" }), 0);
    clock.tick(60 * 60_000);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 3, "nothing more after success");
  } finally {
    await dispatcher.close();
    await receiver.close();
  }
});

Deno.test("NotificationDispatcher honours a 429's Retry-After instead of its own backoff", async () => {
  const receiver = startHttpReceiver(
    statusSequence({ status: 429, headers: { "Retry-After": "120" } }),
  );
  const clock = new FakeClock(T0);
  const hook = new WebhookChannel({ id: "ops", url: receiver.url, secret: "k", clock });
  const { dispatcher } = setup([hook], { clock });
  try {
    dispatcher.notify(testAlert());
    await dispatcher.idle();
    const [entry] = dispatcher.listNotifications({ limit: 1 });
    assert.equal(entry.status, "retrying");
    assert.equal(entry.nextAttemptAt, T0 + 120_000);
    clock.tick(119_999);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 1, "the 5 s backoff was not used");
    clock.tick(1);
    await dispatcher.idle();
    assert.equal(receiver.requests.length, 2);
    assert.equal(dispatcher.listNotifications({ limit: 1 })[0].status, "sent");
  } finally {
    await dispatcher.close();
    await receiver.close();
  }
});

Deno.test("NotificationDispatcher caps Retry-After at maxRetryAfterMs", async () => {
  const ops = new ScriptedChannel("ops", [{
    status: "retryable",
    error: "busy",
    retryAfterMs: 86_400_000,
  }]);
  const { dispatcher, clock } = setup([ops], { retry: { maxRetryAfterMs: 600_000 } });
  dispatcher.notify(testAlert());
  await dispatcher.idle();
  assert.equal(dispatcher.listNotifications({ limit: 1 })[0].nextAttemptAt, T0 + 600_000);
  clock.tick(600_000);
  await dispatcher.idle();
  assert.equal(ops.sent.length, 1);
});

Deno.test("NotificationDispatcher gives up after maxAttempts and does not retry permanent failures", async () => {
  const flaky = new ScriptedChannel(
    "flaky",
    Array(5).fill({ status: "retryable", error: "HTTP 503" }),
  );
  const refusing = new ScriptedChannel("refusing", [{ status: "permanent", error: "HTTP 404" }]);
  const { dispatcher, clock, metrics } = setup([flaky, refusing], {
    routing: { default: { high: ["flaky", "refusing"] } },
    retry: { maxAttempts: 3, minBackoffMs: 1_000, maxBackoffMs: 1_000, jitter: 0 },
  });
  dispatcher.notify(testAlert());
  for (let i = 0; i < 5; i++) {
    await dispatcher.idle();
    clock.tick(1_000);
  }
  await dispatcher.idle();
  assert.equal(flaky.attempts.length, 3);
  assert.equal(refusing.attempts.length, 1);
  const byChannel = Object.fromEntries(
    dispatcher.listNotifications({ status: "failed", limit: 10 }).map((e) => [e.channel, e]),
  );
  assert.equal(byChannel.flaky.attempts, 3);
  assert.equal(byChannel.flaky.error, "gave up after 3 attempts: HTTP 503");
  assert.equal(byChannel.refusing.attempts, 1);
  assert.equal(byChannel.refusing.error, "HTTP 404");
  assert.equal(await metrics.value(metrics.notificationsFailed, { channel: "flaky" }), 1);
  assert.equal(await metrics.value(metrics.notificationsFailed, { channel: "refusing" }), 1);
});

Deno.test("NotificationDispatcher spreads retries with jitter from the injected random source", async () => {
  const delays: number[] = [];
  for (const random of [() => 0, () => 0.999]) {
    const ops = new ScriptedChannel("ops", [{ status: "retryable", error: "x" }]);
    const { dispatcher } = setup([ops], { random, retry: { jitter: 0.2 } });
    dispatcher.notify(testAlert());
    await dispatcher.idle();
    delays.push(dispatcher.listNotifications({ limit: 1 })[0].nextAttemptAt! - T0);
    await dispatcher.close();
  }
  assert.deepEqual(delays, [4_000, 5_998]);
});

Deno.test("NotificationDispatcher routes by severity with per-rule overrides", async () => {
  const mail = new ScriptedChannel("mail");
  const slack = new ScriptedChannel("slack");
  const sms = new ScriptedChannel("sms");
  const { dispatcher } = setup([mail, slack, sms], {
    routing: {
      default: { medium: ["mail"], high: ["mail", "slack"], critical: ["slack", "sms"] },
      rules: { "r-quiet": { high: [] }, "r-pump": { medium: ["sms"] } },
    },
  });
  dispatcher.notify(alertN(1, { severity: "low" }));
  dispatcher.notify(alertN(2, { severity: "medium" }));
  dispatcher.notify(alertN(3, { severity: "high" }));
  dispatcher.notify(alertN(4, { severity: "critical" }));
  dispatcher.notify(alertN(5, { severity: "high", ruleId: "r-quiet" }));
  dispatcher.notify(alertN(6, { severity: "medium", ruleId: "r-pump" }));
  await dispatcher.idle();
  assert.deepEqual(mail.alerts.map((a) => a.alertId), ["a-2", "a-3"]);
  assert.deepEqual(slack.alerts.map((a) => a.alertId), ["a-3", "a-4"]);
  assert.deepEqual(sms.alerts.map((a) => a.alertId), ["a-4", "a-6"]);
});

Deno.test("NotificationDispatcher sends 25 alerts of one factory in a minute as a digest, not 25 messages", async () => {
  const ops = new ScriptedChannel("ops");
  const { dispatcher, clock, metrics, log } = setup([ops], { storm: { threshold: 10 } });
  for (let i = 1; i <= 25; i++) {
    dispatcher.notify(alertN(i, { at: clock.now() }));
    clock.tick(2_000); // 25 alerts within 50 s
  }
  await dispatcher.idle();
  // The first 10 went out before the storm was visible; the 11th opened it.
  assert.equal(ops.alerts.length, 10);
  assert.equal(ops.digests.length, 0, "the digest collects for a minute");
  clock.tick(60_000);
  await dispatcher.idle();
  assert.equal(ops.digests.length, 1);
  assert.equal(ops.sent.length, 11, "11 messages instead of 25");
  const [digest] = ops.digests;
  assert.equal(digest.reason, "storm");
  assert.equal(digest.factory, "demo");
  assert.equal(digest.sentIndividually, 10);
  assert.deepEqual(
    digest.alerts.map((a) => a.alertId),
    Array.from({ length: 15 }, (_, i) => `a-${i + 11}`),
  );
  const [row] = log.listNotifications({ alertId: "a-20", limit: 1 });
  assert.equal(row.status, "digested");
  const digestRow = log.listNotifications({ limit: 100 }).find((e) => e.id === row.digestId)!;
  assert.equal(digestRow.kind, "digest");
  assert.equal(digestRow.status, "sent");
  assert.equal(digestRow.alertIds!.length, 15);
  assert.equal(await metrics.value(metrics.notificationDigests, { reason: "storm" }), 1);
  assert.equal(await metrics.value(metrics.notificationsHeld, { reason: "storm" }), 15);
});

Deno.test("NotificationDispatcher with a group wait turns a whole storm into one digest", async () => {
  const ops = new ScriptedChannel("ops");
  const { dispatcher, clock } = setup([ops], {
    storm: { threshold: 10, windowMs: 60_000, groupWaitMs: 60_000 },
  });
  for (let i = 1; i <= 25; i++) {
    dispatcher.notify(alertN(i, { at: clock.now() }));
    clock.tick(1_000);
  }
  clock.tick(120_000);
  await dispatcher.idle();
  assert.equal(ops.sent.length, 1);
  assert.equal(ops.digests[0].alerts.length, 25);
  assert.equal(ops.digests[0].sentIndividually, 0);
});

Deno.test("NotificationDispatcher sends alerts below the storm threshold one by one", async () => {
  const ops = new ScriptedChannel("ops");
  const { dispatcher, clock } = setup([ops], { storm: { threshold: 10 } });
  for (let i = 1; i <= 10; i++) {
    dispatcher.notify(alertN(i));
    clock.tick(1_000);
  }
  // Another factory's alerts do not count towards demo's storm.
  for (let i = 11; i <= 15; i++) dispatcher.notify(alertN(i, { factory: "plant-2" }));
  clock.tick(120_000);
  await dispatcher.idle();
  assert.equal(ops.alerts.length, 15);
  assert.equal(ops.digests.length, 0);
});

Deno.test("NotificationDispatcher with a group wait sends a quiet factory's alerts one by one after the wait", async () => {
  const ops = new ScriptedChannel("ops");
  const { dispatcher, clock } = setup([ops], { storm: { groupWaitMs: 30_000 } });
  dispatcher.notify(alertN(1));
  dispatcher.notify(alertN(2));
  clock.tick(29_999);
  await dispatcher.idle();
  assert.equal(ops.sent.length, 0);
  clock.tick(1);
  await dispatcher.idle();
  assert.deepEqual(ops.alerts.map((a) => a.alertId), ["a-1", "a-2"]);
});

Deno.test("NotificationDispatcher holds non-critical alerts in quiet hours across midnight and sends one summary at their end", async () => {
  const ops = new ScriptedChannel("ops");
  const pager = new ScriptedChannel("pager");
  // 21:30 in Berlin (UTC+2): quiet 22:00–06:30 starts in 30 minutes.
  const start = Date.parse("2026-05-04T19:30:00Z");
  const { dispatcher, clock, log, metrics } = setup([ops, pager], {
    routing: { default: { medium: ["ops", "pager"], critical: ["ops"] } },
    quietHours: { ops: { start: "22:00", end: "06:30", timeZone: "Europe/Berlin" } },
  }, start);
  dispatcher.notify(alertN(1, { severity: "medium" })); // 21:30: not quiet yet
  await dispatcher.idle();
  assert.equal(ops.sent.length, 1);

  clock.set(Date.parse("2026-05-04T20:15:00Z")); // 22:15
  dispatcher.notify(alertN(2, { severity: "medium", at: clock.now() }));
  clock.set(Date.parse("2026-05-04T22:30:00Z")); // 00:30, after midnight
  dispatcher.notify(alertN(3, { severity: "medium", at: clock.now() }));
  dispatcher.notify(alertN(4, { severity: "critical", at: clock.now() }));
  await dispatcher.idle();
  assert.deepEqual(
    ops.alerts.map((a) => a.alertId),
    ["a-1", "a-4"],
    "critical bypasses quiet hours",
  );
  assert.deepEqual(
    pager.alerts.map((a) => a.alertId),
    ["a-1", "a-2", "a-3"],
    "other channels are not quiet",
  );
  const held = log.listNotifications({ channel: "ops", status: "held", limit: 10 });
  assert.deepEqual(held.map((e) => e.nextAttemptAt), [
    Date.parse("2026-05-05T04:30:00Z"),
    Date.parse("2026-05-05T04:30:00Z"),
  ]);

  clock.set(Date.parse("2026-05-05T04:29:59Z")); // 06:29:59
  await dispatcher.idle();
  assert.equal(ops.digests.length, 0);
  clock.tick(1_000); // 06:30
  await dispatcher.idle();
  assert.equal(ops.digests.length, 1);
  assert.equal(ops.digests[0].reason, "quiet_hours");
  assert.deepEqual(ops.digests[0].alerts.map((a) => a.alertId), ["a-2", "a-3"]);
  assert.equal(await metrics.value(metrics.notificationDigests, { reason: "quiet_hours" }), 1);

  dispatcher.notify(alertN(5, { severity: "medium" })); // 06:30: quiet hours are over
  await dispatcher.idle();
  assert.deepEqual(ops.alerts.map((a) => a.alertId), ["a-1", "a-4", "a-5"]);
});

Deno.test("NotificationDispatcher drops non-critical alerts in quiet hours under the drop policy", async () => {
  const ops = new ScriptedChannel("ops");
  const { dispatcher, clock, log, metrics } = setup([ops], {
    quietHours: {
      ops: { start: "11:00", end: "13:00", timeZone: "Europe/Berlin", policy: "drop" },
    },
  }); // T0 is 12:00 in Berlin
  dispatcher.notify(alertN(1, { severity: "high" }));
  clock.tick(2 * 60 * 60_000);
  await dispatcher.idle();
  assert.equal(ops.sent.length, 0);
  const [row] = log.listNotifications({ alertId: "a-1", limit: 1 });
  assert.equal(row.status, "dropped");
  assert.equal(row.holdReason, "quiet_hours");
  assert.equal(await metrics.value(metrics.notificationsDropped, { reason: "quiet_hours" }), 1);
});

Deno.test("NotificationDispatcher sends one flapping message and holds the alert until it settles", async () => {
  const ops = new ScriptedChannel("ops");
  const { dispatcher, clock, log } = setup([ops], { flapping: { settleMs: 10 * 60_000 } });
  dispatcher.notify(testAlert({ transition: "raised" }));
  dispatcher.notify(testAlert({ transition: "flapping" }));
  clock.tick(60_000);
  dispatcher.notify(testAlert({ transition: "cleared" }));
  dispatcher.notify(testAlert({ transition: "flapping" }));
  clock.tick(60_000);
  dispatcher.notify(testAlert({ transition: "raised" }));
  dispatcher.notify(testAlert({ transition: "acknowledged" })); // a person acted: passes
  clock.tick(60_000);
  dispatcher.notify(testAlert({ transition: "cleared", at: clock.now() }));
  await dispatcher.idle();
  assert.deepEqual(ops.alerts.map((a) => a.transition), ["raised", "flapping", "acknowledged"]);
  clock.tick(10 * 60_000 - 1);
  await dispatcher.idle();
  assert.equal(ops.sent.length, 3, "still flapping");
  clock.tick(1);
  await dispatcher.idle();
  assert.deepEqual(ops.alerts.map((a) => a.transition), [
    "raised",
    "flapping",
    "acknowledged",
    "cleared",
  ], "the settled state is sent");
  const dropped = log.listNotifications({ status: "dropped", limit: 10 });
  assert.equal(dropped.length, 4);
  assert.ok(dropped.every((e) => e.holdReason === "flapping"));
});

Deno.test("NotificationDispatcher resumes retries and held summaries after a restart", async () => {
  const first = new ScriptedChannel("ops", [{ status: "retryable", error: "HTTP 503" }]);
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(Date.parse("2026-05-04T19:59:58Z")); // 21:59:58 Berlin
  const options = {
    routing: { default: { medium: ["ops"] } },
    quietHours: { ops: { start: "22:00", end: "06:30", timeZone: "Europe/Berlin" } },
    log: new NotificationLog(db),
    metrics: new EngineMetrics(),
    clock,
    random: () => 0.5,
  };
  const before = new NotificationDispatcher({ ...options, channels: [first] });
  before.notify(alertN(1, { severity: "medium" })); // fails; retry due at 22:00:03
  await before.idle();
  clock.tick(2_000); // 22:00:00, quiet
  before.notify(alertN(2, { severity: "medium" }));
  await before.close();
  assert.equal(first.sent.length, 0);
  clock.tick(10_000); // the engine was down past the retry's due time

  const second = new ScriptedChannel("ops");
  const after = new NotificationDispatcher({ ...options, channels: [second] });
  assert.equal(after.resume(), 2);
  await after.idle();
  assert.deepEqual(second.alerts.map((a) => a.alertId), ["a-1"], "the overdue retry runs at once");
  const [row] = after.listNotifications({ alertId: "a-1", limit: 1 });
  assert.equal(row.status, "sent");
  assert.equal(row.attempts, 2);
  clock.set(Date.parse("2026-05-05T04:30:00Z"));
  await after.idle();
  assert.deepEqual(second.digests.map((d) => d.alerts.map((a) => a.alertId)), [["a-2"]]);
  assert.equal(second.sent.length, 2);
  await after.close();
});

Deno.test("NotificationDispatcher logs a channel that throws as failed and reports it", async () => {
  const errors: unknown[] = [];
  const broken: NotificationChannel = {
    id: "ops",
    kind: "test",
    send: () => Promise.reject(new Error("bug in channel")),
  };
  const { dispatcher } = setup([broken], { onChannelError: (error) => errors.push(error) });
  dispatcher.notify(testAlert());
  await dispatcher.idle();
  const [row] = dispatcher.listNotifications({ limit: 1 });
  assert.equal(row.status, "failed");
  assert.equal(row.error, "channel threw: bug in channel");
  assert.equal(errors.length, 1);
});

Deno.test("NotificationDispatcher rejects unknown channels, duplicate ids and bad policies up front", () => {
  const ops = new ScriptedChannel("ops");
  assert.throws(() => setup([ops, new ScriptedChannel("ops")]), /channel id 'ops' is used twice/);
  assert.throws(
    () => setup([ops], { routing: { default: { high: ["mail"] } } }),
    /default\.high names channel 'mail', which is not configured/,
  );
  assert.throws(
    () => setup([ops], { quietHours: { mail: { start: "22:00", end: "06:00", timeZone: "UTC" } } }),
    /quiet hours given for channel 'mail'/,
  );
  assert.throws(
    () => setup([ops], { retry: { maxAttempts: 0 } }),
    /'maxAttempts' must be a positive integer/,
  );
  assert.throws(
    () => setup([ops], { storm: { threshold: -1 } }),
    /'threshold' must be a positive integer/,
  );
});

Deno.test("NotificationDispatcher refuses notifications after close", async () => {
  const { dispatcher } = setup([new ScriptedChannel("ops")]);
  await dispatcher.close();
  assert.throws(() => dispatcher.notify(testAlert()), /the dispatcher is closed/);
});
