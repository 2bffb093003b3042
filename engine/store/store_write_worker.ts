/**
 * The write worker of `SqliteStore`: owns the store's write connection, so
 * SQLite's transactions never block the engine's event loop. Messages, in
 * order: `open` (path and fold period), `write` (a {@link PointBatch}),
 * `close`; each is answered with the same `seq`, a write once committed.
 * The journal of unfolded hours is folded at open (replaying what a crash
 * left), every `foldEveryMs` while writes arrive, and at close.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { PointBatch } from "./point_batch.ts";
import { PointWriter } from "./point_writer.ts";
import { openWriteConnection } from "./write_connection.ts";

/** A request to the worker. */
export type WorkerRequest =
  | {
    readonly seq: number;
    readonly kind: "open";
    readonly path: string;
    readonly foldEveryMs: number;
  }
  | { readonly seq: number; readonly kind: "write"; readonly batch: PointBatch }
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

/** The `seq` of a reply that reports a failed background fold. */
export const FOLD_FAILED = -1;

/** An error on its way back to the main thread, with its causes. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly cause?: SerializedError;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
  close(): void;
};

let db: DatabaseSync | undefined;
let writer: PointWriter | undefined;
let foldTimer: ReturnType<typeof setTimeout> | undefined;
let foldEveryMs = 2_000;

scope.onmessage = ({ data }) => {
  try {
    const outcome = handle(data);
    scope.postMessage({ seq: data.seq, ok: true, ...outcome });
  } catch (error) {
    scope.postMessage({ seq: data.seq, ok: false, error: serialize(error) });
  }
  if (data.kind === "close") scope.close();
};

function handle(request: WorkerRequest): { overwritten: number; recomputed: number } {
  switch (request.kind) {
    case "open":
      foldEveryMs = request.foldEveryMs;
      db = openWriteConnection(request.path);
      writer = new PointWriter(db);
      writer.fold();
      return { overwritten: 0, recomputed: 0 };
    case "write": {
      if (writer === undefined) throw new Error("Cannot write: the write worker is not open");
      const outcome = writer.write(request.batch);
      foldTimer ??= setTimeout(fold, foldEveryMs);
      return { ...outcome };
    }
    case "close":
      if (foldTimer !== undefined) clearTimeout(foldTimer);
      foldTimer = undefined;
      try {
        writer?.fold();
      } finally {
        db?.close();
        db = undefined;
        writer = undefined;
      }
      return { overwritten: 0, recomputed: 0 };
  }
}

function fold(): void {
  foldTimer = undefined;
  try {
    writer?.fold();
  } catch (error) {
    // Not a write's failure (its points are committed): reported on its own; the marks stay.
    scope.postMessage({ seq: FOLD_FAILED, ok: false, error: serialize(error) });
  }
}

function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  return {
    name: error.name,
    message: error.message,
    stack: error.stack,
    cause: error.cause === undefined ? undefined : serialize(error.cause),
  };
}
