import assert from "node:assert/strict";
import { decodeLineProtocol } from "../../ingest/mod.ts";
import { summarizeTelemetryLines, toTelemetryLines } from "./telemetry_lines.ts";

Deno.test("toTelemetryLines groups a machine's metrics of one instant into one line", () => {
  const { lines, points } = toTelemetryLines([
    { factory: "f", machine: "m", metric: "temp", ts: 1_000, value: 21.5 },
    { factory: "f", machine: "n", metric: "temp", ts: 1_000, value: 3 },
    { factory: "f", machine: "m", metric: "rpm", ts: 1_000, value: 900 },
    { factory: "f", machine: "m", metric: "temp", ts: 1_000, value: 22 }, // last write wins
    { factory: "f", machine: "m", metric: "temp", ts: 2_000, value: -0.25 },
  ]);
  assert.deepEqual(lines, [
    "telemetry,factory=f,machine=m temp=22,rpm=900 1000000000",
    "telemetry,factory=f,machine=n temp=3 1000000000",
    "telemetry,factory=f,machine=m temp=-0.25 2000000000",
  ]);
  assert.equal(points, 4);
});

Deno.test("toTelemetryLines output reads back through the ingest decoder", () => {
  const { lines } = toTelemetryLines([
    {
      factory: "plant.1",
      machine: "press_07-a",
      metric: "oil.temp",
      ts: 1_714_564_800_123,
      value: 1e-7,
    },
  ]);
  const { points, rejections } = decodeLineProtocol(lines.join("\n"), {}, {
    receivedAt: 1_714_564_800_123,
  });
  assert.deepEqual(rejections, []);
  assert.deepEqual(points, [{
    factory: "plant.1",
    machine: "press_07-a",
    ts: 1_714_564_800_123,
    metrics: { "oil.temp": 1e-7 },
  }]);
});

Deno.test("summarizeTelemetryLines counts values and time span per machine", () => {
  const summary = summarizeTelemetryLines([
    "telemetry,factory=f,machine=m a=1,b=2 5000000",
    "telemetry,factory=f,machine=n a=1 7000000",
    "telemetry,factory=f,machine=m a=3 3000000",
    "something else entirely",
  ]);
  assert.deepEqual(summary, {
    machines: [
      { factory: "f", machine: "m", points: 3, from: 3, to: 5 },
      { factory: "f", machine: "n", points: 1, from: 7, to: 7 },
    ],
    unknown: 1,
  });
});
