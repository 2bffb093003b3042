import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { ChunkTable } from "./chunk_table.ts";
import { CRASH_BATCH_SIZE, crashValue } from "./crash_batch.ts";
import { SqliteStore } from "./sqlite_store.ts";

const CHILD = new URL("./crash_writer_child.ts", import.meta.url).pathname;

/** Per series: the count and sum of the points its chunks hold. */
function chunkSums(db: DatabaseSync): Array<{ series_id: number; n: number; s: number }> {
  const chunks = new ChunkTable(db);
  return (db.prepare("SELECT id FROM series ORDER BY id").all() as Array<{ id: number }>)
    .map(({ id }) => {
      const { values } = chunks.read(id, -Infinity, Infinity);
      return { series_id: id, n: values.length, s: values.reduce((sum, v) => sum + v, 0) };
    })
    .filter((row) => row.n > 0);
}

/** Per series: the count and sum of the points the rollup of `width` holds. */
function rollupSums(db: DatabaseSync, width: number) {
  return db.prepare(
    "SELECT series_id, sum(n) AS n, sum(sum_v) AS s FROM rollups WHERE width = ? " +
      "GROUP BY series_id ORDER BY series_id",
  ).all(width).map((row) => ({ ...row }));
}

const headRows = (db: DatabaseSync) =>
  (db.prepare("SELECT count(*) AS n FROM head_log").get() as { n: number }).n;

/** Runs the crash child on `path` until it acknowledged `batches` batches, then SIGKILLs it. */
async function writeUntilKilled(path: string, batches: number, ...args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", CHILD, path, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const acked: number[] = [];
  let buffered = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  while (acked.length < batches) {
    const { value, done } = await reader.read();
    assert.ok(!done, "the writer exited before it was killed");
    buffered += value;
    const lines = buffered.split("\n");
    buffered = lines.pop()!;
    for (const line of lines) acked.push(Number(line.replace("ack ", "")));
  }
  child.kill("SIGKILL");
  const status = await child.status;
  assert.equal(status.signal, "SIGKILL");
  await reader.cancel();
  return acked;
}

Deno.test("SqliteStore keeps every acknowledged batch when its writer is killed with SIGKILL", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    const acked = await writeUntilKilled(path, 25);

    const store = new SqliteStore({ path });
    const last = acked.at(-1)!;
    const perSeries = CRASH_BATCH_SIZE / 3;
    const [a] = await store.queryRange({
      factory: "crash",
      machine: "m",
      metrics: ["a"],
      from: 0,
      to: ((last + 1) * perSeries - 1) * 1_000,
    });
    assert.equal(a.points.length, (last + 1) * perSeries, "every acknowledged point is there");
    for (let n = 0; n <= last; n++) {
      const first = a.points[n * perSeries];
      assert.deepEqual(first, [n * perSeries * 1_000, crashValue(n, 0) + 0.5], `batch ${n}`);
      assert.equal(a.points[n * perSeries + 5][1], crashValue(n, 5));
    }
    await store.write([{ factory: "crash", machine: "m", metric: "a", ts: -1, value: 1 }]);
    await store.close();

    // Chunks and rollups were committed together: they agree, whatever the kill cut.
    const db = new DatabaseSync(path);
    assert.equal(
      (db.prepare("PRAGMA integrity_check").get() as Record<string, string>)
        .integrity_check,
      "ok",
    );
    assert.equal(headRows(db), 0, "closing compacted the head");
    assert.deepEqual(chunkSums(db), rollupSums(db, 86_400_000));
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore folds the rollup journal a SIGKILL left behind when it is opened again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    // Compacting every other batch but folding only every hour: the kill lands before any fold.
    await writeUntilKilled(path, 9, "3600000", "5000");
    const killed = new DatabaseSync(path);
    const compacted = chunkSums(killed);
    assert.ok(
      (killed.prepare("SELECT count(*) AS n FROM rollup_dirty").get() as { n: number }).n > 0,
      "the journal holds the unfolded hours",
    );
    assert.deepEqual(
      rollupSums(killed, 60_000),
      compacted,
      "the 1 min rollup was committed with the chunks",
    );
    assert.notDeepEqual(rollupSums(killed, 3_600_000), compacted, "the 1 h rollup lags the fold");
    killed.close();

    const store = new SqliteStore({ path });
    const [hourly] = await store.queryRange({
      factory: "crash",
      machine: "m",
      metrics: ["a"],
      from: 0,
      to: 10 * 86_400_000,
      every: 3_600_000,
      agg: "count",
    });
    const written = hourly.points.reduce((n, [, count]) => n + count, 0);
    assert.ok(
      written >= 9 * CRASH_BATCH_SIZE / 3,
      `every acknowledged point is counted: ${written}`,
    );
    await store.close();

    const db = new DatabaseSync(path);
    const raw = chunkSums(db);
    assert.equal(
      raw[0].n,
      written,
      "queries answered the hours from the 1 min rollup and the head",
    );
    assert.equal(headRows(db), 0);
    assert.deepEqual(rollupSums(db, 3_600_000), raw, "1 h folded");
    assert.deepEqual(rollupSums(db, 86_400_000), raw, "1 d folded");
    assert.equal(
      (db.prepare("SELECT count(*) AS n FROM rollup_dirty").get() as { n: number }).n,
      0,
    );
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
