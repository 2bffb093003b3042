import assert from "node:assert/strict";
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { FakeClock } from "../engine/fake_clock.ts";
import { decodeJsonTelemetry } from "../engine/ingest/json_telemetry.ts";
import { parseTelemetryTopic } from "../engine/ingest/topic.ts";
import { demoMachines } from "./demo_factory.ts";
import { machineProfiles } from "./machine_profiles.ts";
import { DemoSimulator } from "./simulator.ts";

interface Broker {
  readonly url: string;
  close(): Promise<void>;
}

async function startBroker(port = 0): Promise<Broker> {
  const aedes = await Aedes.createBroker();
  const server: Server = createServer(aedes.handle);
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
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

/** Resolves once `done()` holds, or fails after `limitMs` of real time (network delivery is not ours to step). */
async function waitFor(done: () => boolean, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

Deno.test("DemoSimulator publishes valid JSON telemetry for every demo machine on each interval", async () => {
  const broker = await startBroker();
  const subscriber = await mqtt.connectAsync(broker.url, { clientId: "simulator-test-subscriber" });
  const received: Array<{ topic: string; payload: Uint8Array }> = [];
  subscriber.on("message", (topic, payload) => received.push({ topic, payload }));
  await subscriber.subscribeAsync("factories/+/machines/+/telemetry", { qos: 1 });

  const clock = new FakeClock(Date.UTC(2024, 4, 1, 12, 0, 0, 250));
  const logged: string[] = [];
  const simulator = new DemoSimulator({
    mqttUrl: broker.url,
    clock,
    clientId: "simulator-test",
    qos: 1,
    log: (m) => logged.push(m),
  });
  try {
    await simulator.start();
    assert.equal(received.length, 0, "nothing is published before the first interval");
    clock.tick(749); // up to 12:00:00.999
    assert.equal(simulator.published, 0);
    clock.tick(1); // 12:00:01.000: the first aligned tick
    clock.tick(1_000); // 12:00:02.000
    assert.equal(simulator.published, 2 * demoMachines.length);
    await waitFor(
      () => received.length >= 2 * demoMachines.length,
      5_000,
      "the published messages",
    );

    const machines = new Set<string>();
    const stamps = new Set<number>();
    for (const { topic, payload } of received) {
      const ref = parseTelemetryTopic(topic);
      assert.ok(!("reason" in ref), topic);
      const { points, rejections } = decodeJsonTelemetry(payload, ref, {
        receivedAt: clock.now(),
        rejectOtherMachines: true,
      });
      assert.deepEqual(rejections, [], topic);
      assert.equal(points.length, 1);
      const demo = demoMachines.find((m) => m.machine === ref.machine);
      assert.ok(demo !== undefined, `unknown machine ${ref.machine}`);
      assert.equal(ref.factory, "demo");
      // Dropouts leave a metric out, never add one.
      const known = machineProfiles[demo.type].metrics.map((m) => m.name);
      for (const name of Object.keys(points[0].metrics)) assert.ok(known.includes(name), name);
      machines.add(ref.machine);
      stamps.add(points[0].ts);
    }
    assert.ok(machines.size >= 12, `only ${machines.size} machines published`);
    assert.equal(machines.size, demoMachines.length);
    assert.deepEqual([...stamps].sort(), [
      Date.UTC(2024, 4, 1, 12, 0, 1),
      Date.UTC(2024, 4, 1, 12, 0, 2),
    ]);
    assert.deepEqual(logged, []);
  } finally {
    await simulator.stop();
    await subscriber.endAsync();
    await broker.close();
  }
  assert.equal(clock.pendingTimers, 0, "stop() cancels the interval timer");
});

Deno.test("DemoSimulator rides out a broker outage: skips and counts readings, logs once, resumes", async () => {
  let broker = await startBroker();
  const url = broker.url;
  const port = Number(new URL(url).port);
  const clock = new FakeClock(Date.UTC(2024, 4, 1, 12));
  const logged: string[] = [];
  const simulator = new DemoSimulator({
    mqttUrl: url,
    clock,
    clientId: "simulator-outage",
    log: (m) => logged.push(m),
  });
  const subscribers: mqtt.MqttClient[] = [];
  try {
    await simulator.start();
    clock.tick(1_000);
    assert.equal(simulator.published, demoMachines.length);

    await broker.close();
    await waitFor(
      () => logged.some((m) => m.includes("lost")),
      5_000,
      "the simulator to notice the outage",
    );
    clock.tick(1_000);
    clock.tick(1_000);
    assert.equal(simulator.skipped, 2 * demoMachines.length);
    assert.equal(simulator.published, demoMachines.length);

    broker = await startBroker(port);
    await waitFor(
      () => logged.some((m) => m.includes("again")),
      10_000,
      "the simulator to reconnect",
    );
    const subscriber = await mqtt.connectAsync(url, { clientId: "simulator-outage-subscriber" });
    subscribers.push(subscriber);
    let received = 0;
    subscriber.on("message", () => received++);
    await subscriber.subscribeAsync("factories/+/machines/+/telemetry", { qos: 1 });
    clock.tick(1_000);
    await waitFor(() => received >= demoMachines.length, 5_000, "publishing to resume");
    // One line per kind of trouble, however many reconnect attempts failed.
    assert.equal(new Set(logged).size, logged.length, logged.join("\n"));
  } finally {
    await simulator.stop();
    for (const subscriber of subscribers) await subscriber.endAsync();
    await broker.close();
  }
});

Deno.test("DemoSimulator start rejects, naming the broker, when it cannot connect in time", async () => {
  // A port that was free a moment ago: nothing listens there.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));

  const clock = new FakeClock(0);
  const logged: string[] = [];
  const simulator = new DemoSimulator({
    mqttUrl: `mqtt://127.0.0.1:${port}`,
    clock,
    connectTimeoutMs: 5_000,
    log: (m) => logged.push(m),
  });
  const started = simulator.start();
  clock.tick(5_000);
  await assert.rejects(
    started,
    new RegExp(
      `Cannot connect the demo simulator to the MQTT broker at mqtt://127.0.0.1:${port} within 5000 ms`,
    ),
  );
  await simulator.stop();
  assert.equal(clock.pendingTimers, 0);
});

Deno.test("DemoSimulator checks its options", () => {
  const base = { mqttUrl: "mqtt://127.0.0.1:1", clock: new FakeClock(0) };
  const table: Array<[Record<string, unknown>, RegExp]> = [
    [{ intervalMs: 0 }, /'intervalMs' must be a positive integer: current value is 0/],
    [{ qos: 2 }, /'qos' must be 0 or 1: current value is 2/],
    [{ seed: 0.5 }, /'seed' must be an integer/],
    [{ machines: [] }, /'machines' must not be empty/],
    [{ factory: "my factory" }, /'factory' must match.*'my factory'/],
    [
      { machines: [{ factory: "demo", machine: "a/b", type: "press" }] },
      /machine ids must match.*'demo\/a\/b'/,
    ],
    [
      { machines: [{ factory: "demo", machine: "x", type: "loom" }] },
      /unknown type: current value is loom/,
    ],
  ];
  for (const [extra, message] of table) {
    assert.throws(
      () => new DemoSimulator({ ...base, ...extra } as never),
      (e: unknown) => e instanceof RangeError && message.test(e.message),
      String(message),
    );
  }
});
