import assert from "node:assert/strict";
import { parseTelemetryTopic } from "./topic.ts";

Deno.test("parseTelemetryTopic reads factory and machine", () => {
  assert.deepEqual(parseTelemetryTopic("factories/demo/machines/press-01/telemetry"), {
    factory: "demo",
    machine: "press-01",
  });
  assert.deepEqual(parseTelemetryTopic("factories/A_b.9/machines/x/telemetry"), {
    factory: "A_b.9",
    machine: "x",
  });
});

Deno.test("parseTelemetryTopic rejects other shapes as bad_topic", () => {
  const table = [
    "factories/demo/machines/press-01",
    "factories/demo/machines/press-01/telemetry/extra",
    "factory/demo/machines/press-01/telemetry",
    "factories/demo/devices/press-01/telemetry",
    "factories/demo/machines/press-01/status",
    "/factories/demo/machines/press-01/telemetry",
    "",
  ];
  for (const topic of table) {
    const result = parseTelemetryTopic(topic);
    assert.ok("reason" in result, topic);
    assert.equal(result.reason, "bad_topic", topic);
    assert.match(result.message, /factories\/\{factory\}\/machines\/\{machine\}\/telemetry/);
    assert.equal(result.raw, topic);
  }
});

Deno.test("parseTelemetryTopic rejects invalid ids as bad_id and keeps the valid one", () => {
  const table: Array<[string, RegExp, { factory?: string; machine?: string }]> = [
    ["factories/demo/machines/press 01/telemetry", /invalid machine id 'press 01'/, {
      factory: "demo",
    }],
    ["factories//machines/m/telemetry", /invalid factory id ''/, { machine: "m" }],
    [`factories/${"f".repeat(65)}/machines/m/telemetry`, /invalid factory id 'f{63}…'/, {
      machine: "m",
    }],
    ["factories/dé/machines/m/telemetry", /invalid factory id 'dé'/, { machine: "m" }],
  ];
  for (const [topic, message, ref] of table) {
    const result = parseTelemetryTopic(topic);
    assert.ok("reason" in result, topic);
    assert.equal(result.reason, "bad_id", topic);
    assert.match(result.message, message, topic);
    assert.deepEqual({ factory: result.factory, machine: result.machine }, {
      factory: ref.factory,
      machine: ref.machine,
    });
  }
});
