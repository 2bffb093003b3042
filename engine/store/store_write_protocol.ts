/**
 * The messages between `StoreWriteClient` (the engine's thread) and the
 * store's write worker (`store_write_worker.ts`). A module of their own: the
 * worker's module lowers its thread's priority as it loads, so the engine's
 * thread must never import it, not even for a constant.
 *
 * @module
 */
import type { PointBatch } from "./point_batch.ts";

/** A request to the worker. */
export type WorkerRequest =
  | {
    readonly seq: number;
    readonly kind: "open";
    readonly path: string;
    readonly foldEveryMs: number;
    readonly compactEveryMs: number;
    readonly compactAtPoints: number;
    readonly compactionSlice: number;
  }
  | { readonly seq: number; readonly kind: "write"; readonly batch: PointBatch }
  | { readonly seq: number; readonly kind: "compact" }
  | { readonly seq: number; readonly kind: "close" };

/** The worker's answer to a request. */
export type WorkerReply =
  | {
    readonly seq: number;
    readonly ok: true;
    readonly overwritten: number;
    readonly recomputed: number;
  }
  | { readonly seq: number; readonly ok: false; readonly error: SerializedError };

/** The `seq` of a reply that reports a failed background fold or compaction. */
export const BACKGROUND_FAILED = -1;

/** An error on its way back to the main thread, with its causes. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
}
