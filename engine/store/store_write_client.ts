import type { PointBatch } from "./point_batch.ts";
import {
  BACKGROUND_FAILED,
  type SerializedError,
  type WorkerReply,
  type WorkerRequest,
} from "./store_write_protocol.ts";
import type { WriteOutcome } from "./point_writer.ts";

type Pending = { resolve: (outcome: WriteOutcome) => void; reject: (error: Error) => void };
/** A request before its `seq` (each variant of the protocol's, without it). */
type Request = WorkerRequest extends infer R ? R extends unknown ? Omit<R, "seq"> : never : never;

/** How the worker is opened: see `SqliteStoreOptions`. */
export interface StoreWriteClientOptions {
  readonly path: string;
  readonly foldEveryMs: number;
  readonly compactEveryMs: number;
  readonly compactAtPoints: number;
  readonly compactionSlice: number;
  /** Called when a background fold or compaction fails (it is retried later). */
  readonly onBackgroundError: (error: Error) => void;
}

/**
 * The main thread's end of the store's write worker: sends requests in
 * order and resolves each when the worker answers (a write once it is
 * committed to the head). Each answer carries what the compactions since
 * the previous one did. When the worker dies, everything pending and later
 * is rejected with the reason.
 *
 * @example
 * ```ts
 * import type { SeriesPoint } from "../telemetry.ts";
 * import { PointBatchEncoder } from "./point_batch.ts";
 * declare const path: string, points: SeriesPoint[];
 * const encoder = new PointBatchEncoder();
 *
 * const client = new StoreWriteClient({
 *   path,
 *   foldEveryMs: 10_000,
 *   compactEveryMs: 60_000,
 *   compactAtPoints: 500_000,
 *   compactionSlice: 600_000,
 *   onBackgroundError: console.error,
 * });
 * await client.write(encoder.encode(points));
 * await client.close();
 * ```
 */
export class StoreWriteClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  readonly #onBackgroundError: (error: Error) => void;
  #seq = 0;
  #dead: Error | undefined;
  #terminated = false;

  constructor(options: StoreWriteClientOptions) {
    this.#onBackgroundError = options.onBackgroundError;
    this.#worker = new Worker(new URL("./store_write_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker.onmessage = (event: MessageEvent<WorkerReply>) => this.#reply(event.data);
    this.#worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#die(
        new Error(`The store's write worker failed: ${event.message}`, {
          cause: event.error,
        }),
      );
    };
    // A failed open is reported on the first write that follows it.
    this.#send({
      kind: "open",
      path: options.path,
      foldEveryMs: options.foldEveryMs,
      compactEveryMs: options.compactEveryMs,
      compactAtPoints: options.compactAtPoints,
      compactionSlice: options.compactionSlice,
    })
      .catch((error) => this.#die(error));
  }

  /** Resolves once the batch is committed to the head; rejects (nothing committed) otherwise. */
  write(batch: PointBatch): Promise<WriteOutcome> {
    return this.#send({ kind: "write", batch }, [
      batch.keys.buffer as ArrayBuffer,
      batch.ts.buffer as ArrayBuffer,
      batch.values.buffer as ArrayBuffer,
    ]);
  }

  /** Resolves once every write sent is compacted into chunks and the 1 min rollup. */
  compact(): Promise<WriteOutcome> {
    return this.#send({ kind: "compact" });
  }

  /** Waits for every write sent, compacts, folds, closes the connection and ends the worker. */
  async close(): Promise<void> {
    if (this.#terminated) return;
    try {
      if (this.#dead === undefined) await this.#send({ kind: "close" });
    } finally {
      this.#terminated = true;
      this.#worker.terminate();
    }
  }

  #send(request: Request, transfer: Transferable[] = []): Promise<WriteOutcome> {
    if (this.#dead !== undefined) return Promise.reject(this.#dead);
    const seq = this.#seq++;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      this.#worker.postMessage({ ...request, seq } as WorkerRequest, transfer);
    });
  }

  #reply(reply: WorkerReply): void {
    if (reply.seq === BACKGROUND_FAILED) {
      if (!reply.ok) this.#onBackgroundError(deserialize(reply.error));
      return;
    }
    const pending = this.#pending.get(reply.seq);
    if (pending === undefined) return;
    this.#pending.delete(reply.seq);
    if (reply.ok) pending.resolve({ overwritten: reply.overwritten, recomputed: reply.recomputed });
    else pending.reject(deserialize(reply.error));
  }

  #die(error: Error): void {
    this.#dead ??= error;
    for (const pending of this.#pending.values()) pending.reject(this.#dead);
    this.#pending.clear();
  }
}

function deserialize(serialized: SerializedError): Error {
  const error = new Error(serialized.message, {
    cause: serialized.cause === undefined ? undefined : deserialize(serialized.cause),
  });
  error.name = serialized.name;
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  return error;
}
