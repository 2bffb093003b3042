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
 * const batcher = new PublishBatcher();
 * batcher.add("factories/f/machines/m/telemetry", payload);
 * const batch = batcher.take();
 * postMessage(batch, [batch.bytes.buffer, batch.ends.buffer]);
 * ```
 */
export class PublishBatcher {
  #topics: string[] = [];
  #payloads: Uint8Array[] = [];
  #bytes = 0;

  /** Publishes collected since the last {@link PublishBatcher.take}. */
  get size(): number {
    return this.#topics.length;
  }

  add(topic: string, payload: Uint8Array): void {
    this.#topics.push(topic);
    this.#payloads.push(payload);
    this.#bytes += payload.byteLength;
  }

  take(): PublishBatch {
    const bytes = new Uint8Array(this.#bytes);
    const ends = new Uint32Array(this.#payloads.length);
    let at = 0;
    for (let i = 0; i < this.#payloads.length; i++) {
      bytes.set(this.#payloads[i], at);
      at += this.#payloads[i].byteLength;
      ends[i] = at;
    }
    const batch = { topics: this.#topics, bytes, ends };
    this.#topics = [];
    this.#payloads = [];
    this.#bytes = 0;
    return batch;
  }
}

/** Calls `handle` with each publish of a batch, in order; a payload is a view into the batch. */
export function forEachPublish(
  batch: PublishBatch,
  handle: (topic: string, payload: Uint8Array) => void,
): void {
  let start = 0;
  for (let i = 0; i < batch.topics.length; i++) {
    const end = batch.ends[i];
    handle(batch.topics[i], batch.bytes.subarray(start, end));
    start = end;
  }
}
