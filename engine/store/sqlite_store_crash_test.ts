import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { CRASH_BATCH_SIZE, crashValue } from "./crash_batch.ts";
import { SqliteStore } from "./sqlite_store.ts";

const CHILD = new URL("./crash_writer_child.ts", import.meta.url).pathname;

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

    // Raw points and rollups were committed together: they agree, whatever the kill cut.
    const db = new DatabaseSync(path);
    assert.equal(
      (db.prepare("PRAGMA integrity_check").get() as Record<string, string>)
        .integrity_check,
      "ok",
    );
    const raw = db.prepare(
      "SELECT series_id, count(*) AS n, sum(value) AS s FROM points GROUP BY series_id ORDER BY series_id",
    ).all();
    const daily = db.prepare(
      "SELECT series_id, sum(n) AS n, sum(sum_v) AS s FROM rollups WHERE width = 86400000 GROUP BY series_id ORDER BY series_id",
    ).all();
    assert.deepEqual(raw, daily);
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore folds the rollup journal a SIGKILL left behind when it is opened again", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    // Folding only every hour: the kill lands before any fold.
    await writeUntilKilled(path, 5, "3600000");
    const sums = (db: DatabaseSync, width: number | null) =>
      db.prepare(
        width === null
          ? "SELECT series_id, count(*) AS n, sum(value) AS s FROM points GROUP BY series_id ORDER BY series_id"
          : "SELECT series_id, sum(n) AS n, sum(sum_v) AS s FROM rollups WHERE width = ? GROUP BY series_id ORDER BY series_id",
      ).all(...(width === null ? [] : [width]));
    const killed = new DatabaseSync(path);
    const raw = sums(killed, null);
    assert.ok(
      (killed.prepare("SELECT count(*) AS n FROM rollup_dirty").get() as { n: number }).n > 0,
      "the journal holds the unfolded hours",
    );
    assert.deepEqual(sums(killed, 60_000), raw, "the 1 min rollup was committed with the points");
    assert.notDeepEqual(sums(killed, 3_600_000), raw, "the 1 h rollup lags before the fold");
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
    assert.equal(
      hourly.points.reduce((n, [, count]) => n + count, 0),
      (raw[0] as { n: number }).n,
      "queries answer the hours from the 1 min rollup",
    );
    await store.close();

    const db = new DatabaseSync(path);
    assert.deepEqual(sums(db, 3_600_000), raw, "1 h folded");
    assert.deepEqual(sums(db, 86_400_000), raw, "1 d folded");
    assert.equal(
      (db.prepare("SELECT count(*) AS n FROM rollup_dirty").get() as { n: number }).n,
      0,
    );
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
