import assert from "node:assert/strict";
import { startHttpReceiver } from "../../tests/support/http_receiver.ts";
import { TeamsChannel, teamsPayload } from "./teams_channel.ts";
import { testAlert } from "./_test_alert.ts";

Deno.test("TeamsChannel posts a message with one Adaptive Card", async () => {
  const receiver = startHttpReceiver(() => new Response(null, { status: 202 }));
  try {
    const channel = new TeamsChannel({
      id: "ops-teams",
      url: `${receiver.url}/workflows/abc`,
      timeZone: "Europe/Berlin",
    });
    const alert = testAlert({ severity: "critical", transition: "flapping" });
    assert.deepEqual(
      await channel.send({ kind: "alert", alert }, { deliveryId: "1", attempt: 1 }),
      {
        status: "sent",
      },
    );
    const body = JSON.parse(receiver.requests[0].body);
    assert.equal(body.type, "message");
    assert.equal(body.attachments.length, 1);
    const [attachment] = body.attachments;
    assert.equal(attachment.contentType, "application/vnd.microsoft.card.adaptive");
    const card = attachment.content;
    assert.equal(card.type, "AdaptiveCard");
    assert.equal(card.version, "1.4");
    assert.equal(card.$schema, "http://adaptivecards.io/schemas/adaptive-card.json");
    assert.equal(card.body[0].type, "TextBlock");
    assert.equal(card.body[0].text, "[CRITICAL] Flapping: Oil too hot — press-01 (demo)");
    assert.equal(card.body[0].color, "Attention");
    const facts = card.body.find((b: { type: string }) => b.type === "FactSet").facts;
    assert.deepEqual(facts.find((f: { title: string }) => f.title === "At"), {
      title: "At",
      value: "2026-05-04 12:00:00 Europe/Berlin",
    });
    assert.match(JSON.stringify(card.body), /further notifications for it are held/);
    assert.deepEqual(card.actions, [{
      type: "Action.OpenUrl",
      title: "Open alert",
      url: alert.link,
    }]);
  } finally {
    await receiver.close();
  }
});

Deno.test("teamsPayload lists a quiet-hours summary as facts", () => {
  const alerts = [
    testAlert({ alertId: "a-1" }),
    testAlert({ alertId: "a-2", transition: "cleared" }),
  ];
  const payload = teamsPayload({
    kind: "digest",
    reason: "quiet_hours",
    alerts,
    from: alerts[0].at,
    to: alerts[1].at,
    sentIndividually: 0,
  }, "UTC");
  const card = payload.attachments[0].content as {
    body: Array<{ type: string; facts?: unknown[]; text?: string }>;
  };
  assert.equal(card.body[0].text, "Quiet-hours summary: 2 alert changes held");
  assert.equal(card.body[1].facts!.length, 2);
  assert.match(JSON.stringify(card.body[1].facts![1]), /cleared on press-01/);
});
