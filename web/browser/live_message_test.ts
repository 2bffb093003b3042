import assert from "node:assert/strict";
import { parseLiveFrame, parseLiveMessage } from "./live_message.ts";

Deno.test("parseLiveMessage reads each event type of the live socket", () => {
  const events = [
    { type: "hello", serverTime: 10, factory: "f1" },
    { type: "telemetry", factory: "f", machine: "m", ts: 1, values: { a: 1 }, anomalous: ["a"] },
    {
      type: "anomaly",
      factory: "f",
      machine: "m",
      ts: 1,
      metric: "a",
      value: 9,
      reason: "sigma",
      score: 4,
      expected: { low: 0, high: 2 },
    },
    {
      type: "status",
      factory: "f",
      machine: "m",
      ts: 1,
      status: "stale",
      previous: null,
      reason: "",
    },
    { type: "supervision", factory: "f", machine: "m", ts: 1, decision: "restart", reason: "" },
    { type: "registered", factory: "f", machine: "m", ts: 1, metrics: [] },
    {
      type: "prediction",
      factory: "f",
      machine: "m",
      ts: 1,
      machineType: "press",
      modelVersion: 2,
      class: "bearing",
      confidence: 0.7,
      top: [{ class: "bearing", p: 0.7 }],
      trigger: "periodic",
    },
  ];
  for (const event of events) {
    const parsed = parseLiveMessage(JSON.stringify(event));
    assert.equal(parsed.kind, "message", JSON.stringify(parsed));
  }
  assert.deepEqual(parseLiveMessage(JSON.stringify(events[0])), {
    kind: "message",
    message: { type: "hello", serverTime: 10 },
  });
});

Deno.test("parseLiveMessage ignores types it does not know and rejects malformed ones", () => {
  assert.deepEqual(parseLiveMessage('{"type":"heartbeat"}'), {
    kind: "ignored",
    type: "heartbeat",
  });
  assert.deepEqual(parseLiveMessage("not json"), { kind: "invalid", reason: "not JSON" });
  assert.deepEqual(parseLiveMessage("[1]"), { kind: "invalid", reason: "no 'type' field" });
  assert.deepEqual(
    parseLiveMessage('{"type":"telemetry","factory":"f","machine":"m","ts":1,"values":{"a":null}}'),
    { kind: "invalid", reason: "telemetry: a value is not a finite number" },
  );
  assert.deepEqual(
    parseLiveMessage('{"type":"status","factory":"f","machine":"m","ts":1,"status":"on fire"}'),
    { kind: "invalid", reason: "status: unknown status" },
  );
  assert.deepEqual(
    parseLiveMessage(
      '{"type":"prediction","factory":"f","machine":"m","ts":1,"class":"bearing","modelVersion":2,"top":[]}',
    ),
    { kind: "invalid", reason: "prediction: no numeric confidence" },
  );
});

Deno.test("parseLiveMessage defaults a missing anomalous list to none", () => {
  const parsed = parseLiveMessage(
    '{"type":"telemetry","factory":"f","machine":"m","ts":1,"values":{"a":1}}',
  );
  assert.equal(parsed.kind, "message");
  assert.deepEqual(
    parsed.kind === "message" && parsed.message.type === "telemetry" && parsed.message.anomalous,
    [],
  );
});

Deno.test("parseLiveMessage takes forecasts with a horizon and defaults their crossings", () => {
  const parsed = parseLiveMessage(JSON.stringify({
    type: "forecast",
    factory: "f1",
    machine: "m1",
    ts: 1,
    metric: "temp",
    horizon: [{ ts: 2, mean: 1, low: 0, high: 2 }],
  }));
  assert.equal(parsed.kind, "message");
  assert.deepEqual((parsed as { message: { crossings: unknown } }).message.crossings, []);
  assert.equal(
    parseLiveMessage(JSON.stringify({ type: "forecast", factory: "f1", machine: "m1", ts: 1 }))
      .kind,
    "invalid",
  );
});

Deno.test("parseLiveFrame checks each event of an array frame and takes a single event too", () => {
  const telemetry = { type: "telemetry", factory: "f", machine: "m", ts: 1, values: { a: 1 } };
  assert.deepEqual(
    parseLiveFrame(JSON.stringify([
      { type: "hello", serverTime: 3, batch: true },
      telemetry,
      { type: "heartbeat" },
      { type: "status", factory: "f", machine: "m", ts: 1, status: "on fire" },
      null,
    ])),
    [
      { kind: "message", message: { type: "hello", serverTime: 3 } },
      { kind: "message", message: { ...telemetry, anomalous: [] } },
      { kind: "ignored", type: "heartbeat" },
      { kind: "invalid", reason: "status: unknown status" },
      { kind: "invalid", reason: "no 'type' field" },
    ],
  );
  assert.deepEqual(parseLiveFrame(JSON.stringify(telemetry)), [
    { kind: "message", message: { ...telemetry, anomalous: [] } },
  ]);
  assert.deepEqual(parseLiveFrame("[]"), []);
  assert.deepEqual(parseLiveFrame("[1"), [{ kind: "invalid", reason: "not JSON" }]);
});
