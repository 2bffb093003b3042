import { MqttPublisher } from "./mqtt_publisher.ts";
import { benchTopic, metricNames, telemetryPayload } from "./telemetry_payload.ts";

/** Options of {@link LoadGenerator.connect}. */
export interface LoadGeneratorOptions {
  readonly brokerUrl: string;
  readonly machines: number;
  readonly metrics: number;
  readonly qos: 0 | 1;
  /** MQTT connections the load is spread over. */
  readonly publishers: number;
  readonly factory?: string;
}

/** What one {@link LoadGenerator.run} did. */
export interface LoadRun {
  /** The rate asked for, msgs/s (`Infinity`: as fast as the broker takes them). */
  readonly offeredRate: number;
  /** Messages written during the run. */
  readonly published: number;
  /** Of those, acknowledged by the broker (QoS 1) or written to the socket (QoS 0). */
  readonly acked: number;
  /** Wall time of the publishing phase, ms. */
  readonly publishMs: number;
  /** After publishing ended, how long the last acknowledgements took, ms. */
  readonly ackWaitMs: number;
  /** Most messages published and not yet acknowledged at one time. */
  readonly maxInflight: number;
}

/** A run asked of the generator process (one JSON line on its stdin). */
export interface LoadCommand {
  /** msgs/s, or "max" for as fast as the broker takes them. */
  readonly rate: number | "max";
  readonly ms: number;
}

/** Unacknowledged messages allowed at once when publishing as fast as possible. */
const MAX_RATE_WINDOW = 20_000;
/**
 * Pause between publishing bursts, ms: long enough that each write carries
 * many messages (syscalls, not encoding, dominate the generator's CPU), short
 * enough that the load is smooth at the targets' scale.
 */
const TICK_MS = 5;
/** Most load the pacing loop catches up on in one go after a stall, ms worth. */
const BURST_MS = 50;

const encoder = new TextEncoder();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Publishes bench telemetry for `machines` machines, round-robin, at a paced
 * rate over several MQTT connections. Every payload's `ts` is its publish time.
 *
 * @example
 * ```ts
 * declare const brokerUrl: string;
 * const generator = await LoadGenerator.connect({
 *   brokerUrl,
 *   machines: 1000,
 *   metrics: 4,
 *   qos: 1,
 *   publishers: 2,
 * });
 * const run = await generator.run(5_000, 10_000);
 * await generator.close();
 * ```
 */
export class LoadGenerator {
  readonly #publishers: MqttPublisher[];
  readonly #topics: Uint8Array[];
  readonly #names: string[];
  #sequence = 0;

  private constructor(publishers: MqttPublisher[], options: LoadGeneratorOptions) {
    this.#publishers = publishers;
    this.#names = metricNames(options.metrics);
    this.#topics = Array.from(
      { length: options.machines },
      (_, i) => encoder.encode(benchTopic(options.factory ?? "bench", i)),
    );
  }

  /** Opens the publisher connections (clean sessions). */
  static async connect(options: LoadGeneratorOptions): Promise<LoadGenerator> {
    const publishers = await Promise.all(
      Array.from(
        { length: options.publishers },
        (_, i) =>
          MqttPublisher.connect(options.brokerUrl, {
            clientId: `bench-publisher-${Deno.pid}-${i}`,
            qos: options.qos,
          }),
      ),
    );
    return new LoadGenerator(publishers, options);
  }

  /**
   * Publishes at `rate` msgs/s for `durationMs`, then waits for the
   * outstanding acknowledgements. `onPublished` is called once publishing
   * ends, before that wait, with the count published.
   */
  async run(
    rate: number,
    durationMs: number,
    onPublished?: (published: number) => void,
  ): Promise<LoadRun> {
    const publishers = this.#publishers;
    const acked0 = this.#acked();
    const acked = () => this.#acked() - acked0;
    let published = 0;
    let maxInflight = 0;
    const start = performance.now();
    const end = start + durationMs;
    for (let now = start; now < end; now = performance.now()) {
      const due = rate === Infinity
        ? acked() + MAX_RATE_WINDOW
        : Math.min(Math.floor((rate * (now - start)) / 1000), published + (rate * BURST_MS) / 1000);
      while (published < due) {
        const n = this.#sequence++;
        publishers[n % publishers.length].publish(
          this.#topics[n % this.#topics.length],
          telemetryPayload(Date.now(), this.#names, n),
        );
        published++;
      }
      await Promise.all(publishers.map((p) => p.flush()));
      maxInflight = Math.max(maxInflight, published - acked());
      await sleep(TICK_MS);
    }
    const publishMs = performance.now() - start;
    onPublished?.(published);
    while (acked() < published) await sleep(2);
    return {
      offeredRate: rate,
      published,
      acked: acked(),
      publishMs,
      ackWaitMs: performance.now() - start - publishMs,
      maxInflight,
    };
  }

  /** Disconnects every publisher. */
  async close(): Promise<void> {
    await Promise.all(this.#publishers.map((p) => p.close()));
  }

  #acked(): number {
    let n = 0;
    for (const p of this.#publishers) n += p.acked;
    return n;
  }
}
