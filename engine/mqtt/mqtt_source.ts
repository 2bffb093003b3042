import type { WorkerReply, WorkerRequest } from "./mqtt_source_protocol.ts";
import { forEachPublish, type PublishBatch } from "./publish_batch.ts";
import {
  type DecodedPublishHandler,
  type TelemetryBatch,
  TelemetryBatchDecoder,
  type TelemetryDecodeLimits,
} from "./telemetry_batch.ts";

/**
 * Receives every telemetry (and waveform) publish, synchronously, before it
 * is acknowledged; `text` is the payload decoded, when it is ASCII.
 */
export type PublishHandler = (topic: string, payload: Uint8Array, text?: string) => void;

/**
 * Telemetry decoded off the main thread: the limits the worker checks (as
 * the ingest would) and who takes the points of a publish that passed.
 */
export interface DecodedTelemetryOptions {
  readonly limits: TelemetryDecodeLimits;
  readonly onDecoded: DecodedPublishHandler;
}

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

/** Publishes the worker holds for this thread, or has posted and not seen taken, before it holds acknowledgements. */
const MAX_IN_FLIGHT = 5_000;

/**
 * The engine's subscription to the broker: QoS 1 with a persistent session
 * (fixed client id, clean = false), so what devices publish while the engine
 * restarts is delivered when it is back. The MQTT client (our own
 * `MqttSubscriber`; mqtt.js cost ~15 µs of CPU a publish) runs in a worker
 * (`mqtt_source_worker.ts`): reading packets and writing acknowledgements
 * cost the main thread ~15 % of its time at 10,000 msgs/s when mqtt.js did
 * it there. The worker posts publishes in batches, at most two outstanding
 * (one being handled, the next waiting, so this thread does not wait for the
 * worker to wake), and `onPublish` runs for each on this thread,
 * synchronously, in arrival order; a batch is reported taken a turn of the
 * event loop later, so that sockets and timers (the live WebSockets) run
 * between batches.
 *
 * A publish is acknowledged once it is in a batch on its way to this
 * thread, in the same process, as before it was acknowledged once handed to
 * the actors' mailboxes: a crash loses either alike, a graceful `stop`
 * neither. While more than 5,000 publishes wait for this thread, the
 * worker holds acknowledgements and stops reading, so the broker keeps the
 * backlog.
 *
 * @example
 * ```ts
 * declare function ingest(topic: string, payload: Uint8Array): void;
 * const url = "mqtt://127.0.0.1:1883";
 * const source = new MqttSource({ url }, (topic, payload) => ingest(topic, payload));
 * await source.start();
 * await source.stop();
 * ```
 */
export class MqttSource {
  readonly #options: MqttSourceOptions;
  readonly #onPublish: PublishHandler;
  readonly #decoded: DecodedTelemetryOptions | undefined;
  readonly #decoder = new TelemetryBatchDecoder();
  readonly #log: (message: string) => void;
  #worker: Worker | undefined;
  #stopped: (() => void) | undefined;
  #stopping = false;

  /**
   * `onPublish` takes every publish, unless `decoded` is given: then the
   * worker decodes telemetry, `decoded.onDecoded` takes the points of each
   * publish that passed whole, and `onPublish` takes the rest (to reject, or
   * waveforms). Points without a time get the worker's receive time (the
   * system clock).
   */
  constructor(
    options: MqttSourceOptions,
    onPublish: PublishHandler,
    decoded?: DecodedTelemetryOptions,
  ) {
    this.#options = options;
    this.#onPublish = onPublish;
    this.#decoded = decoded;
    this.#log = options.log ?? ((message) => console.log(message));
  }

  /** Connects and subscribes; resolves once the subscription is granted. */
  start(): Promise<void> {
    this.#stopping = false;
    return this.#spawn();
  }

  async #spawn(): Promise<void> {
    const worker = new Worker(new URL("./mqtt_source_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker = worker;
    const { log: _, ...options } = this.#options;
    await new Promise<void>((resolve, reject) => {
      worker.onmessage = ({ data }: MessageEvent<WorkerReply>) => {
        switch (data.kind) {
          case "started":
            started = true;
            return resolve();
          case "failed":
            return reject(new Error(data.message));
          case "batch":
            return this.#take(worker, data.batch);
          case "log":
            return this.#log(data.message);
          case "stopped":
            return this.#stopped?.();
        }
      };
      let started = false;
      worker.onerror = (event) => {
        event.preventDefault();
        const error = new Error(`The MQTT worker failed: ${event.message}`, { cause: event.error });
        if (!started) return reject(error);
        // What it took was handed over already; the broker redelivers what it had not acknowledged.
        this.#log(`mqtt: ${error.message}; starting it again in 1 s`);
        worker.terminate();
        this.#stopped?.();
        if (this.#worker !== worker || this.#stopping) return;
        this.#worker = undefined;
        setTimeout(() => this.#respawn(), 1_000);
      };
      worker.postMessage(
        {
          kind: "start",
          options,
          maxInFlight: MAX_IN_FLIGHT,
          ...(this.#decoded === undefined ? {} : { decode: this.#decoded.limits }),
        } as WorkerRequest,
      );
    }).catch((error) => {
      this.#worker = undefined;
      worker.terminate();
      throw error;
    });
  }

  /**
   * Stops taking messages; resolves once every publish the worker took has
   * been handed to `onPublish`. The broker keeps queuing for our session.
   */
  async stop(): Promise<void> {
    this.#stopping = true;
    const worker = this.#worker;
    this.#worker = undefined;
    if (worker === undefined) return;
    try {
      await new Promise<void>((resolve) => {
        this.#stopped = resolve;
        worker.postMessage({ kind: "stop" } as WorkerRequest);
      });
    } finally {
      this.#stopped = undefined;
      worker.terminate();
    }
  }

  #respawn(): void {
    if (this.#stopping || this.#worker !== undefined) return;
    this.#spawn().then(
      () => this.#log("mqtt: subscribed again"),
      (error) => {
        this.#log(`mqtt: ${error.message}; trying again in 5 s`);
        setTimeout(() => this.#respawn(), 5_000);
      },
    );
  }

  #take(worker: Worker, batch: PublishBatch | TelemetryBatch): void {
    let count = batch.topics.length;
    if ("decoded" in batch) {
      count = batch.decoded.publishes.length;
      const onDecoded = this.#decoded!.onDecoded;
      try {
        this.#decoder.forEach(
          batch,
          (topic, payload) => this.#handle(topic, payload, undefined),
          (ref, points) => {
            try {
              onDecoded(ref, points);
            } catch (error) {
              this.#log(
                `mqtt: handling a publish of ${ref.factory}/${ref.machine} failed: ${
                  (error as Error).message
                }`,
              );
            }
          },
        );
      } catch (error) {
        // A batch this side cannot read (a bug): the rest of it is lost, not the intake.
        this.#log(`mqtt: reading a batch from the worker failed: ${(error as Error).message}`);
      }
    } else {
      forEachPublish(batch, (topic, payload, text) => this.#handle(topic, payload, text));
    }
    // After a turn of the event loop: the next batch must not starve the sockets and timers.
    setTimeout(() => {
      if (this.#worker === worker) {
        worker.postMessage({ kind: "taken", count } as WorkerRequest);
      }
    }, 0);
  }

  #handle(topic: string, payload: Uint8Array, text: string | undefined): void {
    try {
      this.#onPublish(topic, payload, text);
    } catch (error) {
      // The ingest path rejects bad input itself; a throw here is a bug, not a reason to drop the
      // batch.
      this.#log(`mqtt: handling a publish on ${topic} failed: ${(error as Error).message}`);
    }
  }
}
