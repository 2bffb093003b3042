/**
 * The store write micro-benchmark (`deno run --allow-all bench/store_write_bench.ts`,
 * `--write` records it in BENCHMARKS.md): the store's write side on the
 * calling thread, so that its wall time is its CPU time, for the same stream
 * of points — 1,000 machines × 4 metrics at 10,000 msgs/s, batches of 40,000
 * points (what `StoreWriter` sends at that rate) — in two layouts, each on a
 * fresh WAL file, one after the other in one process:
 *
 * - `row per point`: the layout before chunks (schema 2): every point a row of
 *   a (series, ts) WITHOUT ROWID table, the 1 min rollup and the journal's
 *   hour marks in the same transaction, inserted grouped by series;
 * - `head + chunks`: `PointWriter` as the store runs it: each batch one row of
 *   the head log, compacted into per-series chunks and the 1 min rollup once a
 *   minute of the stream.
 *
 * Both fold the 1 h / 1 d rollups every 10 s of the stream. For each: µs of
 * write-thread time per point (whole stream, compactions, folds and closing
 * included), the slowest single call, and the bytes the process wrote to disk
 * (`/proc/self/io`, WAL and checkpoints included) per point.
 *
 * @module
 */
import { DatabaseSync, type StatementSync } from "node:sqlite";
import type { SeriesPoint } from "../engine/telemetry.ts";
import { PointBatchEncoder } from "../engine/store/point_batch.ts";
import { PointWriter, seriesOrder } from "../engine/store/point_writer.ts";
import { RollupBatch } from "../engine/store/rollup_batch.ts";
import { RollupJournal } from "../engine/store/rollup_journal.ts";
import { ROLLUP_WIDTHS, RollupTable } from "../engine/store/rollup_table.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { openWriteConnection } from "../engine/store/write_connection.ts";

const MACHINES = 1_000;
const METRICS = ["temperature", "vibration", "current", "rpm"];
const MSGS_PER_S = 10_000;
const BATCH = 40_000;
const BATCHES = Number(Deno.args.find((a) => a.startsWith("--batches="))?.slice(10) ?? 150);
const WRITE = Deno.args.includes("--write");
/** Stream seconds per batch. */
const BATCH_S = BATCH / METRICS.length / MSGS_PER_S;
const COMPACT_EVERY = Math.round(60 / BATCH_S);
const FOLD_EVERY = Math.round(10 / BATCH_S);

/** The write side of one layout, driven batch by batch. */
interface Layout {
  write(points: readonly SeriesPoint[]): void;
  /** Called after batch `n` has been written. */
  tick(n: number): void;
  close(): void;
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

/** The layout before chunks: a row per point, as schema 2 stored them. */
class RowPerPoint implements Layout {
  readonly #db: DatabaseSync;
  readonly #encoder = new PointBatchEncoder();
  readonly #rollups: RollupTable;
  readonly #journal: RollupJournal;
  readonly #batch = new RollupBatch(ROLLUP_WIDTHS[0]);
  readonly #ids: number[] = [];
  readonly #insert: StatementSync;
  readonly #insertSeries: StatementSync;
  readonly #selectSeries: StatementSync;

  constructor(path: string) {
    this.#db = openWriteConnection(path);
    this.#db.exec(`CREATE TABLE points (series_id INTEGER NOT NULL, ts INTEGER NOT NULL,
      value REAL NOT NULL, PRIMARY KEY (series_id, ts)) WITHOUT ROWID`);
    this.#rollups = new RollupTable(this.#db);
    this.#journal = new RollupJournal(this.#db);
    this.#insert = this.#db.prepare(
      "INSERT INTO points (series_id, ts, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#insertSeries = this.#db.prepare(
      "INSERT INTO series (factory, machine, metric) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
    );
    this.#selectSeries = this.#db.prepare(
      "SELECT id FROM series WHERE factory = ? AND machine = ? AND metric = ?",
    );
  }

  write(points: readonly SeriesPoint[]): void {
    const { series, keys, ts, values } = this.#encoder.encode(points);
    this.#db.exec("BEGIN IMMEDIATE");
    for (const [key, f, m, metric] of series) {
      this.#insertSeries.run(f, m, metric);
      this.#ids[key] = (this.#selectSeries.get(f, m, metric) as { id: number }).id;
    }
    const ids = Uint32Array.from(keys, (key) => this.#ids[key]);
    for (const i of seriesOrder(ids)) {
      if (this.#insert.run(ids[i], ts[i], values[i]).changes === 1) {
        this.#batch.add(ids[i], ts[i], values[i]);
      }
    }
    const minutes = this.#batch.buckets(ROLLUP_WIDTHS[0]);
    this.#rollups.apply(this.#batch, [ROLLUP_WIDTHS[0]]);
    this.#journal.mark(minutes.map((b) => [b.seriesId, b.bucket] as const));
    this.#db.exec("COMMIT");
    this.#batch.clear();
  }

  tick(n: number): void {
    if ((n + 1) % FOLD_EVERY === 0) this.#journal.fold();
  }

  close(): void {
    this.#journal.fold();
    this.#db.close();
  }
}

/** The store's layout: `PointWriter` with its head log and chunks. */
class HeadAndChunks implements Layout {
  readonly #db: DatabaseSync;
  readonly #writer: PointWriter;
  readonly #encoder = new PointBatchEncoder();

  constructor(path: string) {
    this.#db = openWriteConnection(path);
    this.#writer = new PointWriter(this.#db);
  }

  write(points: readonly SeriesPoint[]): void {
    this.#writer.write(this.#encoder.encode(points));
  }

  tick(n: number): void {
    if ((n + 1) % COMPACT_EVERY === 0) this.#writer.compact();
    if ((n + 1) % FOLD_EVERY === 0) this.#writer.fold();
  }

  close(): void {
    this.#writer.compact();
    this.#writer.fold();
    this.#db.close();
  }
}

interface Result {
  readonly name: string;
  readonly usPerPoint: number;
  readonly slowestMs: number;
  readonly diskBytesPerPoint: number;
  readonly fileMb: number;
}

function writtenBytes(): number {
  const io = Deno.readTextFileSync("/proc/self/io");
  return Number(/write_bytes: (\d+)/.exec(io)![1]);
}

async function measure(name: string, open: (path: string) => Layout): Promise<Result> {
  const dir = await Deno.makeTempDir({ prefix: "store-write-bench-" });
  try {
    const path = `${dir}/ts.db`;
    await new SqliteStore({ path }).close(); // schema
    const t0 = 1_800_000_000_000;
    const layout = open(path);
    let busy = 0;
    let slowest = 0;
    const bytesBefore = writtenBytes();
    for (let n = 0; n < BATCHES; n++) {
      const batch = batchOf(n, t0);
      const started = performance.now();
      layout.write(batch);
      layout.tick(n);
      const took = performance.now() - started;
      busy += took;
      slowest = Math.max(slowest, took);
    }
    const closing = performance.now();
    layout.close();
    busy += performance.now() - closing;
    const points = BATCHES * BATCH;
    let fileBytes = 0;
    for (const entry of Deno.readDirSync(dir)) {
      fileBytes += Deno.statSync(`${dir}/${entry.name}`).size;
    }
    return {
      name,
      usPerPoint: busy * 1000 / points,
      slowestMs: slowest,
      diskBytesPerPoint: (writtenBytes() - bytesBefore) / points,
      fileMb: fileBytes / 1e6,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const results = [
  await measure("row per point (before chunks)", (p) => new RowPerPoint(p)),
  await measure("head + chunks (`PointWriter`)", (p) => new HeadAndChunks(p)),
];

const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const rows = results.map((r) =>
  `| ${r.name} | ${fmt(r.usPerPoint, 2)} | ${fmt(r.slowestMs, 0)} | ${
    fmt(r.diskBytesPerPoint, 0)
  } | ${fmt(r.fileMb, 0)} |`
);
const load = (await Deno.readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
const section = `## Store writes: CPU and disk per point

Measured ${
  new Date().toISOString().slice(0, 16).replace("T", " ")
} UTC on ${navigator.hardwareConcurrency} cores; Deno ${Deno.version.deno}; load average before the run ${load}.

\`\`\`sh
deno run --allow-all bench/store_write_bench.ts --write
\`\`\`

${MACHINES} machines × ${METRICS.length} metrics at ${
  MSGS_PER_S.toLocaleString("en-US")
} msgs/s (4,000 series), ${BATCHES} batches of ${BATCH.toLocaleString("en-US")} points (${
  fmt(BATCHES * BATCH_S, 0)
} s of the stream), written on the calling thread one after the other, each layout on a fresh WAL
file, in this order in one process. Folds of the 1 h / 1 d rollups every 10 s of the stream;
the head is compacted every 60 s of it. µs per point is the write thread's busy time over the whole
stream (compactions, folds and closing included); disk is what the process wrote (WAL and
checkpoints), per point; file is the database and its WAL at the end.

| layout | µs of write CPU per point | slowest call ms | disk bytes written per point | file MB |
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
