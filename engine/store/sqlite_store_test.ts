import assert from "node:assert/strict";
import { SqliteStore } from "./sqlite_store.ts";

const at = (metric: string, ts: number, value: number, machine = "m1") => ({
  factory: "f",
  machine,
  metric,
  ts,
  value,
});

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
    { metric: "rpm", points: [[2000, 20], [3000, 30]] },
    { metric: "temp", points: [[2000, 1]] },
  ]);
  const missing = await store.queryRange({
    factory: "f",
    machine: "m1",
    metrics: ["nope"],
    from: 0,
    to: 1,
  });
  assert.deepEqual(missing, [{ metric: "nope", points: [] }]);
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
  const run = async (agg: "mean" | "min" | "max" | "last" | "count") =>
    (await store.queryRange({
      factory: "f",
      machine: "m1",
      metrics: ["x"],
      from: 0,
      to: 3_000,
      every: 1_000,
      agg,
    }))[0].points;
  assert.deepEqual(await run("mean"), [[0, 5], [1_000, 1], [2_000, 7]]);
  assert.deepEqual(await run("min"), [[0, 2], [1_000, 1], [2_000, 7]]);
  assert.deepEqual(await run("max"), [[0, 9], [1_000, 1], [2_000, 7]]);
  assert.deepEqual(await run("last"), [[0, 9], [1_000, 1], [2_000, 7]]);
  assert.deepEqual(await run("count"), [[0, 3], [1_000, 1], [2_000, 1]]);
  await store.close();
});
