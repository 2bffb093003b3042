import assert from "node:assert/strict";
import type { LiveMessage } from "./live_message.ts";
import { LiveSocket, liveSocketUrl, type SocketTimers, type WebSocketLike } from "./live_socket.ts";

class FakeSocket implements WebSocketLike {
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {}
  open(): void {
    this.onopen?.(new Event("open"));
  }
  receive(data: unknown): void {
    this.onmessage?.(new MessageEvent("message", { data: JSON.stringify(data) }));
  }
  drop(): void {
    this.onerror?.(new Event("error"));
    this.onclose?.(new CloseEvent("close"));
  }
  close(): void {
    this.closed = true;
    this.onclose?.(new CloseEvent("close"));
  }
}

class FakeTimers implements SocketTimers {
  time = 0;
  pending: Array<{ at: number; fn: () => void; id: number }> = [];
  #next = 1;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.pending.push({ at: this.time + ms, fn, id });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }
  now(): number {
    return this.time;
  }
  /** The delay of the one pending timer. */
  nextDelay(): number {
    assert.equal(this.pending.length, 1);
    return this.pending[0].at - this.time;
  }
  runNext(): void {
    const timer = this.pending.shift()!;
    this.time = timer.at;
    timer.fn();
  }
}

function setup() {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  const live = new LiveSocket("ws://host/api/v1/live?factory=f1", {
    connect: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    timers,
    random: () => 0.5, // no jitter
    backoff: { minBackoffMs: 100, maxBackoffMs: 1_000, jitter: 0.5 },
    healthyAfterMs: 10_000,
  });
  return { sockets, timers, live };
}

Deno.test("LiveSocket reconnects with exponential backoff up to the cap", () => {
  const { sockets, timers, live } = setup();
  assert.equal(live.state.value, "connecting");
  const delays: number[] = [];
  for (let i = 0; i < 6; i++) {
    sockets.at(-1)!.drop();
    assert.equal(live.state.value, "reconnecting");
    delays.push(timers.nextDelay());
    assert.equal(live.retryInMs.value, delays.at(-1));
    timers.runNext();
  }
  assert.deepEqual(delays, [100, 200, 400, 800, 1_000, 1_000]);
  assert.equal(sockets.length, 7);
  sockets.at(-1)!.open();
  assert.equal(live.state.value, "live");
  assert.equal(live.retryInMs.value, null);
});

Deno.test("LiveSocket starts the backoff over after the server says hello", () => {
  const { sockets, timers } = setup();
  sockets[0].drop();
  timers.runNext();
  sockets[1].drop();
  assert.equal(timers.nextDelay(), 200);
  timers.runNext();
  sockets[2].open();
  sockets[2].receive({ type: "hello", serverTime: 5 });
  sockets[2].drop();
  assert.equal(timers.nextDelay(), 100);
});

Deno.test("LiveSocket starts the backoff over after a long healthy connection", () => {
  const { sockets, timers } = setup();
  sockets[0].drop();
  timers.runNext();
  sockets[1].open();
  timers.time += 10_000;
  sockets[1].drop();
  assert.equal(timers.nextDelay(), 100);
});

Deno.test("LiveSocket spreads delays with jitter", () => {
  const sockets: FakeSocket[] = [];
  const timers = new FakeTimers();
  new LiveSocket("ws://x", {
    connect: (url) => {
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    timers,
    random: () => 0,
    backoff: { minBackoffMs: 100, maxBackoffMs: 1_000, jitter: 0.5 },
  });
  sockets[0].drop();
  assert.equal(timers.nextDelay(), 50);
});

Deno.test("LiveSocket delivers valid messages, counts merged telemetry, skips the rest", () => {
  const { sockets, live } = setup();
  const received: LiveMessage[] = [];
  live.subscribe((message) => received.push(message));
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    sockets[0].open();
    sockets[0].receive({ type: "hello" });
    sockets[0].receive({
      type: "telemetry",
      factory: "f1",
      machine: "m1",
      ts: 1,
      values: { t: 2 },
      anomalous: [],
      coalesced: 4,
    });
    sockets[0].receive({ type: "heartbeat", factory: "f1" });
    sockets[0].receive({
      type: "telemetry",
      factory: "f1",
      machine: "m1",
      ts: 1,
      values: { t: "x" },
    });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(received.map((message) => message.type), ["hello", "telemetry"]);
  assert.equal(live.merged.value, 3);
  assert.equal(warnings.length, 1);
});

Deno.test("LiveSocket hands each message of an array frame to the listeners in order", () => {
  const { sockets, timers, live } = setup();
  const received: LiveMessage[] = [];
  live.subscribe((message) => received.push(message));
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args);
  const telemetry = (ts: number, coalesced?: number) => ({
    type: "telemetry",
    factory: "f1",
    machine: "m1",
    ts,
    values: { t: ts },
    anomalous: [],
    ...(coalesced === undefined ? {} : { coalesced }),
  });
  try {
    sockets[0].drop();
    timers.runNext();
    sockets[1].open();
    sockets[1].receive([{ type: "hello", serverTime: 5, batch: true }]);
    sockets[1].receive([
      telemetry(1, 3),
      { type: "heartbeat" },
      { type: "status", factory: "f1", machine: "m1", ts: 2, status: "stale", previous: null },
      telemetry(3),
      7,
    ]);
    sockets[1].receive([]);
    sockets[1].receive(telemetry(4)); // a server that does not batch
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(received, [
    { type: "hello", serverTime: 5 },
    telemetry(1, 3),
    { type: "status", factory: "f1", machine: "m1", ts: 2, status: "stale", previous: null },
    telemetry(3),
    telemetry(4),
  ]);
  assert.equal(live.merged.value, 2);
  assert.equal(warnings.length, 1, "the one invalid element is counted");
  sockets[1].drop();
  assert.equal(timers.nextDelay(), 100, "hello in an array starts the backoff over");
});

Deno.test("LiveSocket does not reconnect after close", () => {
  const { sockets, timers, live } = setup();
  sockets[0].open();
  live.close();
  assert.equal(sockets[0].closed, true);
  assert.equal(timers.pending.length, 0);
});

Deno.test("liveSocketUrl uses the page's origin with ws or wss", () => {
  assert.equal(
    liveSocketUrl({ protocol: "https:", host: "plant.example:8443" }, {
      factory: "f1",
      machine: "m.2",
    }),
    "wss://plant.example:8443/api/v1/live?factory=f1&machine=m.2&batch=1",
  );
  assert.equal(
    liveSocketUrl({ protocol: "http:", host: "localhost:8000" }, { factory: "f1" }),
    "ws://localhost:8000/api/v1/live?factory=f1&batch=1",
  );
});
