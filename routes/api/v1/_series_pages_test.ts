import assert from "node:assert/strict";
import { SqliteStore } from "../../../engine/store/sqlite_store.ts";
import { mergeByTime, seriesPages } from "./_series_pages.ts";

async function store() {
  const s = new SqliteStore({ path: ":memory:" });
  const at = (metric: string, ts: number, value: number) => ({
    factory: "f",
    machine: "m",
    metric,
    ts,
    value,
  });
  await s.write([
    at("a", 1, 10),
    at("a", 2, 20),
    at("a", 3, 30),
    at("a", 5, 50),
    at("b", 2, 200),
    at("b", 4, 400),
    at("b", 5, 500),
  ]);
  return s;
}

const range = { factory: "f", machine: "m", from: 0, to: 10, pageSize: 2 };

Deno.test("seriesPages reads a series in pages that continue after the last point", async () => {
  const s = await store();
  const pages = [];
  for await (const page of seriesPages(s, "a", range)) pages.push(page);
  assert.deepEqual(pages, [[[1, 10], [2, 20]], [[3, 30], [5, 50]]]);
  const buckets = [];
  for await (const page of seriesPages(s, "a", { ...range, every: 2, agg: "max" })) {
    buckets.push(...page);
  }
  assert.deepEqual(buckets, [[0, 10], [2, 30], [4, 50]]);
  await s.close();
});

Deno.test("mergeByTime yields one row per timestamp across pages of several series", async () => {
  const s = await store();
  const rows = [];
  for await (const row of mergeByTime(s, ["a", "b", "missing"], range)) rows.push(row);
  assert.deepEqual(rows, [
    { ts: 1, values: [10, undefined, undefined] },
    { ts: 2, values: [20, 200, undefined] },
    { ts: 3, values: [30, undefined, undefined] },
    { ts: 4, values: [undefined, 400, undefined] },
    { ts: 5, values: [50, 500, undefined] },
  ]);
  await s.close();
});
