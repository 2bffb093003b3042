/**
 * The compactions of a running engine, on the calling thread
 * (`deno run --allow-all bench/compaction_bench.ts [--compactions=40]`): the
 * ingest bench's stream (1,000 machines × 4 metrics, 20,000 msgs/s) written
 * to a fresh store on a file in batches of 20,000 points, with the head
 * compacted each time it holds the write worker's `compactAtPoints`
 * (500,000 points, ~6 s of the stream) and the 1 h / 1 d rollups folded
 * every ~25 s of it. The WAL is checkpointed around each compaction, as the
 * store's checkpointer does every 5 s, so a commit never copies it. Each
 * compaction runs in steps of 4 ms, as the write worker paces it (without
 * its pauses). Prints each compaction's time and its longest step (what the
 * worker cannot pause in: the event loop's share of a core goes to it for
 * that long), with their median, 90th percentile and maximum, and the pages
 * each compaction wrote to the WAL (its frames).
 *
 * `--compact-at=N` compacts at N points instead (with a slice that takes the
 * whole head at once). `--wal-pages` tells which tables and indexes the last
 * compaction's WAL pages belong to (SQLite's `dbstat`). Add `--cpu-prof --cpu-prof-dir=DIR` before the script
 * and read the profile with `bench/cpu_profile_summary.ts` to see where a
 * compaction's time goes.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { PointBatchEncoder } from "../engine/store/point_batch.ts";
import { COMPACTION_SLICE, PointWriter } from "../engine/store/point_writer.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { openWriteConnection } from "../engine/store/write_connection.ts";
import type { SeriesPoint } from "../engine/telemetry.ts";
import { percentile } from "./percentiles.ts";

const MACHINES = 1_000;
const METRICS = ["temperature", "vibration", "current", "rpm"];
const MSGS_PER_S = 20_000;
/** Points per write: what the store writer sends at this rate. */
const BATCH_POINTS = 20_000;
/** Work per step of a paced compaction, as the write worker asks for (`COMPACTION_STEP_MS`). */
const STEP_MS = 4;
/** Sizes of the WAL file's header and of each frame's header (SQLite's WAL format). */
const WAL_HEADER = 32;
const FRAME_HEADER = 24;
/** Compactions between two folds (~25 s of the stream). */
const FOLD_EVERY = 4;

const { values } = parseArgs({
  args: Deno.args,
  // 500,000: the write worker's default `compactAtPoints`.
  options: {
    compactions: { type: "string", default: "40" },
    "compact-at": { type: "string", default: "500000" },
    "wal-pages": { type: "boolean", default: false },
  },
});
const positive = (name: "compactions" | "compact-at"): number => {
  const n = Number(values[name]);
  if (Number.isInteger(n) && n > 0) return n;
  console.error(`'--${name}' must be a positive integer: current value is '${values[name]}'`);
  Deno.exit(2);
};
const compactions = positive("compactions");
const compactAt = positive("compact-at");

const dir = await Deno.makeTempDir({ prefix: "compaction-bench-" });
try {
  const path = `${dir}/ts.db`;
  await new SqliteStore({ path }).close(); // schema
  const db = openWriteConnection(path);
  // The store's checkpointer copies the WAL into the database every few seconds on a connection of
  // its own, so a commit never has to (see write_connection.ts); here around each compaction,
  // untimed.
  const checkpointer = openWriteConnection(path);
  const writer = new PointWriter(db, {
    compactionSlice: Math.max(COMPACTION_SLICE, compactAt + BATCH_POINTS),
  });
  const encoder = new PointBatchEncoder();
  const t0 = 1_800_000_000_000;
  let message = 0;
  const nextBatch = (): SeriesPoint[] => {
    const points: SeriesPoint[] = [];
    for (let j = 0; j < BATCH_POINTS / METRICS.length; j++, message++) {
      const ts = t0 + Math.floor(message * 1_000 / MSGS_PER_S);
      const machine = `m${message % MACHINES}`;
      for (let i = 0; i < METRICS.length; i++) {
        const value = 50 + 10 * Math.sin(message / 997 + i) + (message * 7 + i) % 13 / 10;
        points.push({ factory: "bench", machine, metric: METRICS[i], ts, value });
      }
    }
    return points;
  };
  const took: number[] = [];
  const longestSteps: number[] = [];
  const pages: number[] = [];
  for (let c = 0; c < compactions; c++) {
    while (writer.pendingCompaction < compactAt) writer.write(encoder.encode(nextBatch()));
    // The WAL restarts with the compaction's transaction: its frames are what the commit wrote.
    checkpointer.exec("PRAGMA wal_checkpoint(PASSIVE)");
    // In steps as the write worker paces it; the pauses between them are left out.
    const compaction = writer.startCompaction();
    let busy = 0;
    let longest = 0;
    for (let done = false; !done;) {
      const started = performance.now();
      done = compaction.step(STEP_MS);
      const step = performance.now() - started;
      busy += step;
      longest = Math.max(longest, step);
    }
    took.push(busy);
    longestSteps.push(longest);
    if ((c + 1) % FOLD_EVERY === 0) writer.fold();
    if (values["wal-pages"] && c === compactions - 1) console.log(walPagesByTree(path, db));
    const { log } = checkpointer.prepare("PRAGMA wal_checkpoint(PASSIVE)").get() as { log: number };
    pages.push(log);
  }
  checkpointer.close();
  db.close();
  const ms = (n: number) => n.toFixed(0);
  const spread = (values: number[], unit = " ms") => {
    const sorted = [...values].sort((a, b) => a - b);
    return `median ${ms(percentile(sorted, 50))}${unit}, p90 ${
      ms(percentile(sorted, 90))
    }${unit}, ` +
      `max ${ms(sorted.at(-1)!)}${unit}`;
  };
  console.log(
    `${compactions} compactions of ${compactAt.toLocaleString("en-US")} points ` +
      `(${MACHINES * METRICS.length} series, ${MSGS_PER_S.toLocaleString("en-US")} msgs/s): ` +
      `${spread(took)}; longest step of ${STEP_MS} ms asked: ${spread(longestSteps)}; ` +
      `pages written: ${spread(pages, "")}`,
  );
  console.log(`each, ms: ${took.map(ms).join(" ")}`);
  console.log(`longest step of each, ms: ${longestSteps.map(ms).join(" ")}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}

/**
 * The distinct pages in the WAL, by the B-tree (table or index) and the
 * kind of page they belong to now: "chunks leaf 7912, chunks overflow 2068, …".
 */
function walPagesByTree(path: string, db: DatabaseSync): string {
  const wal = Deno.readFileSync(`${path}-wal`);
  const pageSize = (db.prepare("PRAGMA page_size").get() as { page_size: number }).page_size;
  const pages = new Set<number>();
  for (
    let at = WAL_HEADER;
    at + FRAME_HEADER + pageSize <= wal.length;
    at += FRAME_HEADER + pageSize
  ) {
    pages.add(new DataView(wal.buffer, wal.byteOffset + at, 4).getUint32(0));
  }
  const owner = new Map<number, string>();
  for (const row of db.prepare("SELECT name, pageno, pagetype FROM dbstat").iterate()) {
    const { name, pageno, pagetype } = row as { name: string; pageno: number; pagetype: string };
    owner.set(pageno, `${name} ${pagetype}`);
  }
  const counts = new Map<string, number>();
  for (const page of pages) {
    const tree = owner.get(page) ?? "free";
    counts.set(tree, (counts.get(tree) ?? 0) + 1);
  }
  return `the last compaction's ${pages.size} WAL pages: ` +
    [...counts].sort((a, b) => b[1] - a[1]).map(([tree, n]) => `${tree} ${n}`).join(", ");
}
