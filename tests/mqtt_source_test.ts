/**
 * The engine's MQTT subscription against a real mosquitto: every publish is
 * handed over in order, acknowledged (so never redelivered), and a publish
 * whose handler throws costs no other.
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { MqttSource } from "../engine/mqtt/mqtt_source.ts";
import { threadNice } from "../engine/thread_priority.ts";
import { startMosquitto } from "./support/mosquitto.ts";
import { threadsAtNice } from "./support/threads_at_nice.ts";
import { waitFor } from "./support/wait_for.ts";

const TOPIC = "factories/plant1/machines/m1/telemetry";

Deno.test("MqttSource hands over every publish in order and acknowledges it: a reconnect redelivers nothing", async () => {
  const broker = await startMosquitto();
  const device = await mqtt.connectAsync(broker.url, { clientId: "device-1" });
  const received: number[] = [];
  const logs: string[] = [];
  const handler = (topic: string, payload: Uint8Array) => {
    assert.equal(topic, TOPIC);
    received.push(JSON.parse(new TextDecoder().decode(payload)).seq);
  };
  const options = {
    url: broker.url,
    clientId: "engine-under-test",
    log: (m: string) => logs.push(m),
  };
  let source = new MqttSource(options, handler);
  try {
    await source.start();
    const total = 2_000; // well past mosquitto's 100 in flight: only acknowledged ones make room
    for (let seq = 0; seq < total; seq++) {
      device.publish(TOPIC, JSON.stringify({ seq }), { qos: 1 });
    }
    await waitFor(() => received.length >= total, {
      what: `${total} publishes`,
      timeoutMs: 20_000,
    });
    assert.deepEqual(received, Array.from({ length: total }, (_, i) => i), "all, once, in order");
    await source.stop();

    // The same session again: anything not acknowledged would come back before the sentinel.
    received.length = 0;
    source = new MqttSource(options, handler);
    await source.start();
    await device.publishAsync(TOPIC, JSON.stringify({ seq: -1 }), { qos: 1 });
    await waitFor(() => received.length > 0, { what: "the sentinel" });
    assert.deepEqual(received, [-1]);
    assert.deepEqual(logs, []);
  } finally {
    await source.stop();
    await device.endAsync();
    await broker.stop();
  }
});

Deno.test("MqttSource: a publish whose handler throws is logged and costs no other", async () => {
  const broker = await startMosquitto();
  const device = await mqtt.connectAsync(broker.url, { clientId: "device-2" });
  const received: number[] = [];
  const logs: string[] = [];
  const source = new MqttSource(
    { url: broker.url, clientId: "engine-throwing", log: (m) => logs.push(m) },
    (_topic, payload) => {
      const { seq } = JSON.parse(new TextDecoder().decode(payload));
      if (seq === 3) throw new Error("a bug in the handler");
      received.push(seq);
    },
  );
  try {
    await source.start();
    for (let seq = 0; seq < 10; seq++) device.publish(TOPIC, JSON.stringify({ seq }), { qos: 1 });
    await waitFor(() => received.length >= 9, { what: "the other nine publishes" });
    assert.deepEqual(received, [0, 1, 2, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(logs, [
      `mqtt: handling a publish on ${TOPIC} failed: a bug in the handler`,
    ]);
  } finally {
    await source.stop();
    await device.endAsync();
    await broker.stop();
  }
});

Deno.test("MqttSource decoding in its worker hands over valid telemetry as points, the rest raw, in order", async () => {
  const broker = await startMosquitto();
  const device = await mqtt.connectAsync(broker.url, { clientId: "device-decoding" });
  const seen: string[] = [];
  const logs: string[] = [];
  const source = new MqttSource(
    { url: broker.url, clientId: "engine-decoding", log: (m) => logs.push(m) },
    (topic, payload) => seen.push(`raw ${topic} ${new TextDecoder().decode(payload)}`),
    {
      limits: { maxBytes: 1024, maxFutureMs: 300_000 },
      onDecoded: (ref, points) => {
        for (const point of points) {
          seen.push(`${ref.machine} ${point.ts} ${JSON.stringify(point.metrics)}`);
        }
        if (points.some((p) => p.metrics.boom === 1)) throw new Error("a bug in the handler");
      },
    },
  );
  try {
    await source.start();
    const other = "factories/plant1/machines/m2/telemetry";
    const publishes: Array<[string, string]> = [
      [TOPIC, '{"ts": 1700000000000, "metrics": {"temp": 71.5, "on": true}}'],
      [TOPIC, '{"metrics": {"temp": "hot"}}'],
      [other, '{"points": [{"ts": 1700000000001, "metrics": {"rpm": 900}}]}'],
      [TOPIC, '{"ts": 1700000000002, "metrics": {"boom": 1}}'],
      [TOPIC, '{"ts": 1700000000003, "metrics": {"temp": 72}}'],
    ];
    for (const [topic, body] of publishes) device.publish(topic, body, { qos: 1 });
    await waitFor(() => seen.length >= publishes.length, { what: "every publish" });
    assert.deepEqual(seen, [
      'm1 1700000000000 {"temp":71.5,"on":1}',
      `raw ${TOPIC} {"metrics": {"temp": "hot"}}`,
      'm2 1700000000001 {"rpm":900}',
      'm1 1700000000002 {"boom":1}',
      'm1 1700000000003 {"temp":72}',
    ]);
    assert.deepEqual(logs, ["mqtt: handling a publish of plant1/m1 failed: a bug in the handler"]);
  } finally {
    await source.stop();
    await device.endAsync();
    await broker.stop();
  }
});

Deno.test("MqttSource reconnects to a restarted broker and subscribes again when the session was lost", async () => {
  let broker = await startMosquitto();
  const received: string[] = [];
  const logs: string[] = [];
  const source = new MqttSource(
    { url: broker.url, clientId: "engine-reconnecting", log: (m) => logs.push(m) },
    (_topic, payload) => received.push(new TextDecoder().decode(payload)),
  );
  try {
    await source.start();
    await broker.stop();
    await waitFor(() => logs.some((m) => m.includes("retrying")), { what: "the drop noticed" });
    // Persistence is off: the new broker knows nothing of our session.
    broker = await startMosquitto({ port: broker.port });
    await waitFor(() => logs.some((m) => m.includes("again")), {
      what: "the reconnection",
      timeoutMs: 15_000,
    });
    const device = await mqtt.connectAsync(broker.url, { clientId: "device-3" });
    try {
      await waitFor(async () => {
        await device.publishAsync(TOPIC, "after", { qos: 1 });
        return received.includes("after");
      }, { what: "a publish after the restart" });
    } finally {
      await device.endAsync();
    }
    assert.match(logs[0], /^mqtt: .*; retrying$/);
  } finally {
    await source.stop();
    await broker.stop();
  }
});

Deno.test("MqttSource says why a broker refused it", async () => {
  const broker = await startMosquitto({ config: [] }); // anonymous clients refused, nobody else known
  const source = new MqttSource(
    { url: broker.url, clientId: "engine-refused", log: () => {} },
    () => {},
  );
  try {
    await assert.rejects(source.start(), /refused the connection: not authorised/);
  } finally {
    await source.stop();
    await broker.stop();
  }
});

Deno.test("MqttSource signs in with the credentials of MQTT_URL, percent-decoded", async () => {
  const dir = await Deno.makeTempDir();
  const passwordFile = `${dir}/passwd`;
  const made = await new Deno.Command("mosquitto_passwd", {
    args: ["-b", "-c", passwordFile, "engine@plant", "p@ss:w/rd"],
  }).output();
  assert.equal(made.code, 0, new TextDecoder().decode(made.stderr));
  // Root would make mosquitto drop to its own user, which cannot read our 0600 file.
  const broker = await startMosquitto({ config: [`password_file ${passwordFile}`, "user root"] });
  const userinfo = `${encodeURIComponent("engine@plant")}:${encodeURIComponent("p@ss:w/rd")}`;
  const received: string[] = [];
  const source = new MqttSource(
    {
      url: `mqtt://${userinfo}@127.0.0.1:${broker.port}`,
      clientId: "engine-signed",
      log: () => {},
    },
    (_topic, payload) => received.push(new TextDecoder().decode(payload)),
  );
  const wrong = new MqttSource(
    { url: `mqtt://engine%40plant:nope@127.0.0.1:${broker.port}`, clientId: "x", log: () => {} },
    () => {},
  );
  try {
    await source.start();
    const device = await mqtt.connectAsync(broker.url, {
      clientId: "device-4",
      username: "engine@plant",
      password: "p@ss:w/rd",
    });
    await device.publishAsync(TOPIC, "signed", { qos: 1 });
    await device.endAsync();
    await waitFor(() => received.includes("signed"), { what: "a publish to the signed-in engine" });
    await assert.rejects(wrong.start(), /refused the connection: (bad user name|not authorised)/);
  } finally {
    await wrong.stop();
    await source.stop();
    await broker.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test({
  name: "MqttSource reads in a worker at a lower priority than the event loop",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const broker = await startMosquitto();
    const mainNice = threadNice()!;
    const lowered = Math.min(19, mainNice + 3);
    const before = threadsAtNice(lowered);
    const source = new MqttSource(
      { url: broker.url, clientId: "engine-nice", log: () => {} },
      () => {},
    );
    try {
      await source.start();
      const appeared = [...threadsAtNice(lowered)].filter((tid) => !before.has(tid));
      // At least: other test modules run in this process under `deno test --parallel`.
      assert.ok(appeared.length >= 1, "a new thread at nice + 3: the MQTT worker");
      assert.equal(threadNice(), mainNice, "the event loop keeps its priority");
    } finally {
      await source.stop();
      await broker.stop();
    }
  },
});
