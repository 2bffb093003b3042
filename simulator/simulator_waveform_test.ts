import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { FakeClock } from "../engine/fake_clock.ts";
import { parseWaveformTopic } from "../engine/ingest/topic.ts";
import { analyzeWaveform, decodeWaveform } from "../engine/vibration/mod.ts";
import { DemoSimulator } from "./simulator.ts";
import { demoWaveformMachines } from "./waveform_machines.ts";

async function startBroker(): Promise<{ url: string; close(): Promise<void> }> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address !== null && typeof address === "object");
  return {
    url: `mqtt://127.0.0.1:${address.port}`,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Network delivery is not ours to step: poll real time, bounded. */
async function waitFor(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("DemoSimulator publishes valid waveforms of fan-01 and pump-01 once per waveform period", async () => {
  const broker = await startBroker();
  const subscriber = await mqtt.connectAsync(broker.url, { clientId: "waveform-test-subscriber" });
  const received: Array<{ topic: string; payload: Uint8Array }> = [];
  subscriber.on("message", (topic, payload) => received.push({ topic, payload }));
  await subscriber.subscribeAsync("factories/+/machines/+/waveform", { qos: 1 });
  const clock = new FakeClock(Date.UTC(2026, 10, 23, 12, 0, 3));
  const simulator = new DemoSimulator({
    mqttUrl: broker.url,
    clock,
    clientId: "waveform-test",
    qos: 1,
    log: () => {},
  });
  try {
    await simulator.start();
    clock.tick(1_000); // 12:00:04
    assert.equal(simulator.waveformsPublished, 0);
    clock.tick(1_000); // 12:00:05: a new 5 s period
    assert.equal(simulator.waveformsPublished, 2);
    clock.tick(4_000); // up to 12:00:09
    assert.equal(simulator.waveformsPublished, 2);
    clock.tick(1_000); // 12:00:10
    assert.equal(simulator.waveformsPublished, 4);
    await waitFor(() => received.length >= 4, "4 waveforms");
    const labels = new Map<string, string>();
    for (const { topic, payload } of received) {
      const ref = parseWaveformTopic(topic);
      assert.ok(!("reason" in ref), topic);
      const decoded = decodeWaveform(payload, ref, { receivedAt: clock.now() });
      assert.ok("waveform" in decoded, JSON.stringify(decoded));
      assert.equal(decoded.waveform.samples.length, 4096);
      assert.ok(payload.byteLength < 30_000, `${payload.byteLength} bytes`);
      const machine = demoWaveformMachines.find((m) => m.machine === ref.machine)!;
      const a = analyzeWaveform(decoded.waveform.samples, decoded.waveform.sampleRateHz, {
        config: machine.vibration,
        shaftHz: machine.profile.shaftHz,
      });
      labels.set(ref.machine, a.peaks.map((p) => p.label ?? "").join(","));
    }
    assert.deepEqual([...labels.keys()].sort(), ["fan-01", "pump-01"]);
    assert.match(labels.get("fan-01")!, /1× shaft/);
    assert.match(labels.get("pump-01")!, /BPFO/);
  } finally {
    await simulator.stop();
    await subscriber.endAsync();
    await broker.close();
  }
  assert.equal(clock.pendingTimers, 0);
});
