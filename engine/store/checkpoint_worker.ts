/**
 * The checkpointer of `SqliteStore`: its own connection to the store's
 * file, at the lowest CPU priority (nice +19), copies the pages the WAL
 * holds into the database file every `everyMs` (`PRAGMA
 * wal_checkpoint(PASSIVE)`: it never waits for the writer or a reader, and
 * does what it can). Messages: `open` (path, period) and `close`, each
 * answered with its `kind` (and an `error` if it failed); a checkpoint that
 * fails is reported as `checkpoint` and tried again at the next period.
 *
 * A checkpoint copies each page written since the last one: at 4,000 series
 * about 10,000 pages, 135–220 ms of CPU. Inside a commit of the write worker
 * (SQLite's automatic checkpoint) that was a burst taking a core from the
 * engine's event loop; here it takes only what the cores leave over.
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { lowerThreadPriority } from "../thread_priority.ts";

// Never urgent: the write connection checkpoints by itself past a bound (see write_connection.ts).
lowerThreadPriority(19);

/** A request to the checkpointer. */
export type CheckpointRequest =
  | { readonly kind: "open"; readonly path: string; readonly everyMs: number }
  | { readonly kind: "close" };

/** The checkpointer's answer to a request (its `kind`), or a failed checkpoint (`checkpoint`). */
export interface CheckpointReply {
  readonly kind: CheckpointRequest["kind"] | "checkpoint";
  /** Why it failed, if it did. */
  readonly error?: string;
}

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<CheckpointRequest>) => void) | null;
  postMessage(message: CheckpointReply): void;
  close(): void;
};

let db: DatabaseSync | undefined;
let timer: ReturnType<typeof setInterval> | undefined;

scope.onmessage = ({ data }) => {
  try {
    if (data.kind === "open") {
      db = new DatabaseSync(data.path);
      timer = setInterval(checkpoint, data.everyMs);
    } else {
      clearInterval(timer);
      db?.close();
      db = undefined;
    }
    scope.postMessage({ kind: data.kind });
  } catch (error) {
    scope.postMessage({ kind: data.kind, error: describe(error) });
  }
  if (data.kind === "close") scope.close();
};

function checkpoint(): void {
  try {
    db?.exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch (error) {
    scope.postMessage({ kind: "checkpoint", error: describe(error) });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
