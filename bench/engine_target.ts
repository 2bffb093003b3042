import { BenchChild } from "./bench_child.ts";
import type { BenchTarget, TargetCounts } from "./bench_target.ts";
import { LiveLatencyClient } from "./live_latency_client.ts";
import type { LatencySummary } from "./percentiles.ts";
import { sumSamples } from "./prometheus_text.ts";

/** Options of {@link EngineTarget.start}. */
export interface EngineTargetOptions {
  /** The factory whose live WebSocket is watched for latency. */
  readonly factory: string;
  /** Extra `deno run` flags for the engine process, e.g. `--cpu-prof`. */
  readonly denoFlags?: readonly string[];
  /** Where the engine's data directory is made (removed at stop). */
  readonly dataDirParent?: string;
}

/**
 * Millwright in its own process (bench/engine_process.ts) as a
 * {@link BenchTarget}: counts from `GET /api/v1/metrics`, latency from one
 * live WebSocket client on the bench factory, connected for the target's
 * whole life (as an operator's page would be).
 *
 * Its MQTT session is persistent, so each start uses a fresh client id and
 * `stop` returns the old session's client id for the caller to clear it
 * (otherwise the broker would keep queueing for it while the raw subscriber
 * runs).
 */
export class EngineTarget implements BenchTarget {
  readonly name = "engine";
  readonly clientId: string;
  readonly #child: BenchChild;
  readonly #url: string;
  readonly #dataDir: string;
  readonly #live: LiveLatencyClient;

  private constructor(
    child: BenchChild,
    url: string,
    dataDir: string,
    clientId: string,
    live: LiveLatencyClient,
  ) {
    this.#child = child;
    this.#url = url;
    this.#dataDir = dataDir;
    this.clientId = clientId;
    this.#live = live;
  }

  get pid(): number {
    return this.#child.pid;
  }

  /** The engine's web app. */
  get url(): string {
    return this.#url;
  }

  /** Telemetry points the WebSocket client received (coalesced ones counted in full). */
  get livePoints(): number {
    return this.#live.points;
  }

  /** Why the engine closed the WebSocket client, if it did. */
  get liveClosedBy(): string | undefined {
    return this.#live.closedBy;
  }

  static async start(brokerUrl: string, options: EngineTargetOptions): Promise<EngineTarget> {
    const dataDir = await Deno.makeTempDir({ dir: options.dataDirParent, prefix: "bench-engine-" });
    const clientId = `bench-engine-${crypto.randomUUID().slice(0, 8)}`;
    const child = BenchChild.spawn("bench/engine_process.ts", {
      name: "engine",
      args: ["--mqtt-url", brokerUrl, "--data-dir", dataDir, "--client-id", clientId],
      denoFlags: options.denoFlags,
    });
    try {
      const { url, token } = await child.message<{ url: string; token: string }>(
        120_000,
        "its URL",
      );
      const live = await LiveLatencyClient.open(url, options.factory, token);
      return new EngineTarget(child, url, dataDir, clientId, live);
    } catch (error) {
      await child.stop();
      await Deno.remove(dataDir, { recursive: true });
      throw error;
    }
  }

  async counts(): Promise<TargetCounts> {
    const response = await fetch(`${this.#url}/api/v1/metrics`);
    if (!response.ok) {
      throw new Error(`GET ${this.#url}/api/v1/metrics answered ${response.status}`);
    }
    const text = await response.text();
    return {
      received: sumSamples(text, "millwright_ingest_points_total", { source: "mqtt" }),
      backlog: sumSamples(text, "millwright_mailbox_depth"),
      dropped: sumSamples(text, "millwright_telemetry_shed_total") +
        sumSamples(text, "millwright_ingest_rejected_total"),
    };
  }

  takeLatency(): Promise<LatencySummary> {
    return Promise.resolve(this.#live.takeLatency());
  }

  async stop(): Promise<void> {
    try {
      await this.#live.close();
    } finally {
      const status = await this.#child.stop();
      await Deno.remove(this.#dataDir, { recursive: true });
      if (!status.success) {
        console.error(
          `The engine process exited with ${status.code} (${
            status.signal ?? "no signal"
          }):\n${this.#child.stderrTail()}`,
        );
      }
    }
  }
}
