/**
 * The compactions of a running engine, on the calling thread
 * (`deno run --allow-all bench/compaction_bench.ts [--compactions=40]`): the
 * ingest bench's stream (1,000 machines × 4 metrics, 20,000 msgs/s) written
 * to a fresh store on a file in batches of 20,000 points, with the head
 * compacted each time it holds the write worker's `compactAtPoints`
 * (500,000 points, ~6 s of the stream) and the 1 h / 1 d rollups folded
 * every ~25 s of it. Prints the time of each compaction and their median,
 * 90th percentile and maximum. `--compact-at=N` compacts at N points instead
 * (with a slice that takes the whole head at once). Add `--cpu-prof --cpu-prof-dir=DIR` before
 * the script and read the profile with `bench/cpu_profile_summary.ts` to
 * see where a compaction's time goes.
 *
 * @module
 */
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
/** Compactions between two folds (~25 s of the stream). */
const FOLD_EVERY = 4;

const { values } = parseArgs({
  args: Deno.args,
  // 500,000: the write worker's default `compactAtPoints`.
  options: {
    compactions: { type: "string", default: "40" },
    "compact-at": { type: "string", default: "500000" },
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
  for (let c = 0; c < compactions; c++) {
    while (writer.pendingCompaction < compactAt) writer.write(encoder.encode(nextBatch()));
    const started = performance.now();
    writer.compact();
    took.push(performance.now() - started);
    if ((c + 1) % FOLD_EVERY === 0) writer.fold();
  }
  db.close();
  const sorted = [...took].sort((a, b) => a - b);
  const ms = (n: number) => n.toFixed(0);
  console.log(
    `${compactions} compactions of ${compactAt.toLocaleString("en-US")} points ` +
      `(${MACHINES * METRICS.length} series, ${MSGS_PER_S.toLocaleString("en-US")} msgs/s): ` +
      `median ${ms(percentile(sorted, 50))} ms, p90 ${ms(percentile(sorted, 90))} ms, ` +
      `max ${ms(sorted.at(-1)!)} ms`,
  );
  console.log(`each, ms: ${took.map(ms).join(" ")}`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
