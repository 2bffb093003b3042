import assert from "node:assert/strict";
import type { RangeQuery } from "../../../engine/store/time_series_store.ts";
import { NOW, routeFixture } from "./_route_fixture.ts";
import { EXPORT_PAGE_SIZE, exportApi } from "./export.ts";

const base = "/api/v1/factories/demo/machines/press-01";
const iso = (ts: number) => new Date(ts).toISOString();

async function setup() {
  const fixture = routeFixture();
  fixture.seen("demo", "press-01");
  const ref = { factory: "demo", machine: "press-01" };
  await fixture.store.write([
    { ...ref, metric: "oil", ts: NOW - 3_000, value: 40.5 },
    { ...ref, metric: "oil", ts: NOW - 1_000, value: 41 },
    { ...ref, metric: "rpm", ts: NOW - 3_000, value: 900 },
    { ...ref, metric: "rpm", ts: NOW - 2_000, value: 910 },
  ]);
  return { ...fixture, app: fixture.mount(exportApi(fixture)) };
}

Deno.test("history.csv streams timestamp,metric,value rows in time order as a download", async () => {
  const { app, close } = await setup();
  const response = await app.request(`${base}/history.csv?from=${NOW - 10_000}&to=${NOW}`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/csv; charset=utf-8");
  assert.equal(
    response.headers.get("content-disposition"),
    'attachment; filename="demo_press-01_20270115T075950Z_20270115T080000Z.csv"',
  );
  assert.equal(
    await response.text(),
    [
      "timestamp,metric,value",
      `${iso(NOW - 3_000)},oil,40.5`,
      `${iso(NOW - 3_000)},rpm,900`,
      `${iso(NOW - 2_000)},rpm,910`,
      `${iso(NOW - 1_000)},oil,41`,
      "",
    ].join("\n"),
  );
  close();
});

Deno.test("history.csv?layout=wide has one column per metric and empty cells for gaps", async () => {
  const { app, close } = await setup();
  const text = await (await app.request(
    `${base}/history.csv?metric=rpm,oil&layout=wide&from=${iso(NOW - 10_000)}&to=${iso(NOW)}`,
  )).text();
  assert.equal(
    text,
    [
      "timestamp,rpm,oil",
      `${iso(NOW - 3_000)},900,40.5`,
      `${iso(NOW - 2_000)},910,`,
      `${iso(NOW - 1_000)},,41`,
      "",
    ].join("\n"),
  );
  close();
});

Deno.test("history.json exports every point per metric, or buckets with every and agg", async () => {
  const { app, close } = await setup();
  const response = await app.request(`${base}/history.json?from=${NOW - 10_000}&to=${NOW}`);
  assert.match(response.headers.get("content-disposition")!, /filename=".*\.json"/);
  assert.deepEqual(await response.json(), {
    factory: "demo",
    machine: "press-01",
    from: NOW - 10_000,
    to: NOW,
    every: null,
    agg: null,
    series: [
      { metric: "oil", points: [[NOW - 3_000, 40.5], [NOW - 1_000, 41]] },
      { metric: "rpm", points: [[NOW - 3_000, 900], [NOW - 2_000, 910]] },
    ],
  });
  const buckets = await (await app.request(
    `${base}/history.json?metric=rpm&from=${NOW - 10_000}&to=${NOW}&every=1m&agg=max`,
  )).json();
  assert.deepEqual(buckets.series, [{ metric: "rpm", points: [[NOW - 60_000, 910]] }]);
  assert.equal(buckets.every, 60_000);
  close();
});

Deno.test("history exports read the store a page at a time", async () => {
  const fixture = routeFixture();
  fixture.seen("demo", "press-01");
  const total = 2 * EXPORT_PAGE_SIZE + 123;
  await fixture.fill(
    { factory: "demo", machine: "press-01", metric: "oil" },
    NOW - total * 1_000,
    1_000,
    total,
    (i) => i,
  );
  const queries: RangeQuery[] = [];
  const store = fixture.store;
  const spy = {
    write: store.write.bind(store),
    listSeries: store.listSeries.bind(store),
    latest: store.latest.bind(store),
    close: store.close.bind(store),
    queryRange: (query: RangeQuery) => {
      queries.push(query);
      return store.queryRange(query);
    },
  };
  const app = fixture.mount(exportApi({ ...fixture, store: spy }));
  const csv = await (await app.request(`${base}/history.csv?from=0&to=${NOW}`)).text();
  const lines = csv.trimEnd().split("\n");
  assert.equal(lines.length, total + 1);
  assert.equal(lines[total], `${iso(NOW - 1_000)},oil,${total - 1}`);
  assert.equal(queries.length, 3);
  assert.ok(queries.every((q) => q.limit === EXPORT_PAGE_SIZE));
  const json = await (await app.request(`${base}/history.json?from=0&to=${NOW}`)).json();
  assert.equal(json.series[0].points.length, total);
  assert.deepEqual(json.series[0].points[EXPORT_PAGE_SIZE], [
    NOW - (total - EXPORT_PAGE_SIZE) * 1_000,
    EXPORT_PAGE_SIZE,
  ]);
  fixture.close();
});

Deno.test("history exports refuse agg without every and an unknown layout", async () => {
  const { app, close } = await setup();
  for (
    const [path, expected] of [
      ["history.csv?agg=max", /'agg' needs 'every'/],
      ["history.csv?layout=tall", /'layout' must be long or wide: current value is 'tall'/],
      ["history.json?layout=wide", /Unknown parameter 'layout'/],
    ] as const
  ) {
    const response = await app.request(`${base}/${path}`);
    assert.equal(response.status, 400, path);
    assert.match((await response.json()).error.message, expected);
  }
  assert.equal(
    (await app.request(`/api/v1/factories/demo/machines/ghost/history.csv`)).status,
    404,
  );
  close();
});
