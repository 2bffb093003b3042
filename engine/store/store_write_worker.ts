/**
 * The write worker of `SqliteStore`: owns the store's write connection, so
 * SQLite's transactions never block the engine's event loop. Messages, in
 * order: `open` (path, fold and compaction periods), `write` (a
 * {@link PointBatch}), `compact`, `close`; each is answered with the same
 * `seq`, a write once committed to the head. The head is compacted into
 * chunks at open (what a crash left), `compactEveryMs` after the first write
 * since the last compaction, at once when it holds `compactAtPoints`, and at
 * close; the journal of unfolded hours is folded at open, `foldEveryMs`
 * after a compaction, and at close. Each answer carries the overwrites and
 * rollup recomputes of the compactions since the previous answer.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import type { PointBatch } from "./point_batch.ts";
import { PointWriter } from "./point_writer.ts";
import { openWriteConnection } from "./write_connection.ts";
import { lowerThreadPriority } from "../thread_priority.ts";

// Writing and compacting can wait a little; the event loop with live telemetry cannot.
lowerThreadPriority(5);

/** A request to the worker. */
export type WorkerRequest =
  | {
    readonly seq: number;
    readonly kind: "open";
    readonly path: string;
    readonly foldEveryMs: number;
    readonly compactEveryMs: number;
    readonly compactAtPoints: number;
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

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
  close(): void;
};

let db: DatabaseSync | undefined;
let writer: PointWriter | undefined;
let foldTimer: ReturnType<typeof setTimeout> | undefined;
let compactTimer: ReturnType<typeof setTimeout> | undefined;
// The pending compaction timer is the immediate one (the head passed `compactAtPoints`).
let compactSoon = false;
let foldEveryMs = 10_000;
let compactEveryMs = 60_000;
let compactAtPoints = 500_000;
// What compactions did since the last answer.
let overwritten = 0;
let recomputed = 0;

scope.onmessage = ({ data }) => {
  try {
    handle(data);
    scope.postMessage({ seq: data.seq, ok: true, overwritten, recomputed });
    overwritten = 0;
    recomputed = 0;
  } catch (error) {
    scope.postMessage({ seq: data.seq, ok: false, error: serialize(error) });
  }
  if (data.kind === "close") scope.close();
};

function handle(request: WorkerRequest): void {
  switch (request.kind) {
    case "open":
      foldEveryMs = request.foldEveryMs;
      compactEveryMs = request.compactEveryMs;
      compactAtPoints = request.compactAtPoints;
      db = openWriteConnection(request.path);
      writer = new PointWriter(db);
      compact(writer);
      writer.fold();
      return;
    case "write": {
      if (writer === undefined) throw new Error("Cannot write: the write worker is not open");
      writer.write(request.batch);
      // Right after this answer once the head is large, else a period after the first write.
      // A compaction already due at once is left alone: writes arriving back to back must not
      // keep putting it off.
      const soon = writer.pendingCompaction >= compactAtPoints;
      if (soon && !compactSoon) {
        clearTimeout(compactTimer);
        compactTimer = undefined;
      }
      if (compactTimer === undefined) {
        compactSoon = soon;
        // A compaction's failure is not a write's: the batches are committed to the head.
        compactTimer = setTimeout(
          () => background(() => compact(writer)),
          soon ? 0 : compactEveryMs,
        );
      }
      return;
    }
    case "compact":
      if (writer === undefined) throw new Error("Cannot compact: the write worker is not open");
      compact(writer);
      return;
    case "close":
      clearTimeout(foldTimer);
      clearTimeout(compactTimer);
      foldTimer = compactTimer = undefined;
      try {
        if (writer !== undefined) compact(writer);
        writer?.fold();
      } finally {
        db?.close();
        db = undefined;
        writer = undefined;
      }
      return;
  }
}

/** Compacts the head; a fold follows `foldEveryMs` later. */
function compact(target: PointWriter | undefined): void {
  clearTimeout(compactTimer);
  compactTimer = undefined;
  compactSoon = false;
  if (target === undefined) return;
  const outcome = target.compact();
  overwritten += outcome.overwritten;
  recomputed += outcome.recomputed;
  foldTimer ??= setTimeout(() => {
    foldTimer = undefined;
    background(() => writer?.fold());
  }, foldEveryMs);
}

/** Runs work no request waits for; a failure is reported on its own and retried later. */
function background(work: () => void): void {
  try {
    work();
  } catch (error) {
    scope.postMessage({ seq: BACKGROUND_FAILED, ok: false, error: serialize(error) });
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
