import assert from "node:assert/strict";
import mqtt from "mqtt";
import { startMosquitto } from "../tests/support/mosquitto.ts";
import { waitFor } from "../tests/support/wait_for.ts";
import { MqttPublisher } from "./mqtt_publisher.ts";

Deno.test("MqttPublisher delivers QoS 1 publishes intact and counts their PUBACKs", async () => {
  const broker = await startMosquitto();
  const subscriber = await mqtt.connectAsync(broker.url, { clientId: "publisher-test-sub" });
  const received: Array<[string, string]> = [];
  subscriber.on("message", (topic, payload) => received.push([topic, payload.toString()]));
  await subscriber.subscribeAsync("factories/+/machines/+/telemetry", { qos: 1 });
  const publisher = await MqttPublisher.connect(broker.url, { clientId: "publisher-test", qos: 1 });
  try {
    // Sizes on both sides of the 127- and 16383-byte remaining-length boundaries.
    const payloads = [10, 120, 130, 16_370, 16_400, 70_000].map((n) =>
      JSON.stringify({ ts: 1, pad: "x".repeat(n) })
    );
    const topic = "factories/f1/machines/m-0001/telemetry";
    for (const p of payloads) publisher.publish(new TextEncoder().encode(topic), p);
    await publisher.flush();
    await waitFor(
      () => received.length === payloads.length && publisher.acked === payloads.length,
      {
        what: `${payloads.length} messages and PUBACKs`,
      },
    );
    assert.deepEqual(received, payloads.map((p) => [topic, p]));
  } finally {
    await publisher.close();
    await subscriber.endAsync();
    await broker.stop();
  }
});

Deno.test("MqttPublisher refuses a non-ASCII payload instead of sending a wrong length", async () => {
  const broker = await startMosquitto();
  const publisher = await MqttPublisher.connect(broker.url, {
    clientId: "publisher-ascii",
    qos: 0,
  });
  try {
    assert.throws(
      () => publisher.publish(new TextEncoder().encode("a/b"), '{"t":"°C"}'),
      RangeError,
    );
  } finally {
    await publisher.close();
    await broker.stop();
  }
});
