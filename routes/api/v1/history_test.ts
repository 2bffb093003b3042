import assert from "node:assert/strict";
import { NOW, routeFixture } from "./_route_fixture.ts";
import { historyApi } from "./history.ts";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const url = (query: string, machine = "press-01") =>
  `/api/v1/factories/demo/machines/${machine}/history?${query}`;

function setup() {
  const fixture = routeFixture();
  fixture.seen("demo", "press-01");
  return { ...fixture, app: fixture.mount(historyApi(fixture)) };
}

Deno.test("history answers raw points when they fit in maxPoints, for several metrics", async () => {
  const { app, fill, close } = setup();
  const t0 = NOW - 10 * MIN;
  await fill({ factory: "demo", machine: "press-01", metric: "oil" }, t0, MIN, 5, (i) => i);
  await fill(
    { factory: "demo", machine: "press-01", metric: "rpm" },
    t0,
    2 * MIN,
    3,
    (i) => 10 * i,
  );
  for (const metrics of ["metric=oil,rpm", "metric=oil&metric=rpm"]) {
    const body = await (await app.request(url(`${metrics}&from=${t0 + MIN}&to=${t0 + 4 * MIN}`)))
      .json();
    assert.equal(body.every, null);
    assert.equal(body.agg, null);
    assert.equal(body.truncated, false);
    assert.deepEqual(body.series, [
      {
        metric: "oil",
        points: [[t0 + MIN, 1], [t0 + 2 * MIN, 2], [t0 + 3 * MIN, 3], [t0 + 4 * MIN, 4]],
        resolution: "raw",
      },
      { metric: "rpm", points: [[t0 + 2 * MIN, 10], [t0 + 4 * MIN, 20]], resolution: "raw" },
    ]);
  }
  const iso = await (await app.request(
    url(`metric=oil&from=${new Date(t0).toISOString()}&to=${new Date(t0 + MIN).toISOString()}`),
  )).json();
  assert.deepEqual(iso.series[0].points, [[t0, 0], [t0 + MIN, 1]]);
  const all = await (await app.request(url(""))).json();
  assert.deepEqual(
    all.series.map((s: { metric: string }) => s.metric),
    ["oil", "rpm"],
    "last hour, every metric",
  );
  close();
});

Deno.test("history downsamples a 30-day range from rollups, keeping a spike in the envelope", async () => {
  const { app, fill, close } = setup();
  const from = NOW - 30 * DAY;
  const spikeAt = 12 * DAY + 7 * HOUR + 13 * MIN;
  await fill(
    { factory: "demo", machine: "press-01", metric: "oil" },
    from,
    MIN,
    30 * 1440,
    (i) => i * MIN === spikeAt ? 500 : 40 + (i % 7),
  );
  const body = await (await app.request(url(`metric=oil&from=${from}&to=${NOW}`))).json();
  assert.equal(body.every, HOUR, "30 d in at most 1,000 points: hourly");
  assert.equal(body.agg, "mean");
  const [oil] = body.series;
  assert.equal(oil.resolution, "1h");
  assert.ok(oil.points.length <= 1_000 && oil.points.length >= 720, `${oil.points.length} points`);
  const spikeHour = Math.floor((from + spikeAt) / HOUR) * HOUR;
  const bucket = oil.envelope.find((e: number[]) => e[0] === spikeHour);
  assert.deepEqual(bucket, [spikeHour, 40, 500], "the mean hides the spike; the envelope keeps it");
  assert.ok(oil.points.every(([, mean]: number[]) => mean < 100));

  const coarse =
    await (await app.request(url(`metric=oil&from=${from}&to=${NOW}&maxPoints=100&agg=max`)))
      .json();
  assert.equal(coarse.every, 12 * HOUR);
  assert.equal(coarse.series[0].resolution, "1h");
  assert.ok(coarse.series[0].points.length <= 100);
  assert.equal(Math.max(...coarse.series[0].points.map((p: number[]) => p[1])), 500);

  const week = await (await app.request(url(`metric=oil&from=${NOW - 7 * DAY}&to=${NOW}`))).json();
  assert.equal(week.every, 15 * MIN);
  assert.equal(week.series[0].resolution, "1m");
  close();
});

Deno.test("history with an explicit every answers its buckets, and refuses too many of them", async () => {
  const { app, fill, close } = setup();
  const t0 = NOW - 2 * HOUR;
  await fill(
    { factory: "demo", machine: "press-01", metric: "oil" },
    t0,
    10_000,
    720,
    (i) => i % 60,
  );
  const body =
    await (await app.request(url(`metric=oil&from=${t0}&to=${NOW - 1}&every=1h&agg=max`)))
      .json();
  assert.equal(body.every, HOUR);
  assert.equal(body.agg, "max");
  assert.deepEqual(body.series[0].points, [[t0, 59], [t0 + HOUR, 59]]);
  assert.deepEqual(body.series[0].envelope, [[t0, 0, 59], [t0 + HOUR, 0, 59]]);
  assert.equal(body.series[0].resolution, "1h");
  const raw =
    await (await app.request(url(`metric=oil&from=${t0}&to=${t0 + MIN - 1}&every=30s&agg=count`)))
      .json();
  assert.deepEqual(raw.series[0].points, [[t0, 3], [t0 + 30_000, 3]]);
  assert.equal(raw.series[0].resolution, "raw");
  const tooMany = await app.request(url(`metric=oil&from=0&to=${NOW}&every=1s`));
  assert.equal(tooMany.status, 400);
  assert.match(
    (await tooMany.json()).error.message,
    /'every' \(1000 ms\) splits the range into .* more than the limit of 100000/,
  );
  const overMax = await app.request(url(`metric=oil&from=${t0}&to=${NOW}&every=1m&maxPoints=10`));
  assert.equal(overMax.status, 400);
  assert.match((await overMax.json()).error.message, /more than 'maxPoints' 10/);
  close();
});

Deno.test("history names the parameter at fault and why", async () => {
  const { app, close } = setup();
  for (
    const [query, expected] of [
      ["from=yesterday", /'from' must be epoch milliseconds or ISO-8601.*'yesterday'/],
      ["agg=median", /'agg' must be one of mean, min, max, last, count: current value is 'median'/],
      ["every=soon", /'every' must be a duration/],
      ["metric=bad%20name", /'metric' must match/],
      [`from=${NOW}&to=${NOW - 1}`, /'from' .* is after 'to'/],
      ["maxPoints=0", /'maxPoints' must be an integer from 1 to 100000: current value is '0'/],
      ["maxPoints=2.5", /'maxPoints'.*'2.5'/],
      ["maxPoints=100001", /'maxPoints'/],
      ["metrics=oil", /Unknown parameter 'metrics'; this endpoint takes metric, from, to/],
      ["to=99999999999999999999", /'to' is outside the dates/],
    ] as const
  ) {
    const response = await app.request(url(query));
    assert.equal(response.status, 400, query);
    assert.match((await response.json()).error.message, expected, query);
  }
  close();
});

Deno.test("history serves a machine only the store knows, and 404s an unknown one", async () => {
  const { app, fill, close } = setup();
  await fill({ factory: "demo", machine: "imported-7", metric: "oil" }, NOW - MIN, MIN, 1, () => 3);
  const imported = await app.request(url("metric=oil", "imported-7"));
  assert.equal(imported.status, 200);
  assert.deepEqual((await imported.json()).series[0].points, [[NOW - MIN, 3]]);
  const unknown = await app.request(url("metric=oil", "ghost"));
  assert.equal(unknown.status, 404);
  assert.match((await unknown.json()).error.message, /No machine 'ghost' in factory 'demo'/);
  close();
});
