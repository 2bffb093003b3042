import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { CRASH_BATCH_SIZE, crashValue } from "./crash_batch.ts";
import { SqliteStore } from "./sqlite_store.ts";

const CHILD = new URL("./crash_writer_child.ts", import.meta.url).pathname;

Deno.test("SqliteStore keeps every acknowledged batch when its writer is killed with SIGKILL", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-read", "--allow-write", CHILD, path],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const acked: number[] = [];
    let buffered = "";
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    while (acked.length < 25) {
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
