/**
 * Publishes on their way from the MQTT worker to the main thread: topics as
 * strings, payloads back to back in one buffer (transferred, not copied),
 * and where each payload ends.
 */
export interface PublishBatch {
  readonly topics: readonly string[];
  readonly bytes: Uint8Array;
  readonly ends: Uint32Array;
}

/**
 * Collects publishes into a {@link PublishBatch}; {@link PublishBatcher.take}
 * hands over what was collected and starts afresh.
 *
 * @example
 * ```ts
 * import { transferablesOf } from "./telemetry_batch.ts";
 * declare const payload: Uint8Array;
 * // The worker's global scope (see mqtt_source_worker.ts):
 * declare const scope: { postMessage(message: unknown, transfer: Transferable[]): void };
 *
 * const batcher = new PublishBatcher();
 * batcher.add("factories/f/machines/m/telemetry", payload);
 * const batch = batcher.take();
 * scope.postMessage(batch, transferablesOf(batch)); // bytes and ends transferred
 * ```
 */
export class PublishBatcher {
  #topics: string[] = [];
  #ends: number[] = [];
  #bytes = new Uint8Array(64 << 10);
  #length = 0;

  /** Publishes collected since the last {@link PublishBatcher.take}. */
  get size(): number {
    return this.#topics.length;
  }

  /** Adds a publish; its payload is copied, so the caller may reuse the memory at once. */
  add(topic: string, payload: Uint8Array): void {
    const end = this.#length + payload.byteLength;
    if (end > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.#bytes.length * 2));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(payload, this.#length);
    this.#length = end;
    this.#topics.push(topic);
    this.#ends.push(end);
  }

  take(): PublishBatch {
    const batch = {
      topics: this.#topics,
      bytes: this.#bytes.slice(0, this.#length),
      ends: Uint32Array.from(this.#ends),
    };
    this.#topics = [];
    this.#ends = [];
    this.#length = 0;
    return batch;
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Calls `handle` with each publish of a batch, in order; a payload is a view
 * into the batch. When every payload is ASCII (as JSON telemetry nearly
 * always is), `handle` also gets each payload's text, cut from one decoding
 * of the whole batch: decoding payload by payload cost ~0.8 µs each.
 */
export function forEachPublish(
  batch: PublishBatch,
  handle: (topic: string, payload: Uint8Array, text: string | undefined) => void,
): void {
  const all = asciiText(batch.bytes);
  let start = 0;
  for (let i = 0; i < batch.topics.length; i++) {
    const end = batch.ends[i];
    handle(batch.topics[i], batch.bytes.subarray(start, end), all?.slice(start, end));
    start = end;
  }
}

/** The bytes as text if they are all ASCII (so byte offsets are character offsets), else undefined. */
export function asciiText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined; // invalid UTF-8 somewhere: each payload is judged on its own
  }
  // Any byte above 0x7f would have taken part in a sequence of fewer UTF-16 units than bytes.
  return text.length === bytes.length ? text : undefined;
}
