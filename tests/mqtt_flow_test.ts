/**
 * Device → broker → actor → WebSocket and store, against a real Debian
 * mosquitto and against the embedded broker.
 */
import assert from "node:assert/strict";
import mqtt from "mqtt";
import { type DeviceMqttOptions, provisionDevice } from "./support/device.ts";
import { LiveClient } from "./support/live_client.ts";
import { startMosquitto } from "./support/mosquitto.ts";
import { addFactory, startTestEngine, type TestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const engine = startTestEngine;

async function history(mw: TestEngine, factory: string, machine: string, metric: string) {
  const response = await mw.api(
    `/api/v1/factories/${factory}/machines/${machine}/history?metric=${metric}&from=0`,
  );
  if (response.status === 404) {
    await response.body?.cancel();
    return [];
  }
  assert.equal(response.status, 200);
  const body = await response.json();
  return body.series[0].points as Array<[number, number]>;
}

/** Publishes as press-07 of plant1, with `credential` when the broker asks for one. */
async function publishFlow(mw: TestEngine, credential?: DeviceMqttOptions) {
  const live = new LiveClient(
    `${mw.url.replace("http", "ws")}/api/v1/live?factory=plant1`,
    mw.adminToken,
  );
  await live.opened;
  const device = await mqtt.connectAsync(mw.mqttUrl, {
    clientId: "press-07-device",
    ...credential,
  });
  try {
    const ts = Date.now();
    await device.publishAsync(
      "factories/plant1/machines/press-07/telemetry",
      JSON.stringify({ ts, metrics: { pressure: 182.5, running: true } }),
      { qos: 1 },
    );
    await waitFor(() => live.of("telemetry").length > 0, {
      what: "a telemetry event on the WebSocket",
    });
    const event = live.of("telemetry")[0];
    assert.equal(event.machine, "press-07");
    assert.equal(event.ts, ts);
    assert.deepEqual(event.values, { pressure: 182.5, running: 1 });
    assert.ok(live.of("registered").some((e) => e.machine === "press-07"));
    await waitFor(async () => (await history(mw, "plant1", "press-07", "pressure")).length === 1, {
      what: "the point in history",
    });
    assert.deepEqual(await history(mw, "plant1", "press-07", "pressure"), [[ts, 182.5]]);
    // The machine's detail carries its actor's window statistics.
    const detail = await (await mw.api("/api/v1/factories/plant1/machines/press-07")).json();
    assert.deepEqual(detail.window.pressure, {
      count: 1,
      mean: 182.5,
      stddev: 0,
      min: 182.5,
      max: 182.5,
      from: ts,
      to: ts,
    });
    assert.equal(detail.window.running.max, 1);
  } finally {
    await device.endAsync();
    await live.close();
  }
}

Deno.test("MQTT telemetry through mosquitto reaches the live WebSocket and history", async () => {
  const broker = await startMosquitto();
  const dataDir = await Deno.makeTempDir();
  const mw = await engine(dataDir, { MQTT_URL: broker.url });
  try {
    await publishFlow(mw);
  } finally {
    await mw.stop();
    await broker.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("MQTT telemetry through the embedded broker reaches the live WebSocket and history", async () => {
  const dataDir = await Deno.makeTempDir();
  const mw = await engine(dataDir);
  try {
    await addFactory(mw, "plant1", { autoRegister: false });
    await publishFlow(mw, await provisionDevice(mw, "plant1", "press-07"));
  } finally {
    await mw.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("an engine restart loses no QoS 1 message published while it was down", async () => {
  const broker = await startMosquitto();
  const dataDir = await Deno.makeTempDir();
  const device = await mqtt.connectAsync(broker.url, { clientId: "cnc-02-device" });
  const total = 600;
  const start = Date.now() - total * 10;
  const publish = (from: number, to: number) =>
    Promise.all(
      Array.from({ length: to - from }, (_, k) =>
        device.publishAsync(
          "factories/plant1/machines/cnc-02/telemetry",
          JSON.stringify({ ts: start + (from + k) * 10, metrics: { rpm: from + k } }),
          { qos: 1 },
        )),
    );
  try {
    let mw = await engine(dataDir, { MQTT_URL: broker.url });
    await publish(0, 200);
    await waitFor(async () => (await history(mw, "plant1", "cnc-02", "rpm")).length === 200, {
      what: "the first 200 points",
    });
    await mw.stop();
    await publish(200, total); // the engine is down: mosquitto queues for its session
    mw = await engine(dataDir, { MQTT_URL: broker.url });
    try {
      await waitFor(async () => (await history(mw, "plant1", "cnc-02", "rpm")).length === total, {
        timeoutMs: 20_000,
        what: `all ${total} points after the restart`,
      });
      const points = await history(mw, "plant1", "cnc-02", "rpm");
      assert.deepEqual(points.map(([, v]) => v), Array.from({ length: total }, (_, i) => i));
    } finally {
      await mw.stop();
    }
  } finally {
    await device.endAsync();
    await broker.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
