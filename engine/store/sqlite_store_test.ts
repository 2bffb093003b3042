import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { seededRandom } from "../detect/prng.ts";
import { EngineMetrics } from "../metrics.ts";
import { ChunkTable } from "./chunk_table.ts";
import type { PruneStep } from "./retention_job.ts";
import { SqliteStore } from "./sqlite_store.ts";
import type { Aggregate } from "./time_series_store.ts";

const at = (metric: string, ts: number, value: number, machine = "m1") => ({
  factory: "f",
  machine,
  metric,
  ts,
  value,
});

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

Deno.test("SqliteStore keeps one row per series and timestamp, last write wins", async () => {
  const store = new SqliteStore({ path: ":memory:" });
  await store.write([at("temp", 1000, 1), at("temp", 2000, 2), at("temp", 1000, 5)]);
  await store.write([at("temp", 2000, 7)]);
  const [series] = await store.queryRange({
    factory: "f",
    machine: "m1",
    metrics: ["temp"],
    from: 0,
    to: 10_000,
  });
  assert.deepEqual(series.points, [[1000, 5], [2000, 7]]);
  await store.close();
});

Deno.test("SqliteStore answers a range per metric, inclusive, in time order", async () => {
  const store = new SqliteStore({ path: ":memory:" });
  await store.write([
    at("rpm", 3000, 30),
    at("rpm", 1000, 10),
    at("rpm", 2000, 20),
    at("temp", 2000, 1),
    at("temp", 2000, 9, "m2"),
  ]);
  const all = await store.queryRange({
    factory: "f",
    machine: "m1",
    metrics: [],
    from: 2000,
    to: 3000,
  });
  assert.deepEqual(all, [
    { metric: "rpm", points: [[2000, 20], [3000, 30]], resolution: "raw" },
    { metric: "temp", points: [[2000, 1]], resolution: "raw" },
  ]);
  const missing = await store.queryRange({
    factory: "f",
    machine: "m1",
    metrics: ["nope"],
    from: 0,
    to: 1,
  });
  assert.deepEqual(missing, [{ metric: "nope", points: [], resolution: "raw" }]);
  assert.deepEqual(
    (await store.listSeries("f")).map((s) => `${s.machine}/${s.metric}`),
    ["m1/rpm", "m1/temp", "m2/temp"],
  );
  await store.close();
});

Deno.test("SqliteStore keeps committed points across reopening the file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    const store = new SqliteStore({ path });
    await store.write([at("temp", 1000, 1)]);
    await store.close();
    const reopened = new SqliteStore({ path });
    const [series] = await reopened.queryRange({
      factory: "f",
      machine: "m1",
      metrics: ["temp"],
      from: 0,
      to: 2000,
    });
    assert.deepEqual(series.points, [[1000, 1]]);
    await reopened.close();
    await assert.rejects(async () => await reopened.write([at("temp", 1, 1)]), /closed/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore aggregates into buckets with every aggregate", async () => {
  const store = new SqliteStore({ path: ":memory:" });
  await store.write([
    at("x", 0, 4),
    at("x", 400, 2),
    at("x", 900, 9),
    at("x", 1_000, 1),
    at("x", 2_500, 7),
  ]);
  const run = async (agg: Aggregate) =>
    (await store.queryRange({
      factory: "f",
      machine: "m1",
      metrics: ["x"],
      from: 0,
      to: 3_000,
      every: 1_000,
      agg,
    }))[0];
  assert.deepEqual((await run("mean")).points, [[0, 5], [1_000, 1], [2_000, 7]]);
  assert.deepEqual((await run("min")).points, [[0, 2], [1_000, 1], [2_000, 7]]);
  assert.deepEqual((await run("max")).points, [[0, 9], [1_000, 1], [2_000, 7]]);
  assert.deepEqual((await run("last")).points, [[0, 9], [1_000, 1], [2_000, 7]]);
  assert.deepEqual((await run("count")).points, [[0, 3], [1_000, 1], [2_000, 1]]);
  const mean = await run("mean");
  assert.equal(mean.resolution, "raw");
  assert.deepEqual(mean.envelope, [[0, 2, 9], [1_000, 1, 1], [2_000, 7, 7]]);
  await store.close();
});

Deno.test("SqliteStore answers whole buckets from the coarsest rollup dividing 'every'", async () => {
  const store = new SqliteStore({ path: ":memory:" });
  const t0 = 100 * DAY;
  // Two days at one point a minute, with a spike in the second hour.
  await store.write(
    Array.from({ length: 2 * 1440 }, (_, i) => at("x", t0 + i * MIN, i === 70 ? 1_000 : i % 10)),
  );
  const query = (every: number, agg: Aggregate, from = t0, to = t0 + 2 * DAY - 1) =>
    store.queryRange({ factory: "f", machine: "m1", metrics: ["x"], from, to, every, agg });
  const [daily] = await query(DAY, "count");
  assert.equal(daily.resolution, "1d");
  assert.deepEqual(daily.points, [[t0, 1440], [t0 + DAY, 1440]]);
  const [sixHourly] = await query(6 * HOUR, "max");
  assert.equal(sixHourly.resolution, "1h");
  assert.equal(sixHourly.points.length, 8);
  assert.deepEqual(sixHourly.envelope![0], [t0, 0, 1_000], "the spike stays in the envelope");
  const [fiveMinutes] = await query(5 * MIN, "mean", t0 + 7 * MIN, t0 + 12 * MIN);
  assert.equal(fiveMinutes.resolution, "1m");
  // The buckets overlapping 07…12 min are 05…10 and 10…15, each answered whole.
  assert.deepEqual(fiveMinutes.points, [[t0 + 5 * MIN, 7], [t0 + 10 * MIN, 2]]);
  const [hourlyMean] = await query(HOUR, "mean");
  const [hourlyFromRaw] = await query(30_000, "mean", t0, t0 + HOUR - 1);
  assert.equal(hourlyFromRaw.resolution, "raw");
  assert.equal(hourlyFromRaw.points.length, 60, "one point a minute: every other 30 s bucket");
  assert.equal(hourlyMean.points[0][1], 4.5, "mean is sum over count, not a mean of means");
  const [limited] = await store.queryRange({
    factory: "f",
    machine: "m1",
    metrics: ["x"],
    from: t0,
    to: t0 + 2 * DAY,
    every: HOUR,
    agg: "last",
    limit: 3,
  });
  assert.deepEqual(limited.points, [[t0, 9], [t0 + HOUR, 9], [t0 + 2 * HOUR, 9]]);
  await store.close();
});

interface Cell {
  min: number;
  max: number;
  sum: number;
  count: number;
  last: number;
  lastTs: number;
}

function aggregate(raw: Map<number, number>, width: number): Map<number, Cell> {
  const cells = new Map<number, Cell>();
  for (const ts of [...raw.keys()].sort((a, b) => a - b)) {
    const value = raw.get(ts)!;
    const bucket = Math.floor(ts / width) * width;
    const cell = cells.get(bucket);
    if (cell === undefined) {
      cells.set(bucket, { min: value, max: value, sum: value, count: 1, last: value, lastTs: ts });
    } else {
      cell.min = Math.min(cell.min, value);
      cell.max = Math.max(cell.max, value);
      cell.sum += value;
      cell.count++;
      cell.last = value;
      cell.lastTs = ts;
    }
  }
  return cells;
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b));

Deno.test("SqliteStore rollups equal aggregates of the final raw data after random late and duplicate writes", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const dir = await Deno.makeTempDir();
  try {
    for (let seed = 1; seed <= 12; seed++) {
      const rand = seededRandom(seed);
      const path = `${dir}/p${seed}.db`;
      const metrics = new EngineMetrics();
      const store = new SqliteStore({ path, metrics });
      const metricNames = ["a", "b", "c"];
      // Few distinct timestamps over ~3 days, so rewrites and late points are frequent.
      const base = 20_000 * DAY - HOUR;
      const slots = Array.from(
        { length: 400 },
        () => base + Math.floor(rand() * 3 * DAY / 1000) * 1000,
      );
      const expected = new Map<string, Map<number, number>>(metricNames.map((m) => [m, new Map()]));
      for (let b = 0; b < 40; b++) {
        const batch = Array.from({ length: 1 + Math.floor(rand() * 120) }, () => {
          const metric = metricNames[Math.floor(rand() * metricNames.length)];
          const ts = slots[Math.floor(rand() * slots.length)];
          // Small integers make ties of min/max common; some fractions exercise the sums.
          const value = rand() < 0.8 ? Math.floor(rand() * 7) - 3 : rand() * 100 - 50;
          return at(metric, ts, value);
        });
        await store.write(batch);
        for (const p of batch) expected.get(p.metric)!.set(p.ts, p.value);
        // Some batches wait in the head, late and rewritten points included, for a later
        // compaction.
        if (rand() < 0.4) await store.compact();
      }
      // Answers from the chunks with the head laid over them, before the last compaction.
      for (const metric of metricNames) {
        const raw = [...expected.get(metric)!.entries()].sort((x, y) => x[0] - y[0]);
        const query = { factory: "f", machine: "m1", metrics: [metric], from: 0, to: 40_000 * DAY };
        const [answer] = await store.queryRange(query);
        assert.deepEqual(answer.points, raw, `seed ${seed} ${metric}: raw points with the head`);
        const [hourly] = await store.queryRange({ ...query, every: HOUR, agg: "count" });
        assert.deepEqual(
          hourly.points,
          [...aggregate(expected.get(metric)!, HOUR)].map(([bucket, cell]) => [bucket, cell.count]),
          `seed ${seed} ${metric}: hourly counts with the head`,
        );
      }
      await store.compact();
      assert.ok(
        await metrics.value(metrics.storePointsOverwritten) > 0,
        `seed ${seed}: overwrites`,
      );
      await store.close();

      const db = new DatabaseSync(path);
      const ids = new Map(
        (db.prepare("SELECT id, metric FROM series").all() as Array<{ id: number; metric: string }>)
          .map((r) => [r.metric, r.id]),
      );
      for (const metric of metricNames) {
        const raw = expected.get(metric)!;
        const id = ids.get(metric)!;
        const stored = new ChunkTable(db).read(id, -Infinity, Infinity);
        assert.deepEqual(
          Array.from(stored.ts, (t, i) => [t, stored.values[i]]),
          [...raw.entries()].sort((x, y) => x[0] - y[0]),
          `seed ${seed} ${metric}: raw points`,
        );
        for (const width of [MIN, HOUR, DAY]) {
          const want = aggregate(raw, width);
          const rows = db.prepare(
            "SELECT bucket, min_v, max_v, sum_v, n, last_v, last_ts FROM rollups " +
              "WHERE series_id = ? AND width = ? ORDER BY bucket",
          ).all(id, width) as Array<Record<string, number>>;
          assert.deepEqual(
            rows.map((r) => r.bucket),
            [...want.keys()],
            `seed ${seed} ${metric} ${width}: buckets`,
          );
          for (const row of rows) {
            const cell = want.get(row.bucket)!;
            const where = `seed ${seed} ${metric} width ${width} bucket ${row.bucket}`;
            assert.deepEqual(
              [row.min_v, row.max_v, row.n, row.last_v, row.last_ts],
              [cell.min, cell.max, cell.count, cell.last, cell.lastTs],
              where,
            );
            assert.ok(close(row.sum_v, cell.sum), `${where}: sum ${row.sum_v} ≠ ${cell.sum}`);
          }
        }
      }
      db.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore aggregated queries agree with the raw data whichever resolution answers", async () => {
  const rand = seededRandom(99);
  const store = new SqliteStore({ path: ":memory:" });
  const raw = new Map<number, number>();
  const base = 20_000 * DAY;
  for (let b = 0; b < 30; b++) {
    const batch = Array.from({ length: 200 }, () => {
      const ts = base + Math.floor(rand() * 4 * DAY / 5_000) * 5_000;
      return at("x", ts, Math.round(rand() * 1000) / 10);
    });
    await store.write(batch);
    for (const p of batch) raw.set(p.ts, p.value);
  }
  const from = base + 5 * HOUR + 17 * MIN;
  const to = base + 3 * DAY + 2 * HOUR;
  for (const every of [30_000, MIN, 5 * MIN, HOUR, 6 * HOUR, DAY, 2 * DAY]) {
    const cells = aggregate(
      new Map(
        [...raw].filter(([ts]) =>
          ts >= Math.floor(from / every) * every && ts < Math.floor(to / every) * every + every
        ),
      ),
      every,
    );
    for (const agg of ["mean", "min", "max", "last", "count"] as const) {
      const [series] = await store.queryRange({
        factory: "f",
        machine: "m1",
        metrics: ["x"],
        from,
        to,
        every,
        agg,
      });
      const want = [...cells].map(([bucket, c]) =>
        [bucket, agg === "mean" ? c.sum / c.count : agg === "count" ? c.count : c[agg]] as const
      );
      assert.equal(series.points.length, want.length, `every ${every} ${agg}`);
      series.points.forEach(([ts, value], i) => {
        assert.equal(ts, want[i][0]);
        assert.ok(
          close(value, want[i][1]),
          `every ${every} ${agg} at ${ts}: ${value} ≠ ${want[i][1]}`,
        );
      });
      assert.deepEqual(
        series.envelope,
        [...cells].map(([bucket, c]) => [bucket, c.min, c.max]),
      );
    }
  }
  await store.close();
});

Deno.test("SqliteStore recomputes an extreme that an overwrite removed, and counts it", async () => {
  const metrics = new EngineMetrics();
  const store = new SqliteStore({ path: ":memory:", metrics });
  await store.write([at("x", 0, 1), at("x", 1_000, 9), at("x", 2_000, 5)]);
  await store.compact();
  await store.write([at("x", 1_000, 9)]); // same value: nothing changes
  await store.compact();
  assert.equal(await metrics.value(metrics.storePointsOverwritten), 0);
  await store.write([at("x", 1_000, 3)]); // the max leaves; read from the head first
  const [series] = await store.queryRange({
    factory: "f",
    machine: "m1",
    metrics: ["x"],
    from: 0,
    to: 0,
    every: DAY,
    agg: "max",
  });
  assert.deepEqual(series.envelope, [[0, 1, 5]]);
  assert.deepEqual(series.points, [[0, 5]]);
  assert.equal(await metrics.value(metrics.storePointsOverwritten), 0, "counted when compacted");
  await store.compact();
  assert.equal(await metrics.value(metrics.storePointsOverwritten), 1);
  assert.equal(
    await metrics.value(metrics.storeRollupRecomputes),
    1,
    "1 min; the 1 h and 1 d buckets are folded from it",
  );
  await store.close();
});

Deno.test("SqliteStore latest answers the newest point per series, from rollups once raw expired", async () => {
  const store = new SqliteStore({ path: ":memory:" });
  const now = 30 * DAY;
  await store.write([
    at("temp", now - 2_000, 20),
    at("temp", now - 1_000, 21),
    at("temp", now - 5_000, 19), // late
    at("rpm", now - 10 * DAY, 900),
    at("rpm", now - 10 * DAY - 1_000, 800),
    at("temp", now, 5, "m2"),
  ]);
  assert.deepEqual(await store.latest("f", "m1"), {
    temp: [now - 1_000, 21],
    rpm: [now - 10 * DAY, 900],
  });
  while (!store.prune(now, 1_000).done);
  assert.deepEqual(await store.latest("f", "m1"), {
    temp: [now - 1_000, 21],
    rpm: [now - 10 * DAY, 900],
  }, "rpm's raw points are past 7 d; its 1 min rollup remembers the last value");
  assert.deepEqual(await store.latest("f", "nobody"), {});
  await store.close();
});

Deno.test("SqliteStore prunes each resolution to its retention in bounded steps", async () => {
  const store = new SqliteStore({
    path: ":memory:",
    retention: { raw: 2 * DAY, "1m": 4 * DAY, "1h": 6 * DAY, "1d": null },
  });
  const now = 1_000 * DAY;
  // One point every 10 minutes for 10 days, in two series.
  const points = Array.from({ length: 10 * 144 }, (_, i) => now - 10 * DAY + i * 10 * MIN);
  await store.write(points.flatMap((ts) => [at("x", ts, 1), at("y", ts, 2)]));
  const steps: PruneStep[] = [];
  let step: PruneStep;
  do {
    step = store.prune(now, 100);
    steps.push(step);
    const deletedNow = Object.values(step.deleted).reduce((a, b) => a + b, 0);
    assert.ok(deletedNow <= 100, `a step deletes at most its budget: ${deletedNow}`);
  } while (!step.done);
  assert.ok(steps.length > 10, "the work was split into many steps");
  const total = (kind: string) => steps.reduce((sum, s) => sum + s.deleted[kind], 0);
  // Raw: 8 of 10 days expired → 8 × 144 points per series.
  assert.equal(total("raw"), 2 * 8 * 144);
  assert.equal(total("1m"), 2 * 6 * 144);
  assert.equal(total("1h"), 2 * 4 * 24);
  assert.equal(total("1d"), 0);
  const query = async (every?: number) =>
    (await store.queryRange({
      factory: "f",
      machine: "m1",
      metrics: ["x"],
      from: now - 20 * DAY,
      to: now,
      every,
      agg: "count",
    }))[0].points;
  assert.equal((await query()).length, 2 * 144, "raw points of the last 2 days");
  assert.equal((await query(MIN)).length, 4 * 144);
  assert.equal((await query(HOUR)).length, 6 * 24);
  assert.deepEqual((await query(DAY)).map(([, n]) => n), Array(10).fill(144), "1 d kept forever");
  assert.deepEqual(store.prune(now, 100), {
    deleted: { raw: 0, "1m": 0, "1h": 0, "1d": 0 },
    done: true,
  }, "a second pass finds nothing");
  await store.close();
});

Deno.test("SqliteStore refuses a retention policy that keeps coarser data shorter", () => {
  assert.throws(
    () => new SqliteStore({ path: ":memory:", retention: { "1h": DAY } }),
    /'1h' \(86400000 ms\) is shorter than '1m'/,
  );
  assert.throws(
    () => new SqliteStore({ path: ":memory:", retention: { raw: 0 } }),
    /'raw' must be a positive integer/,
  );
});

Deno.test("SqliteStore builds rollups for a store written before rollups existed", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/old.db`;
    const old = new DatabaseSync(path);
    old.exec(`
      CREATE TABLE series (id INTEGER PRIMARY KEY, factory TEXT NOT NULL, machine TEXT NOT NULL,
        metric TEXT NOT NULL, UNIQUE (factory, machine, metric));
      CREATE TABLE points (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL,
        PRIMARY KEY (series_id, ts)) WITHOUT ROWID;
      INSERT INTO series VALUES (1, 'f', 'm1', 'x');
      INSERT INTO points VALUES (1, 0, 4), (1, 30000, 8), (1, 90000, 1), (1, 7200000, 3);
    `);
    old.close();
    const store = new SqliteStore({ path });
    const query = async (every: number) =>
      (await store.queryRange({
        factory: "f",
        machine: "m1",
        metrics: ["x"],
        from: 0,
        to: DAY - 1,
        every,
        agg: "last",
      }))[0];
    assert.deepEqual((await query(MIN)).envelope, [[0, 4, 8], [MIN, 1, 1], [2 * HOUR, 3, 3]]);
    assert.deepEqual((await query(HOUR)).points, [[0, 1], [2 * HOUR, 3]]);
    assert.deepEqual((await query(DAY)).points, [[0, 3]]);
    assert.equal((await query(DAY)).resolution, "1d");
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore prune steps aside, at once, while another writer holds the database", async () => {
  const { DatabaseSync } = await import("node:sqlite");
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    const store = new SqliteStore({ path, retention: { raw: DAY } });
    await store.write([at("x", 0, 1), at("x", 10 * DAY, 2)]);
    await store.compact();
    const other = new DatabaseSync(path);
    other.exec("BEGIN IMMEDIATE");
    assert.deepEqual(store.prune(10 * DAY, 100), {
      deleted: { raw: 0, "1m": 0, "1h": 0, "1d": 0 },
      done: false,
      busy: true,
    }, "no wait for the other writer's busy timeout");
    other.exec("COMMIT");
    other.close();
    let step;
    do step = store.prune(10 * DAY, 100); while (!step.done);
    const [x] = await store.queryRange({
      factory: "f",
      machine: "m1",
      metrics: ["x"],
      from: -DAY,
      to: 11 * DAY,
    });
    assert.deepEqual(x.points, [[10 * DAY, 2]], "pruned once the database was free");
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore answers writes in order, none lost, while compactions are paced", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    // Compactions of ~40,000 points come due every other write and take many paced steps;
    // folds come due during them.
    const store = new SqliteStore({ path, compactAtPoints: 30_000, foldEveryMs: 20 });
    const logged: unknown[] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => logged.push(args);
    const MACHINES = 50;
    const batch = (n: number) =>
      Array.from({ length: 20_000 }, (_, k) => {
        // Each batch rewrites the last quarter of the one before with its own number.
        const tick = n * 300 + Math.floor(k / MACHINES);
        return at("x", tick * 1_000, n, `m${k % MACHINES}`);
      });
    // Two writes in flight at a time, as a compaction starts right after the answer to one.
    const answered: number[] = [];
    for (let n = 0; n < 24; n += 2) {
      await Promise.all([n, n + 1].map((k) => store.write(batch(k)).then(() => answered.push(k))));
    }
    assert.deepEqual(answered, Array.from({ length: 24 }, (_, n) => n));
    await store.close();
    console.error = error;
    assert.deepEqual(logged, [], "no background compaction or fold failed");
    const reopened = new SqliteStore({ path });
    for (const machine of ["m0", "m49"]) {
      const [series] = await reopened.queryRange({
        factory: "f",
        machine,
        metrics: ["x"],
        from: 0,
        to: Infinity,
      });
      const ticks = 23 * 300 + 400;
      assert.equal(series.points.length, ticks, machine);
      for (const [ts, value] of series.points) {
        const tick = ts / 1_000;
        assert.equal(value, Math.min(23, Math.floor(tick / 300)), `${machine} at tick ${tick}`);
      }
    }
    await reopened.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SqliteStore checkpoints its WAL into the database file in the background", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/ts.db`;
    const store = new SqliteStore({ path, checkpointEveryMs: 20 });
    await store.write(Array.from({ length: 1_000 }, (_, i) => at("x", i * 1_000, i)));
    await store.compact();
    // The database file alone, without its WAL, holds the chunks once a checkpoint ran;
    // SQLite's own checkpoint waits for 65,536 WAL pages.
    const copy = `${dir}/copy.db`;
    const chunksInFile = () => {
      Deno.copyFileSync(path, copy);
      const db = new DatabaseSync(copy, { readOnly: true });
      try {
        return (db.prepare("SELECT coalesce(sum(n), 0) AS n FROM chunks").get() as { n: number }).n;
      } catch {
        return 0; // not even the schema is in the file yet
      } finally {
        db.close();
      }
    };
    const deadline = Date.now() + 5_000;
    while (chunksInFile() < 1_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(chunksInFile(), 1_000);
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
