import assert from "node:assert/strict";
import { decodeJsonTelemetry } from "./json_telemetry.ts";
import { decodeLineProtocol } from "./line_protocol.ts";
import { RAW_LIMIT, type RejectReason, truncateRaw } from "./rejection.ts";
import { parseTelemetryTopic } from "./topic.ts";

Deno.test("truncateRaw keeps short text and cuts long text to the limit", () => {
  assert.equal(truncateRaw("short"), "short");
  assert.equal(truncateRaw("x".repeat(RAW_LIMIT)), "x".repeat(RAW_LIMIT));
  const cut = truncateRaw("x".repeat(RAW_LIMIT + 1));
  assert.equal(cut.length, RAW_LIMIT);
  assert.ok(cut.endsWith("…"));
});

Deno.test("truncateRaw does not split a surrogate pair", () => {
  const text = `${"x".repeat(RAW_LIMIT - 2)}🚀🚀🚀`;
  const cut = truncateRaw(text);
  assert.ok(cut.length <= RAW_LIMIT);
  assert.equal(cut, `${"x".repeat(RAW_LIMIT - 2)}…`);
});

Deno.test("every RejectReason is produced by some input", () => {
  const now = Date.UTC(2024, 4, 1);
  const ref = { factory: "demo", machine: "m" };
  const options = { receivedAt: now };
  const produced = new Map<RejectReason, string>();
  const collect = (reasons: Array<{ reason: RejectReason; message: string }>) => {
    for (const r of reasons) produced.set(r.reason, r.message);
  };
  const topic = parseTelemetryTopic("factories/demo/telemetry");
  if ("reason" in topic) collect([topic]);
  for (
    const body of [
      "{",
      "[]",
      '{"machine":"a b","metrics":{"x":1}}',
      '{"metrics":{"a b":1}}',
      '{"metrics":{"x":"1"}}',
      '{"metrics":{"x":1e400}}',
      '{"ts":"soon","metrics":{"x":1}}',
      `{"ts":${now + 3_600_000},"metrics":{"x":1}}`,
      "x".repeat(300),
    ]
  ) {
    collect(decodeJsonTelemetry(body, ref, { ...options, maxBytes: 256 }).rejections);
  }
  collect(decodeLineProtocol("cpu", ref, options).rejections);
  const all: RejectReason[] = [
    "bad_json",
    "bad_shape",
    "bad_topic",
    "bad_id",
    "bad_metric_name",
    "bad_value",
    "non_finite",
    "bad_timestamp",
    "future_timestamp",
    "payload_too_large",
    "bad_line",
  ];
  assert.deepEqual([...produced.keys()].sort(), [...all].sort());
  for (const [reason, message] of produced) assert.ok(message.length > 10, `${reason}: ${message}`);
});
