import { seededRandom } from "../detect/prng.ts";
import assert from "node:assert/strict";
import type { SeriesPoint } from "../telemetry.ts";
import { ChunkTable } from "./chunk_table.ts";
import { PointBatchEncoder } from "./point_batch.ts";
import { PointWriter, seriesOrder } from "./point_writer.ts";
import { SqliteStore } from "./sqlite_store.ts";
import { openWriteConnection } from "./write_connection.ts";

Deno.test("seriesOrder groups points by series id, keeping arrival order within a series", () => {
  const ids = Uint32Array.from([7, 3, 7, 1, 3, 7, 1]);
  assert.deepEqual([...seriesOrder(ids)], [3, 6, 1, 4, 0, 2, 5]);
});

Deno.test("seriesOrder handles ids up to 2^32 − 1 and an empty batch", () => {
  const ids = Uint32Array.from([2 ** 32 - 1, 0, 2 ** 32 - 1, 2 ** 31]);
  assert.deepEqual([...seriesOrder(ids)], [1, 3, 0, 2]);
  assert.deepEqual([...seriesOrder(new Uint32Array(0))], []);
});

Deno.test("seriesOrder counts dense ids and sorts sparse ones, the same order either way", () => {
  const random = seededRandom(7);
  for (const [n, span] of [[1, 1], [50, 3], [5_000, 4_001], [3_000, 2 ** 32 - 1]]) {
    const ids = Uint32Array.from({ length: n }, () => Math.floor(random() * span));
    const expected = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => ids[a] - ids[b] || a - b);
    assert.deepEqual([...seriesOrder(ids)], expected, `${n} points, ids below ${span}`);
  }
});

Deno.test("seriesOrder orders a batch too large to pack (over 2^21 points) the same way", () => {
  const n = 2 ** 21 + 3;
  const ids = new Uint32Array(n);
  // Sparse ids (beyond the counting sort's span), so the comparison sort does it.
  for (let i = 0; i < n; i++) ids[i] = ((n - i) % 5) * 2 ** 30;
  const order = seriesOrder(ids);
  assert.deepEqual(order.length, n);
  for (let k = 1; k < n; k++) {
    const [a, b] = [order[k - 1], order[k]];
    if (ids[a] > ids[b] || (ids[a] === ids[b] && a >= b)) {
      throw new Error(`out of order at ${k}: ${a} (id ${ids[a]}) before ${b} (id ${ids[b]})`);
    }
  }
});

Deno.test("PointWriter compacts a head larger than one slice, later writes winning across slices", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    await new SqliteStore({ path }).close(); // the schema
    const db = openWriteConnection(path);
    const writer = new PointWriter(db, { compactionSlice: 100_000 });
    const encoder = new PointBatchEncoder();
    const final = (i: number) => (i < 1_000 ? -i - 1 : i >= 5_996 && i < 6_000 ? 0 : i);
    const batch = (from: number, n: number, value: (i: number) => number): SeriesPoint[] =>
      Array.from({ length: n }, (_, k) => {
        const i = from + k;
        return { factory: "f", machine: `m${i % 4}`, metric: "x", ts: i * 10, value: value(i) };
      });
    writer.write(encoder.encode(batch(0, 70_000, (i) => i)));
    writer.write(encoder.encode(batch(70_000, 70_000, (i) => i)));
    // Rewrites points of the first slice, from a later one: 1,000 change, 1,000 stay, and the
    // maximum of each series' first minute (i = 5,996…5,999) drops, so it is recomputed.
    writer.write(encoder.encode([
      ...batch(0, 2_000, (i) => (i < 1_000 ? -i - 1 : i)),
      ...batch(5_996, 4, () => 0),
    ]));
    assert.equal(writer.pendingCompaction, 142_004);
    assert.deepEqual(writer.compact(), { overwritten: 1_004, recomputed: 4 });
    assert.equal(writer.pendingCompaction, 0);
    const chunks = new ChunkTable(db);
    let total = 0;
    for (const { id } of db.prepare("SELECT id FROM series").all() as Array<{ id: number }>) {
      const { ts, values } = chunks.read(id, -Infinity, Infinity);
      total += ts.length;
      for (let k = 0; k < ts.length; k++) {
        const i = ts[k] / 10;
        assert.equal(values[k], final(i), `point ${i}`);
      }
    }
    assert.equal(total, 140_000);
    assert.equal((db.prepare("SELECT count(*) AS n FROM head_log").get() as { n: number }).n, 0);
    const minutes = db.prepare(
      "SELECT sum(n) AS n, sum(sum_v) AS s FROM rollups WHERE width = 60000",
    ).get() as { n: number; s: number };
    const got = { n: minutes.n, s: minutes.s };
    const sum = Array.from({ length: 140_000 }, (_, i) => final(i)).reduce((a, b) => a + b, 0);
    assert.deepEqual(got, { n: 140_000, s: sum });
    const firstMinute = db.prepare(
      "SELECT max(max_v) AS max FROM rollups WHERE width = 60000 AND bucket = 0",
    ).get() as { max: number };
    assert.equal(firstMinute.max, 5_995, "the recomputed maximum");
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PointWriter compacts step by step to what compact does at once, and refuses writes meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  try {
    let encoder = new PointBatchEncoder();
    const points = (from: number, value: number): SeriesPoint[] =>
      Array.from({ length: 3_000 }, (_, k) => ({
        factory: "f",
        machine: `m${k % 30}`,
        metric: "x",
        ts: (from + k) * 100,
        value: value + k,
      }));
    const run = async (name: string, compact: (writer: PointWriter) => unknown) => {
      const path = `${dir}/${name}.db`;
      await new SqliteStore({ path }).close(); // the schema
      const db = openWriteConnection(path);
      const writer = new PointWriter(db, { compactionSlice: 2_000 });
      encoder = new PointBatchEncoder();
      writer.write(encoder.encode(points(0, 1)));
      writer.write(encoder.encode(points(1_500, 2))); // half of it rewrites the first batch
      const outcome = compact(writer);
      const dump = db.prepare("SELECT series_id, start_ts, end_ts, n, data FROM chunks ORDER BY id")
        .all();
      const rollups = db.prepare("SELECT * FROM rollups ORDER BY series_id, width, bucket").all();
      db.close();
      return { outcome, dump, rollups };
    };
    const atOnce = await run("once", (writer) => writer.compact());
    let steps = 0;
    const stepped = await run("stepped", (writer) => {
      const compaction = writer.startCompaction();
      assert.throws(
        () => writer.write(encoder.encode(points(9_000, 3))),
        /a compaction is in progress/,
      );
      assert.throws(() => writer.startCompaction(), /a compaction is in progress/);
      while (!compaction.step(0)) steps++;
      assert.equal(writer.pendingCompaction, 0);
      return compaction.outcome;
    });
    assert.ok(steps > 5, `${steps} steps`);
    assert.deepEqual(stepped, atOnce);
    assert.equal((atOnce.outcome as { overwritten: number }).overwritten, 1_500);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("A failed compaction step rolls everything back and the writer goes on", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    await new SqliteStore({ path }).close(); // the schema
    const db = openWriteConnection(path);
    const writer = new PointWriter(db);
    const encoder = new PointBatchEncoder();
    const point = { factory: "f", machine: "m", metric: "x", ts: 1_000, value: 1 };
    writer.write(encoder.encode([point]));
    const compaction = writer.startCompaction();
    db.exec("DROP TABLE chunks"); // inside the compaction's transaction: its merge fails
    assert.throws(() => compaction.step(Infinity), /Cannot compact the store's head/);
    assert.throws(() => compaction.step(Infinity), /failed compaction/);
    assert.equal((db.prepare("SELECT count(*) AS n FROM head_log").get() as { n: number }).n, 1);
    writer.write(encoder.encode([{ ...point, ts: 2_000 }]));
    assert.deepEqual(writer.compact(), { overwritten: 0, recomputed: 0 });
    db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
