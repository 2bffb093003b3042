import assert from "node:assert/strict";
import {
  type ChannelConfig,
  channelTarget,
  maskChannelConfig,
  NotificationConfigError,
  readChannelConfig,
} from "./channel_config.ts";

const SECRET = "whsec-0123456789abcdef";
const SLACK_URL = "https://hooks.slack.com/services/T000/B000/XXXXXXXXsecret42";

function refused(input: unknown, previous?: ChannelConfig, id = "ops"): NotificationConfigError {
  try {
    readChannelConfig(id, input, previous);
  } catch (error) {
    assert.ok(error instanceof NotificationConfigError, String(error));
    return error;
  }
  assert.fail(`accepted ${JSON.stringify(input)}`);
}

Deno.test("readChannelConfig reads every kind of channel", () => {
  const inputs: unknown[] = [
    { kind: "webhook", settings: { url: "https://ops.example/hook", secret: SECRET } },
    {
      kind: "email",
      settings: { to: ["a@x.example", "b@x.example"], timeZone: "Europe/Berlin" },
      quietHours: { start: "22:00", end: "06:00", timeZone: "Europe/Berlin", policy: "drop" },
    },
    { kind: "slack", settings: { url: SLACK_URL } },
    { kind: "teams", settings: { url: "https://x.logic.azure.com/workflows/1?sig=abc" } },
    {
      kind: "twilio",
      settings: {
        accountSid: "AC123",
        authToken: "token-0123456789ab",
        from: "+15017122661",
        to: "+4915112345678",
        whatsapp: true,
      },
    },
  ];
  for (const input of inputs) {
    assert.deepEqual(readChannelConfig("ops", input), { id: "ops", ...(input as object) });
  }
  assert.deepEqual(
    readChannelConfig("ops", { kind: "email", settings: { to: "a@x.example, b@x.example" } })
      .settings,
    { to: ["a@x.example", "b@x.example"] },
    "a comma-separated string of recipients",
  );
});

Deno.test("readChannelConfig names the field and value at fault", () => {
  const table: Array<[unknown, string, RegExp]> = [
    [
      { kind: "pager", settings: {} },
      "kind",
      /'kind' must be one of webhook, .*: current value is 'pager'/,
    ],
    [
      { kind: "webhook", settings: { url: "ftp://x", secret: SECRET } },
      "settings.url",
      /'ftp:\/\/x'/,
    ],
    [{ kind: "webhook", settings: { url: "https://x.example" } }, "settings.secret", /non-empty/],
    [
      { kind: "webhook", settings: { url: "https://x", secret: SECRET, extra: 1 } },
      "settings.extra",
      /unknown fields 'extra'/,
    ],
    [{ kind: "email", settings: { to: [] } }, "settings.to", /at least one/],
    [{ kind: "email", settings: { to: ["a@x.example", "nobody"] } }, "settings.to.1", /'nobody'/],
    [
      { kind: "email", settings: { to: ["a@x.example"], timeZone: "Mars/Base" } },
      "settings.timeZone",
      /'Mars\/Base'/,
    ],
    [
      {
        kind: "twilio",
        settings: { accountSid: "AC1", authToken: "t", from: "0151", to: "+4915112345678" },
      },
      "settings.from",
      /E\.164.*'0151'/,
    ],
    [
      {
        kind: "slack",
        settings: { url: SLACK_URL },
        quietHours: { start: "25:00", end: "06:00", timeZone: "UTC" },
      },
      "quietHours.start",
      /'25:00'/,
    ],
    [
      { kind: "slack", settings: { url: SLACK_URL }, colour: "red" },
      "colour",
      /unknown fields 'colour'/,
    ],
    [{ id: "other", kind: "slack", settings: { url: SLACK_URL } }, "id", /cannot be changed/],
  ];
  for (const [input, field, message] of table) {
    const error = refused(input);
    assert.equal(error.field, field, JSON.stringify(input));
    assert.match(error.message, message);
  }
  assert.equal(
    refused({ kind: "slack", settings: { url: SLACK_URL } }, undefined, "a b").field,
    "id",
  );
});

Deno.test("readChannelConfig never echoes a secret in its errors", () => {
  const slack = refused({
    kind: "slack",
    settings: { url: "hooks.slack.com/services/T0/B0/zq8Kx3" },
  });
  assert.equal(slack.field, "settings.url");
  assert.doesNotMatch(slack.message, /zq8Kx3/);
});

Deno.test("maskChannelConfig hides secrets and an update sending the mask back keeps them", () => {
  const webhook = readChannelConfig("ops", {
    kind: "webhook",
    settings: { url: "https://ops.example/hook?team=3", secret: SECRET },
  });
  const slack = readChannelConfig("chat", { kind: "slack", settings: { url: SLACK_URL } });
  const twilio = readChannelConfig("sms", {
    kind: "twilio",
    settings: { accountSid: "AC1", authToken: "short", from: "+15017122661", to: "+4915112345678" },
  });
  const masked = [webhook, slack, twilio].map(maskChannelConfig);
  assert.equal((masked[0].settings as { secret: string }).secret, "••••cdef");
  assert.equal((masked[1].settings as { url: string }).url, "https://hooks.slack.com/••••et42");
  assert.equal((masked[2].settings as { authToken: string }).authToken, "••••");
  for (const m of masked) assert.doesNotMatch(JSON.stringify(m), /0123456789abcdef|XXXXXXXX|short/);

  assert.deepEqual(readChannelConfig("ops", masked[0], webhook), webhook);
  assert.deepEqual(readChannelConfig("chat", masked[1], slack), slack);
  assert.deepEqual(readChannelConfig("sms", masked[2], twilio), twilio);
  const { secret: _, ...withoutSecret } = webhook.settings as { secret: string; url: string };
  assert.deepEqual(
    readChannelConfig("ops", { kind: "webhook", settings: withoutSecret }, webhook),
    webhook,
    "an omitted secret is kept",
  );
  const rotated = readChannelConfig("ops", {
    kind: "webhook",
    settings: { ...withoutSecret, secret: "a-new-secret-value" },
  }, webhook);
  assert.equal((rotated.settings as { secret: string }).secret, "a-new-secret-value");
  assert.equal(
    refused({ kind: "webhook", settings: { ...withoutSecret, secret: "••••zzzz" } }, webhook).field,
    "settings.secret",
    "a mask that is not the stored secret's",
  );
  assert.equal(
    refused(masked[0]).field,
    "settings.secret",
    "a new channel needs the secret itself",
  );
});

Deno.test("channelTarget says where a channel delivers without secrets", () => {
  const target = (input: unknown) => channelTarget(readChannelConfig("c", input));
  assert.equal(
    target({
      kind: "webhook",
      settings: { url: "https://ops.example/hook?token=1", secret: SECRET },
    }),
    "https://ops.example/hook",
  );
  assert.equal(
    target({ kind: "email", settings: { to: ["a@x.example", "b@x.example"] } }),
    "a@x.example, b@x.example",
  );
  assert.equal(
    target({ kind: "slack", settings: { url: SLACK_URL } }),
    "https://hooks.slack.com/••••",
  );
  assert.equal(
    target({
      kind: "twilio",
      settings: { accountSid: "AC1", authToken: "t", from: "+15017122661", to: "+4915112345678" },
    }),
    "SMS to +4915112345678",
  );
});
