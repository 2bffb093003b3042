/**
 * The store write micro-benchmark (`deno run --allow-all bench/store_write_bench.ts`,
 * `--write` records it in BENCHMARKS.md): writes the same stream of
 * points — 1,000 machines × 4 metrics at 3,000 msgs/s, batches of 5,000
 * points, as `StoreWriter` sends them — through three store set-ups, each on
 * a fresh file, one after the other in the same run:
 *
 * - `before`: the previous `SqliteStore.write`, on the calling thread, raw
 *   points and the 1 min / 1 h / 1 d rollups in one transaction;
 * - `journal, same thread`: raw + 1 min + hour marks in the transaction, 1 h /
 *   1 d folded from the journal every 2 s (the `:memory:` store's path, here on a file);
 * - `worker`: `SqliteStore` as the engine runs it: the same, in the write worker.
 *
 * For each: points/s over the whole stream (closing, so the last fold, included)
 * and the calling thread's time per batch (the synchronous part of `write`:
 * what the event loop cannot do anything else during).
 *
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import { percentile } from "./percentiles.ts";
import type { SeriesPoint } from "../engine/telemetry.ts";
import { PointBatchEncoder } from "../engine/store/point_batch.ts";
import { PointWriter } from "../engine/store/point_writer.ts";
import { RollupBatch } from "../engine/store/rollup_batch.ts";
import { ROLLUP_WIDTHS, RollupTable } from "../engine/store/rollup_table.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { openWriteConnection } from "../engine/store/write_connection.ts";

const MACHINES = 1_000;
const METRICS = ["temperature", "vibration", "current", "rpm"];
const MSGS_PER_S = 3_000;
const BATCH = 5_000;
const BATCHES = Number(Deno.args.find((a) => a.startsWith("--batches="))?.slice(10) ?? 120);
const WRITE = Deno.args.includes("--write");

interface Writer {
  write(points: readonly SeriesPoint[]): Promise<void>;
  close(): Promise<void>;
}

/** Batch `n` of the stream: messages round-robin over the machines, ts at the offered rate. */
function batchOf(n: number, t0: number): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  const messages = BATCH / METRICS.length;
  for (let j = 0; j < messages; j++) {
    const k = n * messages + j;
    const ts = t0 + Math.floor(k * 1_000 / MSGS_PER_S);
    const machine = `m${k % MACHINES}`;
    for (let i = 0; i < METRICS.length; i++) {
      points.push({ factory: "bench", machine, metric: METRICS[i], ts, value: (k * 7 + i) % 101 });
    }
  }
  return points;
}

/** The store's write path before the worker and the journal, for comparison. */
class BeforeWriter implements Writer {
  readonly #db: DatabaseSync;
  readonly #encoder = new PointBatchEncoder();
  readonly #rollups: RollupTable;
  readonly #batch = new RollupBatch(ROLLUP_WIDTHS[0]);
  readonly #ids: number[] = [];
  readonly #names: Array<readonly [string, string, string]> = [];

  constructor(path: string) {
    // The store creates the schema; its worker is closed again at once.
    this.#db = openWriteConnection(path);
    this.#rollups = new RollupTable(this.#db);
  }

  write(points: readonly SeriesPoint[]): Promise<void> {
    const { series, keys, ts, values } = this.#encoder.encode(points);
    for (const [key, f, m, metric] of series) this.#names[key] = [f, m, metric];
    const insert = this.#db.prepare(
      "INSERT INTO points (series_id, ts, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#db.exec("BEGIN IMMEDIATE");
    for (let i = 0; i < keys.length; i++) {
      const id = this.#ids[keys[i]] ?? this.#seriesId(keys[i]);
      if (insert.run(id, ts[i], values[i]).changes === 1) this.#batch.add(id, ts[i], values[i]);
    }
    this.#rollups.apply(this.#batch);
    this.#db.exec("COMMIT");
    this.#batch.clear();
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }

  #seriesId(key: number): number {
    const [f, m, metric] = this.#names[key];
    this.#db.prepare("INSERT INTO series (factory, machine, metric) VALUES (?, ?, ?)").run(
      f,
      m,
      metric,
    );
    const { id } = this.#db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    ).get(f, m, metric) as { id: number };
    return this.#ids[key] = id;
  }
}

/** The journal path on the calling thread: `PointWriter` with a fold every 2 s. */
class SameThreadJournalWriter implements Writer {
  readonly #db: DatabaseSync;
  readonly #writer: PointWriter;
  readonly #encoder = new PointBatchEncoder();
  #lastFold = performance.now();

  constructor(path: string) {
    this.#db = openWriteConnection(path);
    this.#writer = new PointWriter(this.#db);
  }

  write(points: readonly SeriesPoint[]): Promise<void> {
    this.#writer.write(this.#encoder.encode(points));
    if (performance.now() - this.#lastFold >= 2_000) {
      this.#writer.fold();
      this.#lastFold = performance.now();
    }
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.#writer.fold();
    this.#db.close();
    return Promise.resolve();
  }
}

interface Result {
  readonly name: string;
  readonly pointsPerS: number;
  readonly blockingMs: number[];
  readonly closeMs: number;
}

async function measure(name: string, open: (path: string) => Writer): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "store-write-bench-" });
  try {
    const path = `${dir}/ts.db`;
    await new SqliteStore({ path }).close(); // schema
    const batches = Array.from({ length: BATCHES }, (_, n) => batchOf(n, 1_800_000_000_000));
    const writer = open(path);
    const blockingMs: number[] = [];
    const started = performance.now();
    for (const batch of batches) {
      const before = performance.now();
      const written = writer.write(batch);
      blockingMs.push(performance.now() - before);
      await written;
    }
    const closing = performance.now();
    await writer.close();
    const ended = performance.now();
    return {
      name,
      pointsPerS: BATCHES * BATCH / ((ended - started) / 1000),
      blockingMs,
      closeMs: ended - closing,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const results = [
  await measure(
    "before: raw + 1 min/1 h/1 d in the transaction, same thread",
    (p) => new BeforeWriter(p),
  ),
  await measure(
    "journal: raw + 1 min + hour marks, 1 h/1 d folded every 2 s, same thread",
    (p) => new SameThreadJournalWriter(p),
  ),
  await measure(
    "after: journal, in the write worker (`SqliteStore`)",
    (p) => new SqliteStore({ path: p }),
  ),
];

const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows = results.map((r) => {
  const sorted = [...r.blockingMs].sort((a, b) => a - b);
  const mean = r.blockingMs.reduce((a, b) => a + b, 0) / r.blockingMs.length;
  return `| ${r.name} | ${fmt(r.pointsPerS, 0)} | ${fmt(mean)} | ${fmt(percentile(sorted, 50))} / ${
    fmt(percentile(sorted, 99))
  } / ${fmt(sorted.at(-1)!)} | ${fmt(r.closeMs)} |`;
});
const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
const section = `## Store writes: points/s and event-loop blocking per batch

Measured ${
  new Date().toISOString().slice(0, 16).replace("T", " ")
} UTC on ${navigator.hardwareConcurrency} cores; Deno ${Deno.version.deno}; load average before the run ${load}.

\`\`\`sh
deno run --allow-all bench/store_write_bench.ts --write
\`\`\`

${MACHINES} machines × ${METRICS.length} metrics at ${MSGS_PER_S} msgs/s (4,000 series, ~1.25 points
per series per batch), ${BATCHES} batches of ${BATCH} points written one after the other (as
\`StoreWriter\` does), each set-up on a fresh WAL file, in this order in one process. points/s
counts the whole stream including \`close\` (the last fold). Calling-thread ms is the synchronous part
of \`write\`, i.e. how long the event loop is blocked per batch.

| set-up | points/s | calling-thread ms per batch (mean) | p50 / p99 / max ms | close ms |
|---|--:|--:|--:|--:|
${rows.join("\n")}
`;
console.log(section);
if (WRITE) {
  const path = new URL("../BENCHMARKS.md", import.meta.url).pathname;
  const BEGIN = "<!-- store-write-bench:begin -->";
  const END = "<!-- store-write-bench:end -->";
  const text = await Deno.readTextFile(path);
  const block = `${BEGIN}\n${section}${END}`;
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  await Deno.writeTextFile(
    path,
    begin >= 0 && end > begin
      ? text.slice(0, begin) + block + text.slice(end + END.length)
      : `${text.trimEnd()}\n\n${block}\n`,
  );
  console.log(`Recorded in ${path}`);
}
