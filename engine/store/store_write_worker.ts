/**
 * The write worker of `SqliteStore`: owns the store's write connection, so
 * SQLite's transactions never block the engine's event loop. Messages, in
 * order: `open` (path, fold and compaction periods), `write` (a
 * `PointBatch`), `compact`, `close`; each is answered with the same
 * `seq`, a write once committed to the head. The head is compacted into
 * chunks at open (what a crash left), `compactEveryMs` after the first write
 * since the last compaction, at once when it holds `compactAtPoints`, and at
 * close; the journal of unfolded hours is folded at open, `foldEveryMs`
 * after a compaction, and at close. Each answer carries the overwrites and
 * rollup recomputes of the compactions since the previous answer.
 *
 * The compactions that come due while the engine runs are paced: a few ms
 * of work, then twice that of pause, so that they take at most a third of a
 * core (all at once, one of 500,000 points held a core for 0.3–0.7 s, and
 * the engine's event loop, sharing the cores, fell behind by up to 270 ms).
 * Writes that arrive meanwhile wait for it (the compaction's transaction is
 * open), and are answered in order once it is committed; `compact` and
 * `close` finish it at once.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import {
  BACKGROUND_FAILED,
  type SerializedError,
  type WorkerReply,
  type WorkerRequest,
} from "./store_write_protocol.ts";
import { type Compaction, PointWriter, type WriteOutcome } from "./point_writer.ts";
import { openWriteConnection } from "./write_connection.ts";
import { lowerThreadPriority } from "../thread_priority.ts";

// Writing and compacting can wait a little; the event loop with live telemetry cannot.
lowerThreadPriority(5);

/** Work per step of a paced compaction, ms. */
const COMPACTION_STEP_MS = 4;

/** Pause after a step of a paced compaction per ms the step took. */
const PAUSE_PER_STEP_MS = 2;

/** How soon a fold that came due during a paced compaction tries again, ms. */
const FOLD_RETRY_MS = 1_000;

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
// The paced compaction in progress, and the writes that arrived since it began.
let paced: { readonly compaction: Compaction; readonly held: WorkerRequest[] } | undefined;
let pacedTimer: ReturnType<typeof setTimeout> | undefined;

scope.onmessage = ({ data }) => {
  if (paced !== undefined) {
    if (data.kind === "write") {
      paced.held.push(data);
      return;
    }
    endPaced(true);
  }
  answer(data);
};

function answer(request: WorkerRequest): void {
  try {
    handle(request);
    scope.postMessage({ seq: request.seq, ok: true, overwritten, recomputed });
    overwritten = 0;
    recomputed = 0;
  } catch (error) {
    scope.postMessage({ seq: request.seq, ok: false, error: serialize(error) });
  }
  if (request.kind === "close") scope.close();
}

function handle(request: WorkerRequest): void {
  switch (request.kind) {
    case "open":
      foldEveryMs = request.foldEveryMs;
      compactEveryMs = request.compactEveryMs;
      compactAtPoints = request.compactAtPoints;
      db = openWriteConnection(request.path);
      writer = new PointWriter(db, { compactionSlice: request.compactionSlice });
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
        compactTimer = setTimeout(startPaced, soon ? 0 : compactEveryMs);
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
  compacted(target.compact());
}

/** Counts what a compaction did; a fold follows `foldEveryMs` later. */
function compacted(outcome: WriteOutcome): void {
  overwritten += outcome.overwritten;
  recomputed += outcome.recomputed;
  foldTimer ??= setTimeout(fold, foldEveryMs);
}

function fold(): void {
  foldTimer = undefined;
  // A paced compaction holds the transaction: the fold waits for it.
  if (paced !== undefined) foldTimer = setTimeout(fold, FOLD_RETRY_MS);
  else background(() => writer?.fold());
}

/** Starts the compaction that came due, paced. */
function startPaced(): void {
  compactTimer = undefined;
  compactSoon = false;
  if (writer === undefined) return;
  const target = writer;
  background(() => {
    paced = { compaction: target.startCompaction(), held: [] };
    step();
  });
}

/** A step of the paced compaction, then a pause, or its end. */
function step(): void {
  pacedTimer = undefined;
  const started = performance.now();
  let done = true;
  background(() => done = paced!.compaction.step(COMPACTION_STEP_MS));
  if (!done) pacedTimer = setTimeout(step, (performance.now() - started) * PAUSE_PER_STEP_MS);
  else endPaced(false);
}

/**
 * Ends the paced compaction (finishing it at once when `now`, a failure
 * reported as a background one) and answers the writes it held, in order.
 */
function endPaced(now: boolean): void {
  const { compaction, held } = paced!;
  clearTimeout(pacedTimer);
  pacedTimer = undefined;
  if (now) background(() => compaction.finish());
  paced = undefined;
  if (compaction.outcome !== undefined) compacted(compaction.outcome);
  for (const request of held) answer(request);
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
