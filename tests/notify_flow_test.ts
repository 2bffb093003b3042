/**
 * Alert notifications through the real engine: channels and routing set up
 * over the HTTP API, an `alert` event on the engine's bus, and the messages
 * arriving at Debian's aiosmtpd (mail) and a local HTTP receiver (signed
 * webhook), with the delivery log showing both sent.
 */
import assert from "node:assert/strict";
import { verifyWebhookSignature } from "../engine/notify/mod.ts";
import {
  addFactory,
  login,
  startTestEngine,
  TEST_ADMIN,
  type TestEngine,
} from "./support/test_engine.ts";
import { startHttpReceiver } from "./support/http_receiver.ts";
import { startSmtpServer } from "./support/smtp_server.ts";
import { waitFor } from "./support/wait_for.ts";

const SECRET = "whsec-flow-0123456789abcdef";

/** Calls the API as the super admin. */
async function call(mw: TestEngine, path: string, method: string, body?: unknown) {
  const response = await mw.api(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? null : JSON.parse(text) };
}

Deno.test("an alert raised in the engine reaches a real SMTP server and a signed webhook", async () => {
  const smtp = await startSmtpServer();
  const verdicts: boolean[] = [];
  const receiver = startHttpReceiver(async (request) => {
    const verdict = await verifyWebhookSignature(SECRET, request, { now: Date.now() });
    verdicts.push(verdict.valid);
    return new Response(verdict.valid ? "ok" : "bad signature", {
      status: verdict.valid ? 200 : 401,
    });
  });
  const dataDir = await Deno.makeTempDir({ prefix: "millwright-notify-" });
  const mw = await startTestEngine(dataDir, {
    SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
    SMTP_FROM: "Millwright <alerts@factory.example>",
  });
  try {
    await addFactory(mw, "plant-1");
    const api = "/api/v1/factories/plant-1/notifications";
    const mail = await call(mw, `${api}/channels`, "POST", {
      id: "ops-mail",
      kind: "email",
      settings: { to: ["maintenance@factory.example"], timeZone: "Europe/Berlin" },
    });
    assert.equal(mail.status, 201, JSON.stringify(mail.body));
    const hook = await call(mw, `${api}/channels`, "POST", {
      id: "ops-hook",
      kind: "webhook",
      settings: { url: `${receiver.url}/hooks/millwright`, secret: SECRET },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    assert.equal(hook.body.settings.secret, "••••cdef");
    const routing = await call(mw, `${api}/routing`, "PUT", {
      default: { high: ["ops-mail", "ops-hook"], critical: ["ops-mail", "ops-hook"] },
    });
    assert.equal(routing.status, 200, JSON.stringify(routing.body));

    const raisedAt = Date.now();
    const alertId = `oil-hot:press-07:${raisedAt}`;
    mw.bus.publish({
      type: "alert",
      factory: "plant-1",
      machine: "press-07",
      ts: raisedAt,
      action: "raised",
      alertId,
      ruleId: "oil-hot",
      ruleName: "Oil too hot",
      ruleVersion: 1,
      severity: "high",
      explanation: "oil_temp 82.5 > 80 for 10 min",
      values: { oil_temp: 82.5 },
    });

    await waitFor(async () => (await smtp.mails()).length >= 1, { what: "the alert e-mail" });
    await waitFor(() => receiver.requests.length >= 1, { what: "the alert webhook" });
    const [message] = await smtp.mails();
    assert.deepEqual(message.rcptTos, ["maintenance@factory.example"]);
    assert.equal(message.subject, "[HIGH] Raised: Oil too hot — press-07 (plant-1)");
    assert.match(message.from, /alerts@factory\.example/);
    const link = `${mw.url}/factories/plant-1/alerts/${encodeURIComponent(alertId)}`;
    assert.ok(message.text?.includes(link), `the mail links to ${link}:\n${message.text}`);
    assert.deepEqual(verdicts, [true], "the webhook signature verifies with the shared secret");
    const body = JSON.parse(receiver.requests[0].body);
    assert.equal(body.kind, "alert");
    assert.equal(body.alert.alertId, alertId);
    assert.equal(body.alert.link, link);

    const log = `${api}/log?alertId=${encodeURIComponent(alertId)}`;
    await waitFor(async () => {
      const { body } = await call(mw, log, "GET");
      return body.entries.length === 2 &&
        body.entries.every((e: { status: string }) => e.status === "sent");
    }, { what: "both deliveries logged as sent" });
    const { body: logged } = await call(mw, log, "GET");
    assert.deepEqual(
      logged.entries.map((e: { channel: string; attempts: number }) => [e.channel, e.attempts])
        .sort(),
      [["ops-hook", 1], ["ops-mail", 1]],
    );

    // The page as a browser signed in as the admin asks for it: with the session cookie.
    const { cookie } = await login(mw.url, TEST_ADMIN.email, TEST_ADMIN.password);
    const page = await fetch(`${mw.url}/factories/plant-1/notifications`, {
      headers: { cookie: `${cookie.name}=${cookie.value}` },
    });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /ops-mail/);
    assert.match(html, /maintenance@factory\.example/);
    assert.ok(!html.includes(SECRET), "the page never shows the webhook secret");
  } finally {
    await mw.stop();
    await receiver.close();
    await smtp.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
