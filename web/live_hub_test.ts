import assert from "node:assert/strict";
import { EventBus } from "../engine/bus.ts";
import type { TelemetryEvent } from "../engine/events.ts";
import { FakeClock } from "../engine/fake_clock.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import { CLOSE_TOO_SLOW, LiveHub, type LiveSocket } from "./live_hub.ts";

class FakeSocket implements LiveSocket {
  sent: Array<Record<string, unknown>> = [];
  bufferedAmount = 0;
  closedWith: [number | undefined, string | undefined] | undefined;
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code?: number, reason?: string) {
    this.closedWith = [code, reason];
  }
  types() {
    return this.sent.map((m) => m.type);
  }
}

const telemetry = (
  machine: string,
  ts: number,
  values: Record<string, number>,
  anomalous: string[] = [],
): TelemetryEvent => ({
  type: "telemetry",
  factory: "demo",
  machine,
  ts,
  values,
  anomalous,
});

function setup(options: { maxQueue?: number; slowCloseMs?: number } = {}) {
  const clock = new FakeClock(0);
  const bus = new EventBus();
  const metrics = new EngineMetrics();
  const hub = new LiveHub(bus, {
    clock,
    metrics,
    highWaterBytes: 100,
    retryEveryMs: 10,
    ...options,
  });
  return { clock, bus, metrics, hub };
}

Deno.test("LiveHub sends hello then only the events a client subscribed to", () => {
  const { bus, hub } = setup();
  const all = new FakeSocket();
  const one = new FakeSocket();
  hub.connect(all, { factory: "demo" });
  hub.connect(one, { factory: "demo", machine: "m2" });
  bus.publish(telemetry("m1", 1, { a: 1 }));
  bus.publish(telemetry("m2", 1, { a: 2 }));
  bus.publish({ ...telemetry("m2", 1, { a: 3 }), factory: "other" });
  assert.deepEqual(all.types(), ["hello", "telemetry", "telemetry"]);
  assert.deepEqual(one.sent.slice(1).map((m) => m.machine), ["m2"]);
  assert.equal(hub.clientCount, 2);
});

Deno.test("LiveHub coalesces telemetry for a backed-up client to the latest values", async () => {
  const { bus, hub, clock, metrics } = setup();
  const socket = new FakeSocket();
  hub.connect(socket, { factory: "demo" });
  socket.bufferedAmount = 1_000;
  bus.publish(telemetry("m1", 1, { a: 1, b: 1 }, ["a"]));
  bus.publish({
    type: "status",
    factory: "demo",
    machine: "m1",
    ts: 1,
    status: "anomalous",
    previous: "normal",
    reason: "",
  });
  bus.publish(telemetry("m1", 2, { a: 2 }));
  bus.publish(telemetry("m1", 3, { b: 3 }, ["b"]));
  assert.deepEqual(socket.types(), ["hello"], "nothing sent while backed up");
  socket.bufferedAmount = 0;
  clock.tick(10);
  assert.deepEqual(socket.types(), ["hello", "telemetry", "status"]);
  const merged = socket.sent[1];
  assert.deepEqual(merged.values, { a: 2, b: 3 });
  assert.equal(merged.ts, 3);
  assert.deepEqual(merged.anomalous, ["b"]);
  assert.equal(merged.coalesced, 3);
  assert.equal(await metrics.value(metrics.wsEventsDropped, { reason: "coalesced" }), 2);
});

Deno.test("LiveHub closes a client whose queue passes its bound, and the bus never waits", async () => {
  const { bus, hub, metrics } = setup({ maxQueue: 3 });
  const slow = new FakeSocket();
  const fast = new FakeSocket();
  hub.connect(slow, { factory: "demo" });
  hub.connect(fast, { factory: "demo" });
  slow.bufferedAmount = 1_000;
  for (let i = 0; i < 5; i++) {
    bus.publish({
      type: "status",
      factory: "demo",
      machine: `m${i}`,
      ts: i,
      status: "stale",
      previous: "normal",
      reason: "",
    });
  }
  assert.equal(slow.closedWith?.[0], CLOSE_TOO_SLOW);
  assert.equal(fast.sent.length, 6, "the fast client got every event");
  assert.equal(hub.clientCount, 1);
  assert.equal(await metrics.value(metrics.wsClientsClosedSlow), 1);
});

Deno.test("LiveHub closes a client that stays backed up past the time bound", () => {
  const { bus, hub, clock } = setup({ slowCloseMs: 100 });
  const socket = new FakeSocket();
  hub.connect(socket, { factory: "demo" });
  socket.bufferedAmount = 1_000;
  bus.publish(telemetry("m1", 1, { a: 1 }));
  clock.tick(90);
  assert.equal(socket.closedWith, undefined);
  clock.tick(30);
  assert.equal(socket.closedWith?.[0], CLOSE_TOO_SLOW);
});

Deno.test("LiveHub closes the clients of a revoked owner only, and sends them nothing more", () => {
  const { bus, hub } = setup();
  const ana1 = new FakeSocket();
  const ana2 = new FakeSocket();
  const bob = new FakeSocket();
  hub.connect(ana1, { factory: "demo" }, "user-ana");
  hub.connect(ana2, { factory: "demo", machine: "m1" }, "user-ana");
  hub.connect(bob, { factory: "demo" }, "user-bob");
  assert.equal(hub.closeOwner("user-ana", "user disabled"), 2);
  assert.deepEqual(ana1.closedWith, [4401, "user disabled"]);
  assert.deepEqual(ana2.closedWith, [4401, "user disabled"]);
  assert.equal(bob.closedWith, undefined);
  bus.publish(telemetry("m1", 1, { a: 1 }));
  assert.deepEqual(ana1.types(), ["hello"]);
  assert.deepEqual(bob.types(), ["hello", "telemetry"]);
  assert.equal(hub.clientCount, 1);
});
