import assert from "node:assert/strict";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { NotificationLog } from "./notification_log.ts";
import { testAlert } from "./_test_alert.ts";

function fixture() {
  const log = new NotificationLog(openMetadataDb(":memory:"));
  const a = log.addAlert(testAlert({ alertId: "a-1" }), "mail", 1_000, { status: "pending" });
  const b = log.addAlert(testAlert({ alertId: "a-1" }), "slack", 1_000, { status: "pending" });
  const c = log.addAlert(testAlert({ alertId: "a-2" }), "mail", 2_000, {
    status: "held",
    holdReason: "storm",
  });
  return { log, a, b, c };
}

Deno.test("NotificationLog.listNotifications filters by alert, status, channel and time, newest first", () => {
  const { log, a, b, c } = fixture();
  log.update(a, { status: "sent", attempts: 1, sentAt: 1_500 }, 1_500);
  const ids = (q: Parameters<typeof log.listNotifications>[0]) =>
    log.listNotifications(q).map((e) => e.id);
  assert.deepEqual(ids({ limit: 10 }), [c, b, a]);
  assert.deepEqual(ids({ alertId: "a-1", limit: 10 }), [b, a]);
  assert.deepEqual(ids({ status: "sent", limit: 10 }), [a]);
  assert.deepEqual(ids({ channel: "mail", limit: 10 }), [c, a]);
  assert.deepEqual(ids({ since: 2_000, limit: 10 }), [c]);
  assert.deepEqual(ids({ alertId: "a-1", status: "pending", limit: 10 }), [b]);
  assert.deepEqual(ids({ limit: 1 }), [c]);
  const [sent] = log.listNotifications({ status: "sent", limit: 1 });
  assert.deepEqual(sent, {
    id: a,
    kind: "alert",
    alertId: "a-1",
    factory: "demo",
    channel: "mail",
    transition: "raised",
    severity: "high",
    status: "sent",
    attempts: 1,
    createdAt: 1_000,
    updatedAt: 1_500,
    sentAt: 1_500,
  });
});

Deno.test("NotificationLog links digested alerts to their digest and lists the digest's alerts", () => {
  const { log, c } = fixture();
  const alert = testAlert({ alertId: "a-2" });
  const digest = log.addDigest(
    {
      kind: "digest",
      reason: "storm",
      factory: "demo",
      alerts: [alert],
      from: alert.at,
      to: alert.at,
      sentIndividually: 0,
    },
    "mail",
    3_000,
  );
  log.update([c], { status: "digested", digestId: digest }, 3_000);
  const [row] = log.listNotifications({ alertId: "a-2", limit: 1 });
  assert.equal(row.digestId, digest);
  const [digestRow] = log.listNotifications({ since: 3_000, limit: 1 });
  assert.equal(digestRow.kind, "digest");
  assert.deepEqual(digestRow.alertIds, ["a-2"]);
  assert.equal(digestRow.holdReason, "storm");
});

Deno.test("NotificationLog.unfinished returns pending, retrying and held rows with their messages", () => {
  const { log, a, b, c } = fixture();
  log.update(a, { status: "sent" }, 1_200);
  log.update(b, { status: "retrying", attempts: 1, nextAttemptAt: 6_000 }, 1_200);
  const rows = log.unfinished();
  assert.deepEqual(rows.map((r) => r.entry.id), [b, c]);
  assert.ok("alert" in rows[0] && rows[0].alert.alertId === "a-1");
  assert.equal(rows[0].entry.nextAttemptAt, 6_000);
});

Deno.test("NotificationLog.listNotifications rejects a bad limit or status", () => {
  const { log } = fixture();
  assert.throws(
    () => log.listNotifications({ limit: 0 }),
    /'limit' must be an integer 1\.\.1000: current value is 0/,
  );
  assert.throws(
    () => log.listNotifications({ status: "lost" as "sent", limit: 5 }),
    /'status' must be one of pending, retrying, sent, failed, held, digested, dropped: current value is 'lost'/,
  );
});

Deno.test("NotificationLog filters by factory, quiet-hours summaries of one factory included", () => {
  const { log, a, b, c } = fixture();
  const other = log.addAlert(testAlert({ alertId: "a-9", factory: "plant-2" }), "p2", 3_000, {
    status: "pending",
  });
  const alerts = [testAlert({ alertId: "a-9", factory: "plant-2" })];
  const summary = log.addDigest(
    { kind: "digest", reason: "quiet_hours", alerts, from: 0, to: 0, sentIndividually: 0 },
    "p2",
    4_000,
  );
  const ids = (factory: string) => log.listNotifications({ factory, limit: 10 }).map((e) => e.id);
  assert.deepEqual(ids("demo"), [c, b, a]);
  assert.deepEqual(ids("plant-2"), [summary, other]);
});

Deno.test("NotificationLog.hasTransition tells whether an alert's transition was taken in", () => {
  const { log } = fixture();
  assert.equal(log.hasTransition("a-1", "raised"), true);
  assert.equal(log.hasTransition("a-1", "cleared"), false);
  assert.equal(log.hasTransition("a-3", "raised"), false);
});
