import assert from "node:assert/strict";
import { FakeClock } from "./fake_clock.ts";
import { DeadLetterFile } from "./ingest/mod.ts";
import { type DeliveryResult, Ingestor } from "./ingestor.ts";
import { EngineMetrics } from "./metrics.ts";
import type { TelemetryPoint } from "./telemetry.ts";

async function setup(answer: (p: TelemetryPoint) => DeliveryResult = () => "accepted") {
  const dir = await Deno.makeTempDir();
  const clock = new FakeClock(1_800_000_000_000);
  const metrics = new EngineMetrics();
  const deadLetter = new DeadLetterFile(`${dir}/dead-letter.jsonl`);
  const delivered: TelemetryPoint[] = [];
  const ingestor = new Ingestor((p) => {
    delivered.push(p);
    return answer(p);
  }, { clock, metrics, deadLetter });
  const deadLetters = async () => {
    await deadLetter.flush();
    const text = await Deno.readTextFile(deadLetter.path).catch(() => "");
    return text.split("\n").filter((l) => l !== "").map((l) => JSON.parse(l));
  };
  const close = async () => {
    await deadLetter.close();
    await Deno.remove(dir, { recursive: true });
  };
  return { clock, metrics, ingestor, delivered, deadLetters, close };
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

Deno.test("Ingestor routes a valid MQTT publish to its machine and counts it", async () => {
  const { ingestor, delivered, metrics, clock, close } = await setup();
  ingestor.ingestMqtt(
    "factories/demo/machines/press-01/telemetry",
    encode({ metrics: { oil: 41.5, on: true } }),
  );
  assert.deepEqual(delivered, [{
    factory: "demo",
    machine: "press-01",
    ts: clock.now(),
    metrics: { oil: 41.5, on: 1 },
  }]);
  assert.equal(await metrics.value(metrics.ingestPoints, { source: "mqtt" }), 1);
  assert.equal(await metrics.value(metrics.ingestMessages, { source: "mqtt" }), 1);
  await close();
});

Deno.test("Ingestor takes the points of a publish decoded in the MQTT worker, counted alike", async () => {
  const { ingestor, delivered, metrics, close } = await setup();
  const points = [
    { factory: "demo", machine: "press-01", ts: 1, metrics: { oil: 41.5 } },
    { factory: "demo", machine: "press-01", ts: 2, metrics: { oil: 41.6 } },
  ];
  ingestor.ingestMqttPoints(points);
  assert.deepEqual(delivered, points);
  assert.equal(await metrics.value(metrics.ingestPoints, { source: "mqtt" }), 2);
  assert.equal(await metrics.value(metrics.ingestMessages, { source: "mqtt" }), 1);
  assert.deepEqual(ingestor.limits, { maxBytes: 256 * 1024, maxFutureMs: 300_000 });
  ingestor.close();
  ingestor.ingestMqttPoints(points);
  assert.equal(delivered.length, 2, "nothing after close");
  await close();
});

Deno.test("Ingestor rejects a bad topic and bad JSON with counted reasons and dead letters", async () => {
  const { ingestor, delivered, metrics, deadLetters, close } = await setup();
  ingestor.ingestMqtt("factories/demo/machines/a+b/telemetry", encode({ metrics: { x: 1 } }));
  ingestor.ingestMqtt("factories/demo/telemetry", encode({ metrics: { x: 1 } }));
  ingestor.ingestMqtt(
    "factories/demo/machines/press-01/telemetry",
    new TextEncoder().encode("{not json"),
  );
  assert.equal(delivered.length, 0);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_id" }), 1);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_topic" }), 1);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_json" }), 1);
  const records = await deadLetters();
  assert.deepEqual(records.map((r) => r.reason), ["bad_id", "bad_topic", "bad_json"]);
  assert.equal(records[2].source, "mqtt");
  assert.match(records[2].raw, /\{not json/);
  await close();
});

Deno.test("Ingestor refuses MQTT points that name another machine than the topic", async () => {
  const { ingestor, delivered, metrics, close } = await setup();
  ingestor.ingestMqtt(
    "factories/demo/machines/press-01/telemetry",
    encode({ points: [{ metrics: { x: 1 } }, { machine: "press-02", metrics: { x: 2 } }] }),
  );
  assert.deepEqual(delivered.map((p) => [p.machine, p.metrics.x]), [["press-01", 1]]);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_id" }), 1);
  await close();
});

Deno.test("Ingestor keeps the good points of an HTTP batch and reports the bad one", async () => {
  const { ingestor, delivered, clock, close } = await setup();
  const report = ingestor.ingestHttp({
    body: JSON.stringify({
      factory: "demo",
      machine: "cnc-01",
      points: [
        { ts: clock.now() - 1000, metrics: { rpm: 1200 } },
        { ts: clock.now(), metrics: { rpm: "fast" } },
        { ts: clock.now() + 10 * 60_000, metrics: { rpm: 1 } },
        { metrics: { rpm: 1300 } },
      ],
    }),
    contentType: "application/json",
    defaults: {},
  });
  assert.equal(report.accepted, 2);
  assert.deepEqual(report.rejected.map((r) => [r.index, r.reason]), [[1, "bad_value"], [
    2,
    "future_timestamp",
  ]]);
  assert.deepEqual(delivered.map((p) => p.metrics.rpm), [1200, 1300]);
  await close();
});

Deno.test("Ingestor reads line protocol with the machine from tags or parameters", async () => {
  const { ingestor, delivered, close } = await setup();
  const report = ingestor.ingestHttp({
    body:
      "telemetry,factory=demo,machine=f-01 temp=30.5,ph=7 1795428000000\nbroken line\ntelemetry temp=31 1795428001000",
    contentType: "text/plain",
    defaults: { factory: "demo", machine: "f-02" },
    precision: "ms",
  });
  assert.equal(report.accepted, 2);
  assert.deepEqual(report.rejected.map((r) => r.index), [2]);
  assert.deepEqual(delivered.map((p) => [p.machine, p.ts, p.metrics.temp]), [
    ["f-01", 1795428000000, 30.5],
    ["f-02", 1795428001000, 31],
  ]);
  await close();
});

Deno.test("Ingestor reports points the registry refused, and refuses all after close", async () => {
  const { ingestor, close } = await setup(() => "quarantined");
  const body = JSON.stringify({ factory: "demo", machine: "m", metrics: { x: 1 } });
  const refused = ingestor.ingestHttp({ body, contentType: "application/json", defaults: {} });
  assert.deepEqual(refused.rejected.map((r) => r.reason), ["quarantined"]);
  assert.match(refused.rejected[0].message, /quarantined/);
  ingestor.close();
  const stopped = ingestor.ingestHttp({ body, contentType: "application/json", defaults: {} });
  assert.deepEqual(stopped.rejected.map((r) => r.reason), ["stopped"]);
  await close();
});

Deno.test("Ingestor rejects as forbidden the points a credential may not write, keeps the rest", async () => {
  const { ingestor, delivered, metrics, close } = await setup();
  const report = ingestor.ingestHttp({
    body: "telemetry,factory=demo,machine=f-01 temp=30 1795428000000\n" +
      "telemetry,factory=demo,machine=f-02 temp=31 1795428000000\n" +
      "telemetry,factory=other,machine=f-01 temp=32 1795428000000",
    contentType: "text/plain",
    defaults: {},
    precision: "ms",
    allows: (ref) => ref.factory === "demo" && ref.machine === "f-01",
  });
  assert.equal(report.accepted, 1);
  assert.deepEqual(report.rejected.map((r) => [r.reason, r.factory, r.machine]), [
    ["forbidden", "demo", "f-02"],
    ["forbidden", "other", "f-01"],
  ]);
  assert.deepEqual(delivered.map((p) => [p.machine, p.metrics.temp]), [["f-01", 30]]);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "forbidden" }), 2);
  await close();
});

Deno.test("Ingestor judges a publish with its decoded text as it judges the bytes, limit included", async () => {
  const { ingestor, delivered, metrics, close } = await setup();
  const topic = "factories/demo/machines/press-01/telemetry";
  const good = JSON.stringify({ metrics: { oil: 41.5 } });
  ingestor.ingestMqtt(topic, new TextEncoder().encode(good), good);
  ingestor.ingestMqtt(topic, new TextEncoder().encode(good));
  assert.deepEqual(delivered[0], delivered[1]);
  // Over 256 KiB: refused on its bytes, text or not.
  const big = JSON.stringify({ metrics: { oil: 1 }, pad: "x".repeat(300 * 1024) });
  ingestor.ingestMqtt(topic, new TextEncoder().encode(big), big);
  assert.equal(delivered.length, 2);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "payload_too_large" }), 1);
  await close();
});

Deno.test("Ingestor remembers a topic's machine, and a bad topic stays refused each time", async () => {
  const { ingestor, delivered, metrics, close } = await setup();
  for (let i = 0; i < 3; i++) {
    ingestor.ingestMqtt(
      "factories/demo/machines/press-01/telemetry",
      encode({ metrics: { x: i } }),
    );
    ingestor.ingestMqtt("factories/demo/machines/a+b/telemetry", encode({ metrics: { x: i } }));
  }
  assert.deepEqual(delivered.map((p) => [p.machine, p.metrics.x]), [
    ["press-01", 0],
    ["press-01", 1],
    ["press-01", 2],
  ]);
  assert.equal(await metrics.value(metrics.ingestRejected, { reason: "bad_id" }), 3);
  await close();
});
