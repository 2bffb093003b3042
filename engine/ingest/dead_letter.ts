import { dirname } from "node:path";
import { utf8ByteLength } from "./_decode_limits.ts";
import type { RejectReason } from "./rejection.ts";

/** One rejected input, as kept in the dead-letter file (one JSON object per line). */
export interface DeadLetterRecord {
  /** When it was rejected (epoch ms). */
  readonly at: number;
  /** Where it came from, e.g. "mqtt" or "http". */
  readonly source: string;
  readonly reason: RejectReason;
  readonly message: string;
  /** The offending fragment (already truncated by the decoder). */
  readonly raw?: string;
  readonly factory?: string;
  readonly machine?: string;
}

/** Options of {@link DeadLetterFile}. */
export interface DeadLetterOptions {
  /** Size at which the file is rotated, in bytes (default 16 MiB); disk use stays near twice this. */
  readonly maxBytes?: number;
  /** Records waiting to be written before further ones are dropped (default 10,000). */
  readonly maxQueue?: number;
  /** Where write failures are reported, once per distinct failure until a write succeeds (default console.error). */
  readonly log?: (message: string) => void;
}

const DEFAULT_MAX_BYTES = 16 * 1024 * 1024;
const DEFAULT_MAX_QUEUE = 10_000;
// Records serialized per write: large enough to amortize the syscall, small enough to keep the
// string short.
const BATCH_RECORDS = 1_000;

const encoder = new TextEncoder();

/**
 * A bounded, append-only JSONL file of rejected input, for finding out what a
 * misbehaving device sends. `append` never blocks or throws: records are
 * queued (bounded) and written in batches in the background. When the next
 * record would take the file past `maxBytes` it is renamed to the rotated
 * path (`dead-letter.jsonl` → `dead-letter.1.jsonl`, replacing the older
 * one), so disk use stays at about twice `maxBytes`. Records that cannot be
 * kept (queue full, file closed, write failed) are counted in
 * {@link DeadLetterFile.dropped}, never lost silently.
 *
 * @example
 * ```ts
 * const deadLetter = new DeadLetterFile("./data/dead-letter.jsonl");
 * deadLetter.append({
 *   at: Date.now(),
 *   source: "mqtt",
 *   reason: "bad_json",
 *   message: "payload is not valid JSON",
 * });
 * await deadLetter.close(); // writes what is queued
 * console.log(deadLetter.written, deadLetter.dropped); // 1 0
 * ```
 */
export class DeadLetterFile {
  /** The file records are appended to. */
  readonly path: string;
  /** Where the previous file is kept after a rotation. */
  readonly rotatedPath: string;
  readonly #maxBytes: number;
  readonly #maxQueue: number;
  readonly #log: (message: string) => void;
  #queue: DeadLetterRecord[] = [];
  #draining: Promise<void> | undefined;
  #file: Deno.FsFile | undefined;
  #size = 0;
  #written = 0;
  #dropped = 0;
  #closed = false;
  #lastError = "";

  constructor(path: string, options: DeadLetterOptions = {}) {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    if (typeof path !== "string" || path.length === 0) {
      throw new RangeError(
        `Cannot create dead-letter file: 'path' must be a non-empty string: current value is ${
          JSON.stringify(path)
        }`,
      );
    }
    if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
      throw new RangeError(
        `Cannot create dead-letter file: 'maxBytes' must be a positive integer: current value is ${maxBytes}`,
      );
    }
    if (!Number.isSafeInteger(maxQueue) || maxQueue <= 0) {
      throw new RangeError(
        `Cannot create dead-letter file: 'maxQueue' must be a positive integer: current value is ${maxQueue}`,
      );
    }
    this.path = path;
    this.rotatedPath = path.endsWith(".jsonl") ? `${path.slice(0, -6)}.1.jsonl` : `${path}.1`;
    this.#maxBytes = maxBytes;
    this.#maxQueue = maxQueue;
    this.#log = options.log ?? ((message) => console.error(message));
  }

  /** Records written to disk so far. */
  get written(): number {
    return this.#written;
  }

  /** Records not kept: queue full, appended after close, or lost to a write failure. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Records queued and not yet written. */
  get pending(): number {
    return this.#queue.length;
  }

  /** Queues `record` for writing; drops and counts it when the queue is full or the file closed. */
  append(record: DeadLetterRecord): void {
    if (this.#closed || this.#queue.length >= this.#maxQueue) {
      this.#dropped++;
      return;
    }
    this.#queue.push(record);
    this.#draining ??= this.#drain();
  }

  /** Resolves once every record queued so far is written (or counted as dropped). */
  async flush(): Promise<void> {
    while (this.#draining !== undefined) await this.#draining;
  }

  /** Writes what is queued, then closes the file; later appends are dropped. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
    this.#file?.close();
    this.#file = undefined;
  }

  async #drain(): Promise<void> {
    try {
      // Yield first, so appends of the same tick join the first batch (and #draining is set
      // before the loop can finish).
      await Promise.resolve();
      while (this.#queue.length > 0) {
        const batch = this.#queue.length <= BATCH_RECORDS
          ? this.#queue
          : this.#queue.slice(0, BATCH_RECORDS);
        this.#queue = batch === this.#queue ? [] : this.#queue.slice(BATCH_RECORDS);
        await this.#writeBatch(batch);
      }
    } finally {
      this.#draining = undefined;
    }
  }

  /**
   * Appends the batch, rotating before a record that would take the file past
   * maxBytes (a record larger than maxBytes gets a file of its own). On a
   * failure the rest of the batch is dropped and the file reopened next time.
   */
  async #writeBatch(batch: readonly DeadLetterRecord[]): Promise<void> {
    let done = 0;
    try {
      let file = await this.#openFile();
      let chunk = "";
      let chunkBytes = 0;
      let chunkRecords = 0;
      for (const record of batch) {
        const line = `${JSON.stringify(record)}\n`;
        const bytes = utf8ByteLength(line, Infinity);
        if (this.#size + chunkBytes > 0 && this.#size + chunkBytes + bytes > this.#maxBytes) {
          if (chunkRecords > 0) {
            await this.#append(file, chunk, chunkRecords);
            done += chunkRecords;
            chunk = "";
            chunkBytes = 0;
            chunkRecords = 0;
          }
          file = await this.#rotate(file);
        }
        chunk += line;
        chunkBytes += bytes;
        chunkRecords++;
      }
      if (chunkRecords > 0) await this.#append(file, chunk, chunkRecords);
      this.#lastError = "";
    } catch (error) {
      this.#dropped += batch.length - done;
      // The handle may be broken and the size unknown: reopen on the next batch.
      this.#file?.close();
      this.#file = undefined;
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.#lastError) {
        this.#lastError = message;
        this.#log(
          `dead-letter: cannot write to ${this.path}: ${message}; dropping rejected records until it works`,
        );
      }
    }
  }

  async #append(file: Deno.FsFile, chunk: string, records: number): Promise<void> {
    const data = encoder.encode(chunk);
    let offset = 0;
    while (offset < data.byteLength) offset += await file.write(data.subarray(offset));
    this.#size += data.byteLength;
    this.#written += records;
  }

  async #openFile(): Promise<Deno.FsFile> {
    if (this.#file !== undefined) return this.#file;
    await Deno.mkdir(dirname(this.path), { recursive: true });
    const file = await Deno.open(this.path, { append: true, create: true });
    try {
      this.#size = (await file.stat()).size;
    } catch (error) {
      file.close();
      throw error;
    }
    this.#file = file;
    return file;
  }

  async #rotate(file: Deno.FsFile): Promise<Deno.FsFile> {
    file.close();
    this.#file = undefined;
    await Deno.rename(this.path, this.rotatedPath);
    return await this.#openFile();
  }
}
