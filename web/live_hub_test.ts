import assert from "node:assert/strict";
import { EventBus } from "../engine/bus.ts";
import type { TelemetryEvent } from "../engine/events.ts";
import { FakeClock } from "../engine/fake_clock.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import { CLOSE_TOO_SLOW, LiveHub, type LiveSocket } from "./live_hub.ts";

class FakeSocket implements LiveSocket {
  sent: Array<Record<string, unknown>> = [];
  /** Each frame's text as sent. */
  frames: string[] = [];
  bufferedAmount = 0;
  closedWith: [number | undefined, string | undefined] | undefined;
  send(text: string) {
    this.frames.push(text);
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

function setup(
  options: { maxQueue?: number; slowCloseMs?: number; maxEventsPerFrame?: number } = {},
) {
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

/** Lets the microtasks queued so far (the hub's flush among them) run. */
const nextTurn = () => new Promise<void>((resolve) => queueMicrotask(resolve));

/** The parsed frames of a batching socket, each an array of events. */
const arrays = (socket: FakeSocket) =>
  socket.frames.map((text) => {
    const frame = JSON.parse(text);
    assert.ok(Array.isArray(frame), `not an array frame: ${text}`);
    return frame as Array<Record<string, unknown>>;
  });

const status = (machine: string, ts: number) => ({
  type: "status" as const,
  factory: "demo",
  machine,
  ts,
  status: "anomalous" as const,
  previous: "normal" as const,
  reason: "",
});

Deno.test("LiveHub sends a batching client one array frame per turn, with the same events", async () => {
  const { bus, hub, clock } = setup();
  clock.tick(7);
  const single = new FakeSocket();
  const batched = new FakeSocket();
  const batchedM2 = new FakeSocket();
  hub.connect(single, { factory: "demo" });
  hub.connect(batched, { factory: "demo", batch: true });
  hub.connect(batchedM2, { factory: "demo", machine: "m2", batch: true });
  assert.deepEqual(arrays(batched), [[{
    type: "hello",
    serverTime: 7,
    factory: "demo",
    batch: true,
  }]]);
  assert.deepEqual(arrays(batchedM2), [[{
    type: "hello",
    serverTime: 7,
    factory: "demo",
    machine: "m2",
    batch: true,
  }]]);
  assert.deepEqual(single.sent[0], { type: "hello", serverTime: 7, factory: "demo" });

  bus.publish(telemetry("m1", 1, { a: 1 }));
  bus.publish(status("m2", 1));
  bus.publish(telemetry("m2", 2, { a: 2 }, ["a"]));
  bus.publish({ ...telemetry("m2", 3, { a: 3 }), factory: "other" });
  assert.equal(batched.frames.length, 1, "nothing sent before the turn ends");
  await nextTurn();
  assert.equal(single.frames.length, 4);
  assert.deepEqual(arrays(batched), [arrays(batched)[0], single.sent.slice(1)]);
  assert.deepEqual(
    arrays(batchedM2)[1],
    single.sent.slice(1).filter((event) => event.machine === "m2"),
  );
  assert.equal(
    batched.frames[1],
    `[${single.frames.slice(1).join(",")}]`,
    "the same event text, joined",
  );

  bus.publish(telemetry("m1", 4, { a: 4 }));
  await nextTurn();
  assert.deepEqual(arrays(batched).slice(2), [[telemetry("m1", 4, { a: 4 })]]);
  assert.equal(batchedM2.frames.length, 2, "no empty frame for a client with nothing new");
});

Deno.test("LiveHub queues, coalesces and drains a backed-up batching client as arrays", async () => {
  const { bus, hub, clock, metrics } = setup({ maxEventsPerFrame: 2 });
  const socket = new FakeSocket();
  hub.connect(socket, { factory: "demo", batch: true });
  bus.publish(telemetry("m0", 0, { a: 0 }));
  await nextTurn();
  socket.bufferedAmount = 1_000;
  bus.publish(telemetry("m1", 1, { a: 1, b: 1 }, ["a"]));
  bus.publish(status("m1", 1));
  bus.publish(telemetry("m1", 2, { a: 2 }));
  bus.publish(telemetry("m2", 2, { c: 2 }));
  bus.publish(telemetry("m1", 3, { b: 3 }, ["b"]));
  await nextTurn();
  assert.deepEqual(
    arrays(socket).slice(1),
    [[telemetry("m0", 0, { a: 0 })]],
    "the event taken before the buffer filled is sent; the rest wait",
  );
  clock.tick(10);
  assert.equal(socket.frames.length, 2, "still backed up");
  socket.bufferedAmount = 0;
  clock.tick(10);
  assert.deepEqual(arrays(socket).slice(2), [
    [
      { ...telemetry("m1", 3, { a: 2, b: 3 }, ["b"]), coalesced: 3 },
      status("m1", 1),
    ],
    [telemetry("m2", 2, { c: 2 })],
  ]);
  assert.equal(await metrics.value(metrics.wsEventsDropped, { reason: "coalesced" }), 2);
  bus.publish(telemetry("m2", 5, { c: 5 }));
  await nextTurn();
  assert.deepEqual(arrays(socket).slice(4), [[telemetry("m2", 5, { c: 5 })]]);
});

Deno.test("LiveHub reads a batching client's buffered amount once a frame, not once an event", async () => {
  const { bus, hub } = setup();
  let reads = 0;
  const socket = new FakeSocket();
  Object.defineProperty(socket, "bufferedAmount", {
    get: () => {
      reads++;
      return 0;
    },
  });
  hub.connect(socket, { factory: "demo", batch: true });
  reads = 0;
  for (let i = 0; i < 5; i++) bus.publish(telemetry(`m${i}`, i, { a: i }));
  await nextTurn();
  assert.equal(reads, 1);
  assert.equal(arrays(socket).at(-1)!.length, 5, "one frame with the five events");
});

Deno.test("LiveHub drains a batching client only while under the high-water mark", () => {
  const { bus, hub, clock } = setup({ maxEventsPerFrame: 2 });
  const socket = new FakeSocket();
  hub.connect(socket, { factory: "demo", batch: true });
  socket.bufferedAmount = 1_000;
  for (let i = 0; i < 5; i++) bus.publish(status(`m${i}`, i));
  socket.bufferedAmount = 0;
  socket.send = (text) => {
    FakeSocket.prototype.send.call(socket, text);
    socket.bufferedAmount += 60; // the high-water mark is 100: room for two frames
  };
  clock.tick(10);
  assert.deepEqual(arrays(socket).slice(1).map((frame) => frame.map((e) => e.machine)), [
    ["m0", "m1"],
    ["m2", "m3"],
  ]);
  socket.bufferedAmount = 0;
  clock.tick(10);
  assert.deepEqual(arrays(socket).slice(3).map((frame) => frame.map((e) => e.machine)), [["m4"]]);
});

Deno.test("LiveHub sends nothing to a batching client disconnected before its flush", async () => {
  const { bus, hub } = setup();
  const gone = new FakeSocket();
  const revoked = new FakeSocket();
  const stays = new FakeSocket();
  const client = hub.connect(gone, { factory: "demo", batch: true });
  hub.connect(revoked, { factory: "demo", batch: true }, "user-ana");
  hub.connect(stays, { factory: "demo", batch: true });
  bus.publish(telemetry("m1", 1, { a: 1 }));
  hub.disconnect(client);
  hub.closeOwner("user-ana", "user disabled");
  await nextTurn();
  assert.equal(gone.frames.length, 1);
  assert.equal(revoked.frames.length, 1);
  assert.deepEqual(arrays(stays)[1], [telemetry("m1", 1, { a: 1 })]);
  assert.equal(hub.clientCount, 1);
});

Deno.test("LiveHub disconnects a batching client whose send throws", async () => {
  const { bus, hub } = setup();
  const broken = new FakeSocket();
  const other = new FakeSocket();
  hub.connect(broken, { factory: "demo", batch: true });
  hub.connect(other, { factory: "demo", batch: true });
  broken.send = () => {
    throw new Error("socket closed");
  };
  bus.publish(telemetry("m1", 1, { a: 1 }));
  await nextTurn();
  assert.equal(hub.clientCount, 1);
  assert.deepEqual(arrays(other)[1], [telemetry("m1", 1, { a: 1 })]);
  bus.publish(telemetry("m1", 2, { a: 2 }));
  await nextTurn();
  assert.equal(other.frames.length, 3);
});

Deno.test("LiveHub closes a batching client past its queue bound after sending what it took", async () => {
  const { bus, hub, metrics } = setup({ maxQueue: 2 });
  const socket = new FakeSocket();
  hub.connect(socket, { factory: "demo", batch: true });
  bus.publish(status("m0", 0));
  await nextTurn();
  socket.bufferedAmount = 1_000;
  for (let i = 1; i <= 3; i++) bus.publish(status(`m${i}`, i));
  assert.equal(socket.closedWith?.[0], CLOSE_TOO_SLOW);
  assert.deepEqual(arrays(socket).slice(1), [[status("m0", 0)]]);
  await nextTurn();
  assert.equal(socket.frames.length, 2);
  assert.equal(await metrics.value(metrics.wsEventsDropped, { reason: "closed_slow" }), 3);
  assert.equal(hub.clientCount, 0);
});
