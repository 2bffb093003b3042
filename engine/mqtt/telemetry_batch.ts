/**
 * Telemetry decoded in the MQTT worker, on its way to the main thread.
 *
 * Decoding and validating JSON telemetry took about a tenth of the main
 * thread's time at 17,500 msgs/s; the worker has room for it. The worker
 * ({@link TelemetryBatchEncoder}) decodes each telemetry publish of a
 * {@link PublishBatch} with the same `decodeJsonTelemetry` the main thread
 * uses, and sends the points of every publish that is valid through and
 * through as columns: times and values in typed arrays (transferred, not
 * copied), topics and metric names as ids into tables both sides keep, so
 * a name crosses the thread boundary once, not once a message. Anything
 * else — a rejection, a waveform, a payload too large or not UTF-8 — stays
 * a raw publish for the main thread's ingest, which rejects it with its
 * reason exactly as before. The main thread ({@link TelemetryBatchDecoder})
 * hands publishes on in arrival order, raw and decoded interleaved.
 *
 * @module
 */
import { decodeJsonTelemetry } from "../ingest/json_telemetry.ts";
import { setMetric } from "../ingest/_metric_record.ts";
import { parseTelemetryTopic } from "../ingest/topic.ts";
import type { MachineRef, TelemetryPoint } from "../telemetry.ts";
import { asciiText, type PublishBatch, PublishBatcher } from "./publish_batch.ts";

/** The decoded part of a batch (see the module's description). */
export interface DecodedTelemetry {
  /** Per publish, in arrival order: -1 for the next raw publish, else its number of decoded points. */
  readonly publishes: Int32Array;
  /** Per decoded publish: the id of its topic. */
  readonly topicIds: Uint32Array;
  /** Per decoded point: its time and where its metrics end in `nameIds` / `values`. */
  readonly ts: Float64Array;
  readonly metricEnds: Uint32Array;
  readonly nameIds: Uint32Array;
  readonly values: Float64Array;
  /** The tables were cleared before this batch (they stay bounded). */
  readonly reset: boolean;
  /** Topics and metric names first used in this batch, in id order. */
  readonly newTopics: readonly string[];
  readonly newNames: readonly string[];
}

/** A batch from a decoding worker: raw publishes plus the decoded ones. */
export interface TelemetryBatch extends PublishBatch {
  readonly decoded: DecodedTelemetry;
}

/** Limits the worker checks as the main thread's ingest would. */
export interface TelemetryDecodeLimits {
  readonly maxBytes: number;
  readonly maxFutureMs: number;
}

/** Options of {@link TelemetryBatchEncoder}. */
export interface TelemetryBatchEncoderOptions {
  /** Receive time (epoch ms) of points without one; the system clock by default. */
  readonly now?: () => number;
  /** Entries a table may hold before both sides clear it (default {@link MAX_INTERNED}). */
  readonly maxInterned?: number;
}

/** Entries a table may hold before both sides clear it (a flood of names costs ids, not memory). */
export const MAX_INTERNED = 65_536;

const TELEMETRY_SUFFIX = "/telemetry";

/**
 * The worker's side: turns a batch of raw publishes into a
 * {@link TelemetryBatch}. Keeps the topic and name tables, so batches must
 * reach one {@link TelemetryBatchDecoder} in the order they were encoded.
 *
 * @example
 * ```ts
 * import type { PublishBatcher } from "./publish_batch.ts";
 * declare const batcher: PublishBatcher;
 * // The worker's global scope (see mqtt_source_worker.ts):
 * declare const scope: { postMessage(message: unknown, transfer: Transferable[]): void };
 *
 * const encoder = new TelemetryBatchEncoder({ maxBytes: 256 * 1024, maxFutureMs: 300_000 });
 * const batch = encoder.encode(batcher.take());
 * scope.postMessage(batch, transferablesOf(batch));
 * ```
 */
export class TelemetryBatchEncoder {
  readonly #limits: TelemetryDecodeLimits;
  readonly #now: () => number;
  readonly #maxInterned: number;
  readonly #topics = new Map<string, { id: number; ref: MachineRef }>();
  #topicIds = 0;
  readonly #names = new Map<string, number>();
  readonly #utf8 = new TextDecoder("utf-8", { fatal: true });
  /** Publishes left raw; one for all batches (`take` copies what it holds out). */
  readonly #raw = new PublishBatcher();
  /** The first batch tells the decoder to start afresh (a new worker after a failed one). */
  #fresh = true;
  readonly #columns = new BatchColumns();

  constructor(limits: TelemetryDecodeLimits, options: TelemetryBatchEncoderOptions = {}) {
    this.#limits = limits;
    this.#now = options.now ?? Date.now;
    this.#maxInterned = options.maxInterned ?? MAX_INTERNED;
  }

  encode(batch: PublishBatch): TelemetryBatch {
    let reset = this.#fresh;
    this.#fresh = false;
    if (this.#topics.size >= this.#maxInterned || this.#names.size >= this.#maxInterned) {
      // Only between batches, so that every id of a batch is in the tables it is read with.
      this.#topics.clear();
      this.#topicIds = 0;
      this.#names.clear();
      reset = true;
    }
    const newTopics: string[] = [];
    const newNames: string[] = [];
    const count = batch.topics.length;
    const publishes = new Int32Array(count);
    const c = this.#columns;
    c.clear();
    const raw = this.#raw;
    const receivedAt = this.#now();
    // The whole batch decoded once when it is ASCII (JSON telemetry nearly always is): each
    // payload's text is then a slice of it, not a view and a decoding of its own.
    const all = asciiText(batch.bytes);
    let start = 0;
    for (let i = 0; i < count; i++) {
      const topic = batch.topics[i];
      const end = batch.ends[i];
      const points = this.#decode(topic, batch.bytes, start, end, all, receivedAt);
      if (points === undefined) {
        publishes[i] = -1;
        raw.add(topic, batch.bytes.subarray(start, end));
        start = end;
        continue;
      }
      start = end;
      let entry = this.#topics.get(topic)!;
      if (entry.id === -1) {
        entry = { id: this.#topicIds++, ref: entry.ref };
        // Ids follow first use within the table's life: the decoder appends in the same order.
        this.#topics.set(topic, entry);
        newTopics.push(topic);
      }
      publishes[i] = points.length;
      c.topicIds.push(entry.id);
      for (const point of points) {
        c.ts.push(point.ts);
        for (const name in point.metrics) {
          let id = this.#names.get(name);
          if (id === undefined) {
            id = this.#names.size;
            this.#names.set(name, id);
            newNames.push(name);
          }
          c.nameIds.push(id);
          c.values.push(point.metrics[name]);
        }
        c.metricEnds.push(c.values.length);
      }
    }
    const leftovers = raw.take();
    return {
      ...leftovers,
      decoded: {
        publishes,
        topicIds: c.topicIds.take(),
        ts: c.ts.take(),
        metricEnds: c.metricEnds.take(),
        nameIds: c.nameIds.take(),
        values: c.values.take(),
        reset,
        newTopics,
        newNames,
      },
    };
  }

  /**
   * The points of the publish in `bytes[start, end)` that the main thread
   * would take whole, or undefined to leave it to it. `all` is the whole
   * batch's text when it is ASCII.
   */
  #decode(
    topic: string,
    bytes: Uint8Array,
    start: number,
    end: number,
    all: string | undefined,
    receivedAt: number,
  ): readonly TelemetryPoint[] | undefined {
    if (!topic.endsWith(TELEMETRY_SUFFIX) || end - start > this.#limits.maxBytes) {
      return undefined;
    }
    let entry = this.#topics.get(topic);
    if (entry === undefined) {
      const parsed = parseTelemetryTopic(topic);
      if ("reason" in parsed) return undefined;
      // Not numbered until a publish on it decodes: a topic of rejected payloads takes no id.
      entry = { id: -1, ref: parsed };
      this.#topics.set(topic, entry);
    }
    let text: string;
    if (all !== undefined) {
      text = all.slice(start, end);
    } else {
      try {
        text = this.#utf8.decode(bytes.subarray(start, end));
      } catch {
        return undefined;
      }
    }
    const result = decodeJsonTelemetry(text, entry.ref, {
      receivedAt,
      maxBytes: this.#limits.maxBytes,
      maxFutureMs: this.#limits.maxFutureMs,
      rejectOtherMachines: true,
    });
    return result.rejections.length === 0 ? result.points : undefined;
  }
}

/** A batch's columns as they fill: typed arrays kept from batch to batch, grown by doubling. */
class BatchColumns {
  readonly topicIds = new GrowingColumn(Uint32Array);
  readonly ts = new GrowingColumn(Float64Array);
  readonly metricEnds = new GrowingColumn(Uint32Array);
  readonly nameIds = new GrowingColumn(Uint32Array);
  readonly values = new GrowingColumn(Float64Array);

  clear(): void {
    this.topicIds.length = this.ts.length = this.metricEnds.length = 0;
    this.nameIds.length = this.values.length = 0;
  }
}

/** One column of {@link BatchColumns}. */
class GrowingColumn<T extends Uint32Array | Float64Array> {
  readonly #make: new (length: number) => T;
  #data: T;
  length = 0;

  constructor(make: new (length: number) => T) {
    this.#make = make;
    this.#data = new make(1_024);
  }

  push(value: number): void {
    if (this.length === this.#data.length) {
      const grown = new this.#make(2 * this.#data.length);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = value;
  }

  /** A copy of the column, exactly its length (its buffer is the batch's to transfer). */
  take(): T {
    return this.#data.slice(0, this.length) as T;
  }
}

/** The buffers of a batch to transfer with `postMessage`. */
export function transferablesOf(batch: PublishBatch | TelemetryBatch): ArrayBuffer[] {
  const buffers = [batch.bytes.buffer, batch.ends.buffer] as ArrayBuffer[];
  if ("decoded" in batch) {
    const d = batch.decoded;
    for (const column of [d.publishes, d.topicIds, d.ts, d.metricEnds, d.nameIds, d.values]) {
      buffers.push(column.buffer as ArrayBuffer);
    }
  }
  return buffers;
}

/** Handles one decoded publish: its machine and its points, all valid. */
export type DecodedPublishHandler = (ref: MachineRef, points: TelemetryPoint[]) => void;

/**
 * The main thread's side: keeps the tables the encoder numbered, and hands
 * each publish of a {@link TelemetryBatch} on in arrival order: raw ones to
 * `onRaw` (as `forEachPublish` does), decoded ones to `onDecoded`.
 *
 * @example
 * ```ts
 * import type { TelemetryPoint } from "../telemetry.ts";
 * declare const batch: TelemetryBatch;
 * declare function ingest(topic: string, payload: Uint8Array): void;
 * declare function take(points: TelemetryPoint[]): void;
 *
 * const decoder = new TelemetryBatchDecoder();
 * decoder.forEach(
 *   batch,
 *   (topic, payload) => ingest(topic, payload),
 *   (ref, points) => take(points),
 * );
 * ```
 */
export class TelemetryBatchDecoder {
  #refs: MachineRef[] = [];
  #names: string[] = [];

  forEach(
    batch: TelemetryBatch,
    onRaw: (topic: string, payload: Uint8Array) => void,
    onDecoded: DecodedPublishHandler,
  ): void {
    const d = batch.decoded;
    if (d.reset) {
      this.#refs = [];
      this.#names = [];
    }
    for (const topic of d.newTopics) {
      const ref = parseTelemetryTopic(topic);
      if ("reason" in ref) throw new Error(`The MQTT worker decoded a bad topic: ${topic}`);
      this.#refs.push(ref);
    }
    for (const name of d.newNames) this.#names.push(name);
    const refs = this.#refs;
    const names = this.#names;
    let rawAt = 0;
    let rawStart = 0;
    let publishAt = 0;
    let pointAt = 0;
    let metricAt = 0;
    for (let i = 0; i < d.publishes.length; i++) {
      const count = d.publishes[i];
      if (count < 0) {
        const end = batch.ends[rawAt];
        onRaw(batch.topics[rawAt], batch.bytes.subarray(rawStart, end));
        rawStart = end;
        rawAt++;
        continue;
      }
      const ref = refs[d.topicIds[publishAt++]];
      const points: TelemetryPoint[] = [];
      for (let p = 0; p < count; p++, pointAt++) {
        const metrics: Record<string, number> = {};
        const end = d.metricEnds[pointAt];
        for (; metricAt < end; metricAt++) {
          setMetric(metrics, names[d.nameIds[metricAt]], d.values[metricAt]);
        }
        points.push({ factory: ref.factory, machine: ref.machine, ts: d.ts[pointAt], metrics });
      }
      onDecoded(ref, points);
    }
  }
}
