import assert from "node:assert/strict";
import { startHttpReceiver, statusSequence } from "../../tests/support/http_receiver.ts";
import { smsText, TWILIO_BODY_LIMIT, TwilioChannel } from "./twilio_channel.ts";
import { testAlert } from "./_test_alert.ts";

const credentials = { accountSid: "AC0123456789abcdef", authToken: "tok3n" };
const context = { deliveryId: "9", attempt: 1 };

Deno.test("TwilioChannel posts a form-encoded SMS with basic auth to the Messages resource", async () => {
  const receiver = startHttpReceiver(() =>
    Response.json({ sid: "SM1", status: "queued" }, { status: 201 })
  );
  try {
    const channel = new TwilioChannel({
      id: "oncall-sms",
      ...credentials,
      from: "+15017122661",
      to: "+4915112345678",
      baseUrl: receiver.url,
    });
    assert.equal(channel.kind, "sms");
    const outcome = await channel.send({ kind: "alert", alert: testAlert() }, context);
    assert.deepEqual(outcome, { status: "sent" });
    const [request] = receiver.requests;
    assert.equal(request.method, "POST");
    assert.equal(request.path, "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json");
    assert.equal(request.headers.get("content-type"), "application/x-www-form-urlencoded");
    assert.equal(request.headers.get("authorization"), `Basic ${btoa("AC0123456789abcdef:tok3n")}`);
    const form = new URLSearchParams(request.body);
    assert.equal(form.get("To"), "+4915112345678");
    assert.equal(form.get("From"), "+15017122661");
    assert.equal(
      form.get("Body"),
      "[HIGH] Raised: Oil too hot — press-01 (demo). oil_temp 82.5 > 80 for 10 min https://millwright.example/alerts/a-17",
    );
  } finally {
    await receiver.close();
  }
});

Deno.test("TwilioChannel sends WhatsApp with whatsapp: addresses", async () => {
  const receiver = startHttpReceiver(() => Response.json({ sid: "SM2" }, { status: 201 }));
  try {
    const channel = new TwilioChannel({
      id: "oncall-wa",
      ...credentials,
      from: "+14155238886",
      to: "+4915112345678",
      whatsapp: true,
      baseUrl: `${receiver.url}/`,
    });
    assert.equal(channel.kind, "whatsapp");
    await channel.send({ kind: "alert", alert: testAlert() }, context);
    const form = new URLSearchParams(receiver.requests[0].body);
    assert.equal(form.get("To"), "whatsapp:+4915112345678");
    assert.equal(form.get("From"), "whatsapp:+14155238886");
  } finally {
    await receiver.close();
  }
});

Deno.test("TwilioChannel treats a bad number as permanent and 429/5xx as retryable", async () => {
  const receiver = startHttpReceiver(statusSequence(400, 429, 500));
  try {
    const channel = new TwilioChannel({
      id: "oncall-sms",
      ...credentials,
      from: "+15017122661",
      to: "+4915112345678",
      baseUrl: receiver.url,
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      statuses.push((await channel.send({ kind: "alert", alert: testAlert() }, context)).status);
    }
    assert.deepEqual(statuses, ["permanent", "retryable", "retryable"]);
  } finally {
    await receiver.close();
  }
});

Deno.test("smsText keeps a long digest within Twilio's body limit", () => {
  const alerts = Array.from({ length: 200 }, (_, i) => testAlert({ alertId: `a-${i}` }));
  const text = smsText({
    kind: "digest",
    reason: "storm",
    factory: "demo",
    alerts,
    from: 0,
    to: 1,
    sentIndividually: 0,
  });
  assert.equal(text.length, TWILIO_BODY_LIMIT);
  assert.ok(text.startsWith("[STORM] 200 alert changes in factory demo within a minute: press-01"));
  assert.ok(text.endsWith("…"));
});

Deno.test("TwilioChannel rejects numbers that are not E.164", () => {
  assert.throws(
    () =>
      new TwilioChannel({ id: "x", ...credentials, from: "015112345678", to: "+4915112345678" }),
    /'from' must be an E.164 number like \+15017122661: current value is '015112345678'/,
  );
});
