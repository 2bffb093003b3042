/**
 * The MQTT worker of `MqttSource`: owns the engine's mqtt.js client, so that
 * packet parsing, stream handling and acknowledgements run off the main
 * thread. Publishes are posted to the main thread in batches, one at a
 * time: the next leaves when the main thread has taken the last, holding
 * whatever arrived meanwhile, so the main thread's event loop gets a turn
 * (its sockets, its timers) between batches. An {@link AckGate} holds
 * acknowledgements back while too many publishes wait. Messages, in order: `start` (answered
 * `started` or `failed`), `taken` (publishes the main thread handled),
 * `stop` (answered `stopped` after the last batch).
 *
 * @module
 */
import mqtt, { type MqttClient } from "mqtt";
import { AckGate } from "./ack_gate.ts";
import { PublishBatcher } from "./publish_batch.ts";
import type { MqttSourceOptions } from "./mqtt_source.ts";
import type { WorkerReply, WorkerRequest } from "./mqtt_source_protocol.ts";

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
};

let client: MqttClient | undefined;
let gate = new AckGate(1);
const batcher = new PublishBatcher();
let flushing = false;
// A batch is with the main thread and not yet reported taken.
let posted = false;
let lastError = "";

scope.onmessage = ({ data }) => {
  switch (data.kind) {
    case "start":
      start(data.options, data.maxInFlight).then(
        () => scope.postMessage({ kind: "started" }),
        (error) => scope.postMessage({ kind: "failed", message: messageOf(error) }),
      );
      break;
    case "taken":
      posted = false;
      gate.taken(data.count);
      flush();
      break;
    case "stop":
      stop().finally(() => {
        // Whatever is left goes now, behind a batch the main thread may still be taking.
        posted = false;
        flush();
        scope.postMessage({ kind: "stopped" });
      });
      break;
  }
};

function log(message: string): void {
  scope.postMessage({ kind: "log", message });
}

async function start(
  options: Omit<MqttSourceOptions, "log">,
  maxInFlight: number,
): Promise<void> {
  gate = new AckGate(maxInFlight);
  const created = mqtt.connect(options.url, {
    clientId: options.clientId ?? "millwright-engine",
    clean: false,
    protocolVersion: 4,
    reconnectPeriod: 1_000,
    connectTimeout: 10_000,
    username: options.username,
    password: options.password,
    // mqtt.js traces every packet through `debug`; even disabled, that cost 3 % of the engine.
    log: () => {},
    customHandleAcks: (_topic, _payload, _packet, done) => gate.admit(() => done(0)),
  });
  client = created;
  created.on("message", (topic, payload) => {
    batcher.add(topic, payload);
    gate.sent(1);
    if (!flushing) {
      flushing = true;
      // After the packets of this read are handled: one batch per turn, not per publish.
      setImmediate(flush);
    }
  });
  created.on("connect", () => coalesceAcks(created));
  created.on("error", (error) => {
    // mqtt.js retries by itself; say so once per distinct failure, not every second.
    if (error.message !== lastError) {
      lastError = error.message;
      log(`mqtt: ${error.message} (${options.url}); retrying`);
    }
  });
  let connectedBefore = false;
  created.on("connect", (ack) => {
    if (!connectedBefore) {
      connectedBefore = true;
      return;
    }
    log(`mqtt: connected to ${options.url} again`);
    lastError = "";
    // A broker that lost our session (restarted without persistence) needs the subscription again.
    if (!ack.sessionPresent) {
      subscribe(created, options.topics).catch((error) => log(`mqtt: ${messageOf(error)}`));
    }
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`Cannot connect to the MQTT broker at ${options.url} within 15 s`)),
      15_000,
    );
    created.once("connect", () => {
      clearTimeout(timer);
      // Subscribe even when the broker kept our session: a session from an older version
      // may lack a topic filter added since (e.g. waveforms). Re-subscribing replaces the
      // same subscription and keeps what the broker queued for it.
      subscribe(created, options.topics).then(resolve, reject);
    });
  }).catch(async (error) => {
    client = undefined;
    await created.endAsync(true);
    throw error;
  });
}

async function stop(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (stopping !== undefined) await stopping.endAsync(false);
}

function flush(): void {
  flushing = false;
  if (posted || batcher.size === 0) return;
  posted = true;
  const batch = batcher.take();
  scope.postMessage({ kind: "batch", batch }, [batch.bytes.buffer, batch.ends.buffer]);
}

async function subscribe(target: MqttClient, topics: readonly string[] | undefined): Promise<void> {
  const filters = topics ?? ["factories/+/machines/+/telemetry", "factories/+/machines/+/waveform"];
  const granted = await target.subscribeAsync([...filters], { qos: 1 });
  const refused = granted.filter((g) => g.qos === 128);
  if (refused.length > 0) {
    throw new Error(
      `The broker refused the subscription to ${refused.map((g) => g.topic).join(", ")}`,
    );
  }
}

const coalescing = new WeakSet<object>();

/**
 * mqtt.js handles each incoming packet in its own tick and writes its PUBACK
 * with a cork that lifts on the next tick, so every acknowledgement costs a
 * socket write of its own. Held corked from the moment a chunk of publishes
 * arrives until the macrotask after it, the acknowledgements of the whole
 * chunk leave in one write.
 */
function coalesceAcks(target: MqttClient): void {
  const stream = target.stream as unknown as {
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

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
