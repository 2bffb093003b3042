import mqtt, { type MqttClient } from "mqtt";
import { type LatencySummary, summarizeLatency } from "./percentiles.ts";

/** Counters of a {@link RawSubscriber}. */
export interface RawCounts {
  /** Telemetry messages received and parsed. */
  readonly received: number;
  /** Payloads that were not JSON. */
  readonly parseErrors: number;
}

/**
 * The ceiling the engine is compared with: an MQTT subscriber to every
 * machine's telemetry that only `JSON.parse`s each payload (and notes its
 * receive time against the payload's `ts`).
 *
 * @example
 * ```ts
 * const raw = await RawSubscriber.connect("mqtt://127.0.0.1:1883", { qos: 1 });
 * raw.counts(); // { received: 0, parseErrors: 0 }
 * await raw.close();
 * ```
 */
export class RawSubscriber {
  readonly #client: MqttClient;
  #received = 0;
  #parseErrors = 0;
  #latencies: number[] = [];

  private constructor(client: MqttClient) {
    this.#client = client;
    const decoder = new TextDecoder();
    client.on("message", (_topic, payload) => {
      let ts: unknown;
      try {
        ts = JSON.parse(decoder.decode(payload)).ts;
      } catch (error) {
        if (!(error instanceof SyntaxError)) throw error;
        this.#parseErrors++;
        return;
      }
      this.#received++;
      if (typeof ts === "number") this.#latencies.push(Date.now() - ts);
    });
  }

  /** Connects with a clean session and subscribes to `topic` at `qos`. */
  static async connect(
    url: string,
    options: { qos: 0 | 1; topic?: string },
  ): Promise<RawSubscriber> {
    const client = await mqtt.connectAsync(url, {
      clientId: `bench-raw-${Deno.pid}`,
      clean: true,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
    const topic = options.topic ?? "factories/+/machines/+/telemetry";
    const granted = await client.subscribeAsync(topic, { qos: options.qos });
    if (granted.some((g) => g.qos === 128)) {
      await client.endAsync(true);
      throw new Error(`The broker at ${url} refused the subscription to ${topic}`);
    }
    return new RawSubscriber(client);
  }

  counts(): RawCounts {
    return { received: this.#received, parseErrors: this.#parseErrors };
  }

  /** Publish→receive latency (ms) of the messages since the last call. */
  takeLatency(): LatencySummary {
    const summary = summarizeLatency(this.#latencies);
    this.#latencies = [];
    return summary;
  }

  async close(): Promise<void> {
    await this.#client.endAsync(true);
  }
}
