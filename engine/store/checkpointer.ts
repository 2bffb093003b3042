import type { CheckpointReply, CheckpointRequest } from "./checkpoint_worker.ts";

/** Options of a {@link Checkpointer}. */
export interface CheckpointerOptions {
  /** Period of the checkpoints, ms. */
  readonly everyMs: number;
  /** Told of a checkpoint that failed (the next period tries again). */
  readonly onError: (error: Error) => void;
}

/**
 * Copies the WAL of a store's file into the database file in the background,
 * from a worker at the lowest CPU priority (see `checkpoint_worker.ts`), so
 * that no commit of the write worker pays for a checkpoint.
 *
 * @example
 * ```ts
 * const checkpointer = new Checkpointer("data/timeseries.db", {
 *   everyMs: 5_000,
 *   onError: (error) => console.error(error),
 * });
 * await checkpointer.close();
 * ```
 */
export class Checkpointer {
  readonly #worker: Worker;
  readonly #closed: Promise<void>;
  #closing = false;

  /** Starts checkpointing the store's file at `path` (a failure to open it goes to `onError`). */
  constructor(path: string, options: CheckpointerOptions) {
    if (!Number.isInteger(options.everyMs) || options.everyMs < 1) {
      throw new RangeError(
        `Cannot start checkpointer: 'everyMs' must be a positive integer: current value is ${options.everyMs}`,
      );
    }
    const worker = new Worker(new URL("./checkpoint_worker.ts", import.meta.url).href, {
      type: "module",
    });
    this.#worker = worker;
    const { promise: closed, resolve } = Promise.withResolvers<void>();
    this.#closed = closed;
    worker.onmessage = ({ data }: MessageEvent<CheckpointReply>) => {
      if (data.error !== undefined) {
        options.onError(new Error(`The store's checkpointer: ${data.kind}: ${data.error}`));
      }
      if (data.kind === "close") resolve();
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      options.onError(new Error(`The store's checkpointer failed: ${event.message}`));
      resolve();
    };
    worker.postMessage(
      { kind: "open", path, everyMs: options.everyMs } satisfies CheckpointRequest,
    );
  }

  /** Stops checkpointing and closes the connection (after a checkpoint under way). */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#worker.postMessage({ kind: "close" } satisfies CheckpointRequest);
    }
    await this.#closed;
    this.#worker.terminate();
  }
}
