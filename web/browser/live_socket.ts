/**
 * The page's one WebSocket to `/api/v1/live`, reconnecting with exponential
 * backoff and jitter. Islands subscribe to its messages; its connection state
 * is a signal the page header shows.
 */
import { type ReadonlySignal, signal } from "@preact/signals";
import { backoffDelay, type BackoffPolicy } from "../../engine/actor/backoff.ts";
import { type LiveMessage, type ParsedLiveMessage, parseLiveFrame } from "./live_message.ts";
import { alignPageClock } from "./page_clock.ts";

/** `connecting` before the first open, `live` while open, `reconnecting` after a drop. */
export type ConnectionState = "connecting" | "live" | "reconnecting";

/** Which events a page wants: one factory, optionally one machine of it. */
export interface LiveScope {
  readonly factory: string;
  readonly machine?: string;
}

/** The part of the browser's `WebSocket` the live socket uses. */
export interface WebSocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(code?: number, reason?: string): void;
}

/** Timers the socket waits with; the runtime's by default, a fake in tests. */
export interface SocketTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

/** Options of {@link LiveSocket}. */
export interface LiveSocketOptions {
  /** Opens a socket; `new WebSocket(url)` by default. */
  readonly connect?: (url: string) => WebSocketLike;
  readonly timers?: SocketTimers;
  /** `Math.random`-like source for the jitter. */
  readonly random?: () => number;
  readonly backoff?: BackoffPolicy;
  /** A connection open this long counts as healthy: the backoff starts over. */
  readonly healthyAfterMs?: number;
}

/** Listener of live messages; `hello` included. */
export type LiveListener = (message: LiveMessage) => void;

/** Reconnect after 0.5 s, doubling up to 30 s, each spread by ±50 %. */
export const LIVE_BACKOFF: BackoffPolicy = { minBackoffMs: 500, maxBackoffMs: 30_000, jitter: 0.5 };

const runtimeTimers: SocketTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as number),
  now: () => Date.now(),
};

/**
 * A WebSocket that stays connected: after a drop it reconnects with
 * exponential backoff and jitter; the backoff starts over once the server
 * says `hello` or the connection has been healthy for a while.
 *
 * @example
 * ```ts
 * const socket = new LiveSocket("wss://host/api/v1/live?factory=f1");
 * const off = socket.subscribe((m) => console.log(m.type));
 * socket.state.value; // "connecting" | "live" | "reconnecting"
 * ```
 */
export class LiveSocket {
  readonly #url: string;
  readonly #connect: (url: string) => WebSocketLike;
  readonly #timers: SocketTimers;
  readonly #random: () => number;
  readonly #backoff: BackoffPolicy;
  readonly #healthyAfterMs: number;
  readonly #listeners = new Set<LiveListener>();
  readonly #state = signal<ConnectionState>("connecting");
  readonly #retryInMs = signal<number | null>(null);
  readonly #merged = signal(0);
  #socket: WebSocketLike | undefined;
  #retryTimer: unknown;
  #attempt = 0;
  #openedAt = 0;
  #closed = false;
  #invalid = 0;

  constructor(url: string, options: LiveSocketOptions = {}) {
    this.#url = url;
    this.#connect = options.connect ?? ((target) => new WebSocket(target));
    this.#timers = options.timers ?? runtimeTimers;
    this.#random = options.random ?? Math.random;
    this.#backoff = options.backoff ?? LIVE_BACKOFF;
    this.#healthyAfterMs = options.healthyAfterMs ?? 30_000;
    this.#open();
  }

  /** Connection state, for the page header. */
  get state(): ReadonlySignal<ConnectionState> {
    return this.#state;
  }

  /** While reconnecting: the wait before the next attempt, in ms. */
  get retryInMs(): ReadonlySignal<number | null> {
    return this.#retryInMs;
  }

  /** Telemetry points the server merged into others because this page fell behind. */
  get merged(): ReadonlySignal<number> {
    return this.#merged;
  }

  /** Calls `listener` with every message; returns the unsubscribe function. */
  subscribe(listener: LiveListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Skips the wait when reconnecting (e.g. the browser came back online). */
  reconnectNow(): void {
    if (this.#closed || this.#socket !== undefined) return;
    this.#timers.clearTimeout(this.#retryTimer);
    this.#open();
  }

  /** Closes for good; no reconnect follows. */
  close(): void {
    this.#closed = true;
    this.#timers.clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, "page closed");
    this.#socket = undefined;
  }

  #open(): void {
    this.#retryInMs.value = null;
    const socket = this.#connect(this.#url);
    this.#socket = socket;
    socket.onopen = () => {
      this.#openedAt = this.#timers.now();
      this.#state.value = "live";
    };
    socket.onmessage = (event) => this.#receive(event.data);
    // A failed connect fires `error` then `close`; reconnect once, on close.
    socket.onerror = () => {};
    socket.onclose = () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      if (this.#closed) return;
      if (this.#openedAt > 0 && this.#timers.now() - this.#openedAt >= this.#healthyAfterMs) {
        this.#attempt = 0;
      }
      this.#openedAt = 0;
      this.#state.value = "reconnecting";
      const delay = backoffDelay(this.#attempt++, this.#backoff, this.#random);
      this.#retryInMs.value = delay;
      this.#retryTimer = this.#timers.setTimeout(() => this.#open(), delay);
    };
  }

  /** One frame: an array of messages (batch mode) or one message, each handled alike. */
  #receive(data: unknown): void {
    if (typeof data !== "string") return;
    for (const parsed of parseLiveFrame(data)) this.#handle(parsed);
  }

  #handle(parsed: ParsedLiveMessage): void {
    if (parsed.kind === "invalid") {
      // Counted, and reported once per power of two so a bad stream cannot flood the console.
      this.#invalid++;
      if ((this.#invalid & (this.#invalid - 1)) === 0) {
        console.warn(`live socket: ${this.#invalid} invalid message(s); latest: ${parsed.reason}`);
      }
      return;
    }
    if (parsed.kind === "ignored") return;
    const message = parsed.message;
    if (message.type === "hello") this.#attempt = 0;
    if (message.type === "telemetry" && message.coalesced !== undefined && message.coalesced > 1) {
      this.#merged.value += message.coalesced - 1;
    }
    for (const listener of this.#listeners) {
      try {
        listener(message);
      } catch (error) {
        console.error(`live socket: a listener failed on a '${message.type}' message`, error);
      }
    }
  }
}

/**
 * URL of the live endpoint for `scope`, on the page's own origin (`wss:` on
 * an https page), asking for batched frames (`batch=1`: one JSON array of
 * events per engine turn).
 */
export function liveSocketUrl(
  location: { protocol: string; host: string },
  scope: LiveScope,
): string {
  const protocol = location.protocol === "https:" ? "wss:" : "ws:";
  const query = new URLSearchParams({ factory: scope.factory });
  if (scope.machine !== undefined) query.set("machine", scope.machine);
  query.set("batch", "1");
  return `${protocol}//${location.host}/api/v1/live?${query}`;
}

let pageSocket: { scope: LiveScope; socket: LiveSocket } | undefined;

/**
 * The page's one live socket, opened by the first island that asks. Islands
 * of one page share it, so they must ask for the same scope. Browser only.
 */
export function pageLiveSocket(scope: LiveScope): LiveSocket {
  if (pageSocket === undefined) {
    const socket = new LiveSocket(liveSocketUrl(location, scope));
    globalThis.addEventListener("online", () => socket.reconnectNow());
    socket.subscribe((message) => {
      if (message.type === "hello" && message.serverTime !== undefined) {
        alignPageClock(message.serverTime);
      }
    });
    pageSocket = { scope, socket };
  } else if (
    pageSocket.scope.factory !== scope.factory || pageSocket.scope.machine !== scope.machine
  ) {
    throw new Error(
      `Cannot open a second live socket for ${JSON.stringify(scope)}: this page's socket ` +
        `serves ${JSON.stringify(pageSocket.scope)}; give every island of a page the same scope`,
    );
  }
  return pageSocket.socket;
}
