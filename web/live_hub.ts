import type { EventBus } from "../engine/bus.ts";
import type { Clock, TimerHandle } from "../engine/clock.ts";
import type { EngineEvent, TelemetryEvent } from "../engine/events.ts";
import type { EngineMetrics } from "../engine/metrics.ts";

/** The part of a WebSocket the hub needs. */
export interface LiveSocket {
  send(text: string): void;
  close(code?: number, reason?: string): void;
  /** Bytes queued by the runtime and not yet sent. */
  readonly bufferedAmount: number;
}

/**
 * Which events a client wants: one factory, optionally one machine of it.
 * With `batch`, every frame sent is a JSON array of events: those of one
 * engine turn together, instead of one frame per event.
 */
export interface LiveFilter {
  readonly factory: string;
  readonly machine?: string;
  readonly batch?: boolean;
}

/** Options of {@link LiveHub}. */
export interface LiveHubOptions {
  readonly clock: Clock;
  readonly metrics: EngineMetrics;
  /** Events queued per client before it is closed as too slow. */
  readonly maxQueue?: number;
  /** Socket buffer size above which the hub stops sending and queues. */
  readonly highWaterBytes?: number;
  /** A client over the high-water mark this long is closed. */
  readonly slowCloseMs?: number;
  /** How often a backed-up client is retried. */
  readonly retryEveryMs?: number;
  /** Most queued events a backed-up batching client gets in one frame. */
  readonly maxEventsPerFrame?: number;
}

/** WebSocket close code for a client that could not keep up (RFC 6455 "try again later"). */
export const CLOSE_TOO_SLOW = 1013;

type Queued = EngineEvent & { coalesced?: number };

class LiveClient {
  readonly socket: LiveSocket;
  readonly filter: LiveFilter;
  /** Who opened it (a user or token id), so revoking their sessions closes it. */
  readonly owner: string | undefined;
  readonly queue: Queued[] = [];
  /** Index in `queue` of the unsent telemetry event of each machine, for coalescing. */
  readonly telemetryAt = new Map<string, number>();
  /** A batching client's serialised events of this turn, not yet sent. */
  pending: string[] = [];
  backedUpSince: number | undefined;
  timer: TimerHandle | undefined;
  closed = false;

  constructor(socket: LiveSocket, filter: LiveFilter, owner: string | undefined) {
    this.socket = socket;
    this.filter = filter;
    this.owner = owner;
  }

  get batch(): boolean {
    return this.filter.batch === true;
  }

  wants(event: EngineEvent): boolean {
    return event.factory === this.filter.factory &&
      (this.filter.machine === undefined || event.machine === this.filter.machine);
  }
}

/**
 * Fans bus events out to live WebSocket clients without ever slowing the
 * bus. A client that keeps up gets every event as it happens. While a
 * client's socket buffer is above the high-water mark its events queue, and
 * telemetry of a machine already queued is merged into the queued event
 * (latest values win, counted as `coalesced`). A client whose queue passes its
 * bound, or that stays backed up too long, is closed with code 1013.
 *
 * A batching client (`batch: true`) gets every frame as a JSON array of
 * events: the events of one engine turn are collected and sent together from
 * one microtask, and a backed-up queue drains in arrays of at most
 * `maxEventsPerFrame` events.
 *
 * @example
 * ```ts
 * import type { EventBus } from "../engine/bus.ts";
 * import { systemClock } from "../engine/clock.ts";
 * import type { EngineMetrics } from "../engine/metrics.ts";
 * declare const bus: EventBus;
 * declare const metrics: EngineMetrics;
 * declare const socket: WebSocket;
 * const hub = new LiveHub(bus, { clock: systemClock, metrics });
 * const client = hub.connect(socket, { factory: "demo" });
 * socket.onclose = () => hub.disconnect(client);
 * ```
 */
export class LiveHub {
  readonly #clock: Clock;
  readonly #metrics: EngineMetrics;
  readonly #maxQueue: number;
  readonly #highWater: number;
  readonly #slowCloseMs: number;
  readonly #retryEveryMs: number;
  readonly #maxEventsPerFrame: number;
  readonly #byFactory = new Map<string, Set<LiveClient>>();
  readonly #unsubscribe: () => void;
  /** Batching clients with pending events; flushed by one microtask per turn. */
  #toFlush: LiveClient[] = [];

  constructor(bus: EventBus, options: LiveHubOptions) {
    this.#clock = options.clock;
    this.#metrics = options.metrics;
    this.#maxQueue = options.maxQueue ?? 4_096;
    this.#highWater = options.highWaterBytes ?? 1 << 20;
    this.#slowCloseMs = options.slowCloseMs ?? 15_000;
    this.#retryEveryMs = options.retryEveryMs ?? 50;
    this.#maxEventsPerFrame = options.maxEventsPerFrame ?? 256;
    if (!Number.isInteger(this.#maxEventsPerFrame) || this.#maxEventsPerFrame < 1) {
      throw new RangeError(
        `Cannot create live hub: 'maxEventsPerFrame' must be a positive integer: current value is ${options.maxEventsPerFrame}`,
      );
    }
    this.#unsubscribe = bus.subscribe((event) => this.#deliver(event));
    options.metrics.beforeCollect(() => options.metrics.wsClients.set(this.clientCount));
  }

  get clientCount(): number {
    let n = 0;
    for (const clients of this.#byFactory.values()) n += clients.size;
    return n;
  }

  /**
   * Starts sending matching events to `socket`; the first message is a
   * `hello` (for a batching client `[hello]`, with `batch: true`).
   */
  connect(socket: LiveSocket, filter: LiveFilter, owner?: string): LiveClient {
    const client = new LiveClient(socket, filter, owner);
    let clients = this.#byFactory.get(filter.factory);
    if (clients === undefined) {
      clients = new Set();
      this.#byFactory.set(filter.factory, clients);
    }
    clients.add(client);
    const { batch, ...scope } = filter;
    const hello = {
      type: "hello",
      serverTime: this.#clock.now(),
      ...scope,
      ...(batch === true ? { batch: true } : {}),
    };
    this.#send(client, JSON.stringify(client.batch ? [hello] : hello));
    return client;
  }

  /** Forgets a client (call from the socket's close handler). */
  disconnect(client: LiveClient): void {
    client.closed = true;
    client.pending = [];
    if (client.timer !== undefined) this.#clock.clearTimeout(client.timer);
    const clients = this.#byFactory.get(client.filter.factory);
    clients?.delete(client);
    if (clients?.size === 0) this.#byFactory.delete(client.filter.factory);
  }

  /**
   * Closes every client `owner` opened (code 4401), e.g. when the user is
   * disabled or signs out everywhere; returns how many were closed.
   */
  closeOwner(owner: string, reason: string): number {
    let closed = 0;
    for (const clients of [...this.#byFactory.values()]) {
      for (const client of [...clients]) {
        if (client.owner !== owner) continue;
        this.disconnect(client);
        client.socket.close(4401, reason);
        closed++;
      }
    }
    return closed;
  }

  /** Closes every client and stops listening to the bus. */
  close(): void {
    this.#unsubscribe();
    for (const clients of [...this.#byFactory.values()]) {
      for (const client of [...clients]) {
        this.disconnect(client);
        client.socket.close(1001, "server shutting down");
      }
    }
  }

  #deliver(event: EngineEvent): void {
    const clients = this.#byFactory.get(event.factory);
    if (clients === undefined) return;
    let text: string | undefined; // serialised once, for the first client that takes it
    for (const client of clients) {
      if (!client.wants(event)) continue;
      if (client.batch && client.pending.length > 0) {
        // This turn's frame was let through already: nothing is sent before it
        // ends, so the socket's buffer (an op to read) cannot have grown since.
        client.pending.push(text ??= JSON.stringify(event));
        continue;
      }
      if (client.queue.length === 0 && client.socket.bufferedAmount < this.#highWater) {
        text ??= JSON.stringify(event);
        if (client.batch) this.#pend(client, text);
        else this.#send(client, text);
      } else {
        this.#enqueue(client, event);
      }
    }
  }

  /** Holds `text` for the client's next frame, flushed once this turn's events are in. */
  #pend(client: LiveClient, text: string): void {
    client.pending.push(text);
    if (client.pending.length > 1) return;
    this.#toFlush.push(client);
    if (this.#toFlush.length === 1) queueMicrotask(() => this.#flushAll());
  }

  #flushAll(): void {
    const clients = this.#toFlush;
    this.#toFlush = [];
    let failure: { error: unknown } | undefined;
    for (const client of clients) {
      try {
        this.#flush(client);
      } catch (error) {
        failure ??= { error }; // the other clients are still flushed
      }
    }
    if (failure !== undefined) throw failure.error;
  }

  /** Sends a batching client's pending events as one array frame. */
  #flush(client: LiveClient): void {
    if (client.closed || client.pending.length === 0) return;
    const frame = `[${client.pending.join(",")}]`;
    client.pending = [];
    this.#send(client, frame);
  }

  #enqueue(client: LiveClient, event: EngineEvent): void {
    if (event.type === "telemetry") {
      const at = client.telemetryAt.get(event.machine);
      if (at !== undefined) {
        client.queue[at] = merge(
          client.queue[at] as TelemetryEvent & { coalesced?: number },
          event,
        );
        this.#metrics.wsEventsDropped.inc({ reason: "coalesced" });
        return;
      }
      client.telemetryAt.set(event.machine, client.queue.length);
    }
    client.queue.push(event);
    client.backedUpSince ??= this.#clock.now();
    if (client.queue.length > this.#maxQueue) {
      this.#closeSlow(client, `more than ${this.#maxQueue} events queued`);
      return;
    }
    this.#scheduleDrain(client);
  }

  #scheduleDrain(client: LiveClient): void {
    if (client.timer !== undefined) return;
    client.timer = this.#clock.setTimeout(() => {
      client.timer = undefined;
      this.#drain(client);
    }, this.#retryEveryMs);
  }

  #drain(client: LiveClient): void {
    if (client.closed) return;
    // Events taken before the client backed up go out before the queued ones.
    this.#flush(client);
    if (client.closed) return;
    let sent = 0;
    while (sent < client.queue.length && client.socket.bufferedAmount < this.#highWater) {
      if (client.batch) {
        const frame = client.queue.slice(sent, sent + this.#maxEventsPerFrame);
        this.#send(client, JSON.stringify(frame));
        sent += frame.length;
      } else {
        this.#send(client, JSON.stringify(client.queue[sent]));
        sent++;
      }
      if (client.closed) return;
    }
    client.queue.splice(0, sent);
    client.telemetryAt.clear();
    client.queue.forEach((e, i) => {
      if (e.type === "telemetry") client.telemetryAt.set(e.machine, i);
    });
    if (client.queue.length === 0) {
      client.backedUpSince = undefined;
      return;
    }
    if (this.#clock.now() - client.backedUpSince! > this.#slowCloseMs) {
      this.#closeSlow(client, `backed up for over ${Math.round(this.#slowCloseMs / 1000)} s`);
      return;
    }
    this.#scheduleDrain(client);
  }

  #closeSlow(client: LiveClient, why: string): void {
    // What a batching client took before it backed up is sent, as it would have been one by one.
    this.#flush(client);
    this.#metrics.wsEventsDropped.inc({ reason: "closed_slow" }, client.queue.length);
    this.#metrics.wsClientsClosedSlow.inc();
    this.disconnect(client);
    client.socket.close(CLOSE_TOO_SLOW, `client too slow: ${why}`);
  }

  #send(client: LiveClient, text: string): void {
    try {
      client.socket.send(text);
    } catch (error) {
      // The socket closed under us; its close handler may not have run yet.
      this.disconnect(client);
      if (!(error instanceof Error)) throw error;
    }
  }
}

function merge(
  queued: TelemetryEvent & { coalesced?: number },
  next: TelemetryEvent,
): TelemetryEvent & { coalesced: number } {
  const anomalous = new Set(queued.anomalous);
  for (const m of Object.keys(next.values)) anomalous.delete(m);
  for (const m of next.anomalous) anomalous.add(m);
  return {
    ...next,
    values: { ...queued.values, ...next.values },
    anomalous: [...anomalous],
    coalesced: (queued.coalesced ?? 1) + 1,
  };
}
