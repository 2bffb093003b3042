import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { freePort } from "../../tests/support/free_port.ts";
import { startHttpReceiver, statusSequence } from "../../tests/support/http_receiver.ts";
import { WebhookChannel } from "./webhook_channel.ts";
import {
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verifyWebhookSignature,
} from "./webhook_signature.ts";
import { testAlert } from "./_test_alert.ts";

const secret = "shared-s3cret";
const context = { deliveryId: "42", attempt: 1 };
const message = { kind: "alert" as const, alert: testAlert() };

Deno.test("WebhookChannel signs each POST so the receiver verifies it; a tampered body fails", async () => {
  const clock = new FakeClock(Date.parse("2026-05-04T10:00:00Z"));
  const verdicts: boolean[] = [];
  const receiver = startHttpReceiver(async (request) => {
    const verdict = await verifyWebhookSignature(secret, request, { now: clock.now() });
    verdicts.push(verdict.valid);
    return new Response(verdict.valid ? "ok" : "bad signature", {
      status: verdict.valid ? 200 : 401,
    });
  });
  try {
    const channel = new WebhookChannel({ id: "hook", url: `${receiver.url}/hook`, secret, clock });
    assert.deepEqual(await channel.send(message, context), { status: "sent" });
    assert.deepEqual(verdicts, [true]);
    const [request] = receiver.requests;
    assert.equal(request.method, "POST");
    assert.equal(request.headers.get("content-type"), "application/json");
    assert.equal(request.headers.get(DELIVERY_HEADER), "42");
    assert.equal(request.headers.get(TIMESTAMP_HEADER), String(clock.now() / 1000));
    assert.match(request.headers.get(SIGNATURE_HEADER)!, /^sha256=[0-9a-f]{64}$/);
    const body = JSON.parse(request.body);
    assert.equal(body.deliveryId, "42");
    assert.equal(body.kind, "alert");
    assert.deepEqual(body.alert, testAlert());

    const tampered = { ...request, body: request.body.replace("82.5", "18.5") };
    assert.notEqual(tampered.body, request.body);
    const verdict = await verifyWebhookSignature(secret, tampered, { now: clock.now() });
    assert.deepEqual(verdict, { valid: false, reason: "signature does not match" });

    const wrongSecret = new WebhookChannel({
      id: "hook",
      url: `${receiver.url}/hook`,
      secret: "nope",
      clock,
    });
    const outcome = await wrongSecret.send(message, context);
    assert.equal(outcome.status, "permanent");
    assert.deepEqual(verdicts, [true, false]);
  } finally {
    await receiver.close();
  }
});

Deno.test("WebhookChannel classifies receiver answers as sent, retryable or permanent", async () => {
  const clock = new FakeClock(0);
  const receiver = startHttpReceiver(statusSequence(
    204,
    503,
    { status: 429, headers: { "retry-after": "120" } },
    408,
    400,
    404,
  ));
  try {
    const channel = new WebhookChannel({ id: "hook", url: receiver.url, secret, clock });
    const outcomes = [];
    for (let i = 0; i < 6; i++) outcomes.push(await channel.send(message, context));
    assert.deepEqual(outcomes.map((o) => o.status), [
      "sent",
      "retryable",
      "retryable",
      "retryable",
      "permanent",
      "permanent",
    ]);
    assert.deepEqual(outcomes[2], {
      status: "retryable",
      error: `HTTP 429 from ${receiver.url}: scripted 429`,
      retryAfterMs: 120_000,
    });
  } finally {
    await receiver.close();
  }
});

Deno.test("WebhookChannel reports a receiver that does not answer in time as retryable", async () => {
  let release = () => {};
  const hanging = new Promise<void>((resolve) => release = resolve);
  const receiver = startHttpReceiver(async () => {
    await hanging;
    return new Response("late");
  });
  try {
    const channel = new WebhookChannel({ id: "hook", url: receiver.url, secret, timeoutMs: 50 });
    const outcome = await channel.send(message, context);
    assert.deepEqual(outcome, {
      status: "retryable",
      error: `No answer from ${receiver.url} within 50 ms`,
    });
  } finally {
    release();
    await receiver.close();
  }
});

Deno.test("WebhookChannel reports an unreachable receiver as retryable", async () => {
  const port = await freePort();
  const channel = new WebhookChannel({ id: "hook", url: `http://127.0.0.1:${port}/x`, secret });
  const outcome = await channel.send(message, context);
  assert.equal(outcome.status, "retryable");
  assert.match((outcome as { error: string }).error, /^Cannot reach http:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("WebhookChannel rejects a bad URL, an empty secret and a bad timeout up front", () => {
  assert.throws(
    () => new WebhookChannel({ id: "hook", url: "ftp://x", secret }),
    /'url' must be an absolute http or https URL/,
  );
  assert.throws(
    () => new WebhookChannel({ id: "hook", url: "http://x", secret: "" }),
    /'secret' must not be empty/,
  );
  assert.throws(
    () => new WebhookChannel({ id: "hook", url: "http://x", secret, timeoutMs: 0 }),
    /'timeoutMs' must be a positive number: current value is 0/,
  );
});

Deno.test("WebhookChannel reports an attempt its sender stopped as retryable", async () => {
  const answered = Promise.withResolvers<void>();
  const receiver = startHttpReceiver(async () => {
    await answered.promise;
    return new Response("late");
  });
  try {
    const channel = new WebhookChannel({ id: "hook", url: `${receiver.url}/hook`, secret });
    const stop = new AbortController();
    const sending = channel.send(message, { ...context, signal: stop.signal });
    stop.abort(new Error("notification dispatcher closed"));
    const outcome = await sending;
    assert.equal(outcome.status, "retryable");
    assert.match((outcome as { error: string }).error, /stopped: the sender closed/);
  } finally {
    answered.resolve();
    await receiver.close();
  }
});
