import assert from "node:assert/strict";
import { startHttpReceiver, statusSequence } from "../../tests/support/http_receiver.ts";
import { SLACK_DIGEST_LIST_LIMIT, SlackChannel, slackPayload } from "./slack_channel.ts";
import { testAlert } from "./_test_alert.ts";

const context = { deliveryId: "7", attempt: 1 };

Deno.test("SlackChannel posts text and Block Kit blocks to the incoming webhook", async () => {
  const receiver = startHttpReceiver();
  try {
    const channel = new SlackChannel({ id: "ops-slack", url: `${receiver.url}/services/T/B/x` });
    const alert = testAlert({ explanation: "oil_temp 82.5 > 80 & rising <fast>" });
    assert.deepEqual(await channel.send({ kind: "alert", alert }, context), { status: "sent" });
    const [request] = receiver.requests;
    assert.equal(request.path, "/services/T/B/x");
    assert.equal(request.headers.get("content-type"), "application/json");
    const body = JSON.parse(request.body);
    assert.equal(body.text, "[HIGH] Raised: Oil too hot — press-01 (demo)");
    assert.deepEqual(body.blocks.map((b: { type: string }) => b.type), [
      "header",
      "section",
      "context",
      "actions",
    ]);
    assert.equal(body.blocks[0].text.type, "plain_text");
    assert.equal(
      body.blocks[1].text.text,
      "*Why:* oil_temp 82.5 &gt; 80 &amp; rising &lt;fast&gt;",
    );
    assert.deepEqual(body.blocks[1].fields[0], { type: "mrkdwn", text: "*Severity*\nhigh" });
    assert.equal(body.blocks[3].elements[0].type, "button");
    assert.equal(body.blocks[3].elements[0].url, alert.link);
  } finally {
    await receiver.close();
  }
});

Deno.test("slackPayload lists a digest's alerts up to the block limit", () => {
  const alerts = Array.from(
    { length: 30 },
    (_, i) => testAlert({ alertId: `a-${i}`, link: `https://x/a-${i}` }),
  );
  const payload = slackPayload({
    kind: "digest",
    reason: "storm",
    factory: "demo",
    alerts,
    from: alerts[0].at,
    to: alerts[29].at,
    sentIndividually: 10,
  }, "UTC");
  assert.equal(payload.text, "[STORM] 30 alert changes in factory demo within a minute");
  const sections = payload.blocks.filter((b) => b.type === "section");
  assert.equal(sections.length, SLACK_DIGEST_LIST_LIMIT);
  assert.match(JSON.stringify(sections[0]), /<https:\/\/x\/a-0\|Oil too hot>/);
  assert.match(
    JSON.stringify(payload.blocks.at(-1)),
    /and 10 more\. 10 earlier ones were sent one by one/,
  );
  assert.ok(payload.blocks.length <= 50, "Slack accepts at most 50 blocks");
});

Deno.test("SlackChannel reports Slack's rate limit as retryable with its Retry-After", async () => {
  const receiver = startHttpReceiver(
    statusSequence({ status: 429, headers: { "retry-after": "30" } }),
  );
  try {
    const channel = new SlackChannel({ id: "ops-slack", url: receiver.url });
    const outcome = await channel.send({ kind: "alert", alert: testAlert() }, context);
    assert.equal(outcome.status, "retryable");
    assert.equal((outcome as { retryAfterMs?: number }).retryAfterMs, 30_000);
  } finally {
    await receiver.close();
  }
});
