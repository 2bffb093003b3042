import mqtt, { type MqttClient } from "mqtt";

/** Receives every telemetry (and waveform) publish, synchronously, before it is acknowledged. */
export type PublishHandler = (topic: string, payload: Uint8Array) => void;

/** Options of {@link MqttSource}. */
export interface MqttSourceOptions {
  readonly url: string;
  /** Fixed, so the broker keeps our session across restarts. */
  readonly clientId?: string;
  readonly topics?: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly log?: (message: string) => void;
}

/** The topic filter for every machine's telemetry (DESIGN "Public contracts"). */
export const TELEMETRY_TOPIC_FILTER = "factories/+/machines/+/telemetry";

/** The topic filter for every machine's vibration waveforms (engine/vibration). */
export const WAVEFORM_TOPIC_FILTER = "factories/+/machines/+/waveform";

/**
 * The engine's subscription to the broker: QoS 1 with a persistent session
 * (fixed client id, clean = false), so what devices publish while the engine
 * restarts is delivered when it is back. mqtt.js acknowledges a QoS 1 publish
 * after the message handler returned, so a message is acknowledged only once
 * the ingest path has taken it.
 *
 * @example
 * ```ts
 * const source = new MqttSource({ url: "mqtt://127.0.0.1:1883" }, (topic, payload) => ingest(topic, payload));
 * await source.start();
 * await source.stop();
 * ```
 */
export class MqttSource {
  readonly #options: MqttSourceOptions;
  readonly #onPublish: PublishHandler;
  readonly #log: (message: string) => void;
  #client: MqttClient | undefined;
  #lastError = "";

  constructor(options: MqttSourceOptions, onPublish: PublishHandler) {
    this.#options = options;
    this.#onPublish = onPublish;
    this.#log = options.log ?? ((message) => console.log(message));
  }

  /** Connects and subscribes; resolves once the subscription is granted. */
  async start(): Promise<void> {
    const client = mqtt.connect(this.#options.url, {
      clientId: this.#options.clientId ?? "millwright-engine",
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 1_000,
      connectTimeout: 10_000,
      username: this.#options.username,
      password: this.#options.password,
      // mqtt.js traces every packet through `debug`; even disabled, that cost 3 % of the engine.
      log: () => {},
    });
    this.#client = client;
    client.on("message", (topic, payload) => this.#onPublish(topic, payload));
    client.on("connect", () => coalesceAcks(client));
    client.on("error", (error) => {
      // mqtt.js retries by itself; say so once per distinct failure, not every second.
      if (error.message !== this.#lastError) {
        this.#lastError = error.message;
        this.#log(`mqtt: ${error.message} (${this.#options.url}); retrying`);
      }
    });
    let connectedBefore = false;
    client.on("connect", (ack) => {
      if (!connectedBefore) {
        connectedBefore = true;
        return;
      }
      this.#log(`mqtt: connected to ${this.#options.url} again`);
      this.#lastError = "";
      // A broker that lost our session (restarted without persistence) needs the subscription again.
      if (!ack.sessionPresent) {
        this.#subscribe(client).catch((error) => this.#log(`mqtt: ${error.message}`));
      }
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`Cannot connect to the MQTT broker at ${this.#options.url} within 15 s`),
          ),
        15_000,
      );
      client.once("connect", () => {
        clearTimeout(timer);
        // Subscribe even when the broker kept our session: a session from an older version
        // may lack a topic filter added since (e.g. waveforms). Re-subscribing replaces the
        // same subscription and keeps what the broker queued for it.
        this.#subscribe(client).then(resolve, reject);
      });
    }).catch(async (error) => {
      await client.endAsync(true);
      throw error;
    });
  }

  /** Stops taking messages; the broker keeps queuing them for our session. */
  async stop(): Promise<void> {
    const client = this.#client;
    this.#client = undefined;
    if (client !== undefined) await client.endAsync(false);
  }

  async #subscribe(client: MqttClient): Promise<void> {
    const topics = this.#options.topics ?? [TELEMETRY_TOPIC_FILTER, WAVEFORM_TOPIC_FILTER];
    const granted = await client.subscribeAsync([...topics], { qos: 1 });
    const refused = granted.filter((g) => g.qos === 128);
    if (refused.length > 0) {
      throw new Error(
        `The broker refused the subscription to ${refused.map((g) => g.topic).join(", ")}`,
      );
    }
  }
}

const coalescing = new WeakSet<object>();

/**
 * mqtt.js handles each incoming packet in its own tick and writes its PUBACK
 * with a cork that lifts on the next tick, so every acknowledgement costs a
 * socket write of its own — a fifth of the engine's time at 12k msgs/s. Held
 * corked from the moment a chunk of publishes arrives until the macrotask
 * after it, the acknowledgements of the whole chunk leave in one write. They
 * are still sent only after their messages were handed to ingest.
 */
function coalesceAcks(client: MqttClient): void {
  const stream = client.stream as unknown as {
    cork?: () => void;
    uncork?: () => void;
    prependListener?: (event: "data", listener: () => void) => void;
  };
  if (
    coalescing.has(stream) || stream.cork === undefined || stream.uncork === undefined ||
    stream.prependListener === undefined
  ) return;
  coalescing.add(stream);
  let corked = false;
  stream.prependListener("data", () => {
    if (corked) return;
    corked = true;
    stream.cork!();
    setImmediate(() => {
      corked = false;
      stream.uncork!();
    });
  });
}
