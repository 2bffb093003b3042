/**
 * The MQTT worker of `MqttSource`: owns the engine's subscription (an
 * {@link MqttSubscriber}), so that reading the socket, cutting packets and
 * writing acknowledgements run off the main thread. Publishes are posted to
 * the main thread in batches, at most two outstanding: one being handled and
 * the next waiting, so the main thread never idles while this thread wakes
 * up to post (with one, the round trip left it idle a third of the time on a
 * busy host, and the backlog grew), and no pile of batches builds up there.
 * Whatever arrives meanwhile waits here for the next batch. Asked to, it also
 * decodes telemetry (`telemetry_batch.ts`), which the main thread would
 * otherwise spend a tenth of its time on. The main thread's
 * event loop gets a turn (its sockets, its timers) between batches.
 * Messages, in order: `start` (answered `started` or `failed`), `taken`
 * (publishes the main thread handled), `stop` (answered `stopped` after the
 * last batch).
 *
 * The thread runs at nice +3: on a host with its cores full, the event loop
 * (the slower stage: ~60 % of a core at 17,500 msgs/s against this thread's
 * ~25 %) gets the larger share, and this thread, woken less often, reads
 * more per wake-up. At 17,500 msgs/s with mosquitto and the load generator
 * on the same 2 cores, publish→WebSocket p50 / p99 went from 31–77 / 153–366
 * ms to 13–15 / 96–181 ms, and the engine's CPU from 92–94 % to 86–87 % of a
 * core.
 *
 * @module
 */
import { MqttSubscriber } from "./mqtt_subscriber.ts";
import { PublishBatcher } from "./publish_batch.ts";
import { TelemetryBatchEncoder, transferablesOf } from "./telemetry_batch.ts";
import type { WorkerReply, WorkerRequest } from "./mqtt_source_protocol.ts";
import { lowerThreadPriority } from "../thread_priority.ts";

lowerThreadPriority(3);

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
};

let subscriber: MqttSubscriber | undefined;
const batcher = new PublishBatcher();
/** Decodes telemetry here when the main thread asked for it. */
let encoder: TelemetryBatchEncoder | undefined;
let flushing = false;
/** Batches posted at most to the main thread and not yet reported taken. */
const MAX_OUTSTANDING = 2;
let outstanding = 0;

scope.onmessage = ({ data }) => {
  switch (data.kind) {
    case "start":
      start(data).then(
        () => scope.postMessage({ kind: "started" }),
        (error) => scope.postMessage({ kind: "failed", message: messageOf(error) }),
      );
      break;
    case "taken":
      outstanding--;
      subscriber?.taken(data.count);
      flush();
      break;
    case "stop":
      stop().finally(() => {
        // Whatever is left goes now, behind a batch the main thread may still be taking.
        outstanding = 0;
        flush();
        scope.postMessage({ kind: "stopped" });
      });
      break;
  }
};

async function start(request: Extract<WorkerRequest, { kind: "start" }>): Promise<void> {
  const { options } = request;
  encoder = request.decode === undefined ? undefined : new TelemetryBatchEncoder(request.decode);
  const created = new MqttSubscriber({
    url: options.url,
    clientId: options.clientId ?? "millwright-engine",
    topics: options.topics ??
      ["factories/+/machines/+/telemetry", "factories/+/machines/+/waveform"],
    username: options.username,
    password: options.password,
    maxInFlight: request.maxInFlight,
    log: (message) => scope.postMessage({ kind: "log", message }),
  }, (topic, payload) => {
    batcher.add(topic, payload);
    if (!flushing) {
      flushing = true;
      // After the packets of this read are handled: one batch per turn, not per publish.
      setTimeout(flush, 0);
    }
  });
  await created.start();
  subscriber = created;
}

async function stop(): Promise<void> {
  const stopping = subscriber;
  subscriber = undefined;
  await stopping?.stop();
}

function flush(): void {
  flushing = false;
  if (outstanding >= MAX_OUTSTANDING || batcher.size === 0) return;
  outstanding++;
  const taken = batcher.take();
  const batch = encoder === undefined ? taken : encoder.encode(taken);
  scope.postMessage({ kind: "batch", batch }, transferablesOf(batch));
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
