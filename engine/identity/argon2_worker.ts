import type { Argon2Job, Argon2Run } from "./password_hash.ts";

interface Pending {
  resolve(hash: Uint8Array): void;
  reject(error: Error): void;
}

/**
 * Runs Argon2id in a Web Worker, so a login's ~0.1 s of hashing does not
 * stall the engine's event loop (ingestion, WebSockets). Jobs run one after
 * another in the worker; `close()` ends it and fails what is pending.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { Clock } from "../clock.ts";
 * import { Identity } from "./identity.ts";
 * declare const db: DatabaseSync, clock: Clock, dataDir: string;
 *
 * const argon2 = new Argon2Worker();
 * const identity = await Identity.open(db, { clock, dataDir, argon2: argon2.run });
 * // on shutdown:
 * argon2.close();
 * ```
 */
export class Argon2Worker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor() {
    this.#worker = new Worker(new URL("./_argon2_worker_main.ts", import.meta.url), {
      type: "module",
    });
    this.#worker.onmessage = (
      event: MessageEvent<{ id: number; hash?: Uint8Array; error?: string }>,
    ) => {
      const { id, hash, error } = event.data;
      const pending = this.#pending.get(id);
      if (pending === undefined) return;
      this.#pending.delete(id);
      if (hash !== undefined) pending.resolve(hash);
      else pending.reject(new Error(`Argon2id failed in the worker: ${error}`));
    };
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#failAll(new Error(`The Argon2id worker crashed: ${event.message}`));
    };
  }

  /** Computes one job in the worker (bound: pass `argon2.run` around as an {@link Argon2Run}). */
  readonly run: Argon2Run = (job: Argon2Job) => {
    if (this.#closed) {
      return Promise.reject(new Error("Cannot hash: the Argon2id worker is closed"));
    }
    const id = this.#nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, job });
    });
  };

  /** Jobs sent and not answered yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Ends the worker; pending jobs fail. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#worker.terminate();
    this.#failAll(new Error("Cannot hash: the Argon2id worker was closed"));
  }

  #failAll(error: Error): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }
}
