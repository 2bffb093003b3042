import { type LatencySummary, summarizeLatency } from "./percentiles.ts";

/**
 * A client of the engine's live WebSocket (`/api/v1/live?factory=…`) that
 * measures publish→WebSocket latency: receive time minus the telemetry
 * event's `ts`, which the load generator set to the publish time (same
 * host clock). A coalesced event counts once, with its latest `ts`. It asks
 * for batched frames (`batch=1`, as the live pages do): each frame is an array
 * of events, and each event of it is measured on its own.
 *
 * @example
 * ```ts
 * declare const token: string; // an API token of the engine
 * const live = await LiveLatencyClient.open("http://127.0.0.1:8000", "bench", token);
 * live.takeLatency(); // { count, p50, p99, max }
 * await live.close();
 * ```
 */
export class LiveLatencyClient {
  readonly #socket: WebSocket;
  readonly #closed: Promise<CloseEvent>;
  #latencies: number[] = [];
  #points = 0;
  #closedBy: string | undefined;

  private constructor(socket: WebSocket) {
    this.#socket = socket;
    this.#closed = new Promise((resolve) =>
      socket.addEventListener("close", (event) => {
        this.#closedBy = `${event.code} ${event.reason}`;
        resolve(event);
      })
    );
    socket.addEventListener("message", (event) => {
      const receivedAt = Date.now();
      for (const message of frameEvents(event.data)) {
        if (message.type !== "telemetry") continue;
        this.#latencies.push(receivedAt - message.ts);
        this.#points += message.coalesced ?? 1;
      }
    });
  }

  /** Opens the socket with a bearer token and waits for the server's `hello`. */
  static async open(baseUrl: string, factory: string, token: string): Promise<LiveLatencyClient> {
    const url = `${baseUrl.replace(/^http/, "ws")}/api/v1/live?factory=${factory}&batch=1`;
    // Deno's WebSocket takes headers as its second argument's `headers`.
    const socket = new WebSocket(url, {
      headers: { authorization: `Bearer ${token}` },
    } as unknown as string[]);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (event: MessageEvent) => {
        if (!frameEvents(event.data).some((message) => message.type === "hello")) return;
        socket.removeEventListener("message", onMessage);
        resolve();
      };
      socket.addEventListener("message", onMessage);
      socket.addEventListener("error", () => reject(new Error(`Cannot open WebSocket ${url}`)));
    });
    return new LiveLatencyClient(socket);
  }

  /** Telemetry points received so far (a coalesced event counts its points). */
  get points(): number {
    return this.#points;
  }

  /** Why the server closed the socket (e.g. `1013 client too slow…`), if it did. */
  get closedBy(): string | undefined {
    return this.#closedBy;
  }

  /** Latency (ms) of the telemetry events since the last call. */
  takeLatency(): LatencySummary {
    const summary = summarizeLatency(this.#latencies);
    this.#latencies = [];
    return summary;
  }

  async close(): Promise<void> {
    if (this.#closedBy === undefined) this.#socket.close();
    await this.#closed;
  }
}

/** The events of one frame: an array in batch mode, a single event otherwise. */
function frameEvents(data: string): Array<{ type: string; ts: number; coalesced?: number }> {
  const parsed = JSON.parse(data);
  return Array.isArray(parsed) ? parsed : [parsed];
}
