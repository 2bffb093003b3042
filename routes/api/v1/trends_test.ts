import assert from "node:assert/strict";
import type { EngineEvent, MachineStatus } from "../../../engine/events.ts";
import { NOW, routeFixture } from "./_route_fixture.ts";
import { trendsApi } from "./trends.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const status = (machine: string, ts: number, to: MachineStatus): EngineEvent => ({
  type: "status",
  factory: "demo",
  machine,
  ts,
  status: to,
  previous: null,
  reason: "test",
});

const anomaly = (machine: string, ts: number): EngineEvent => ({
  type: "anomaly",
  factory: "demo",
  machine,
  ts,
  metric: "oil",
  value: 99,
  reason: "above_threshold",
  score: 5,
  expected: { low: 0, high: 80 },
});

function setup() {
  const fixture = routeFixture();
  fixture.seen("demo", "press-01", NOW - 2 * DAY);
  fixture.seen("demo", "press-02", NOW - 2 * DAY);
  return { ...fixture, app: fixture.mount(trendsApi(fixture)) };
}

Deno.test("trends count machines by status and anomalies per hour from the event log", async () => {
  const { app, bus, close } = setup();
  bus.publish(status("press-01", NOW - 2.5 * HOUR, "anomalous"));
  bus.publish(anomaly("press-01", NOW - 2.5 * HOUR));
  bus.publish(anomaly("press-01", NOW - 2.4 * HOUR));
  bus.publish(status("press-01", NOW - 1.5 * HOUR, "normal"));
  bus.publish(status("press-02", NOW - 0.5 * HOUR, "stale"));
  const response = await app.request(
    `/api/v1/factories/demo/trends?from=${NOW - 3 * HOUR}&to=${NOW - 1}`,
  );
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.every, HOUR);
  const counts = body.buckets.map((
    b: { ts: number; machines: Record<string, number>; anomalies: number },
  ) => [
    (b.ts - NOW) / HOUR,
    b.machines.normal,
    b.machines.anomalous,
    b.machines.stale,
    b.anomalies,
  ]);
  assert.deepEqual(counts, [
    [-3, 1, 1, 0, 2],
    [-2, 1, 1, 0, 0],
    [-1, 1, 0, 1, 0],
  ]);
  close();
});

Deno.test("trends default to the last 24 hours, or 30 days with every=1d", async () => {
  const { app, close } = setup();
  const hourly = await (await app.request("/api/v1/factories/demo/trends")).json();
  assert.equal(hourly.buckets.length, 25, "24 h back from now, whole hours at both ends");
  assert.equal(hourly.to, NOW);
  const daily = await (await app.request("/api/v1/factories/demo/trends?every=1d")).json();
  assert.equal(daily.every, DAY);
  assert.equal(daily.buckets.length, 31);
  assert.equal(daily.buckets[0].machines.normal, 0, "machines count only once first seen");
  assert.equal(daily.buckets.at(-1).machines.normal, 2);
  close();
});

Deno.test("trends refuse a bad width, a range too long, and an unknown factory", async () => {
  const { app, close } = setup();
  for (
    const [query, expected] of [
      ["every=2h", /'every' must be 1h or 1d: current value is '2h'/],
      [
        `from=${NOW - 60 * DAY}`,
        /spans 1441 buckets of 1h, more than 1000; narrow the range or use every=1d/,
      ],
      ["from=soon", /'from'/],
      ["bucket=1h", /Unknown parameter 'bucket'/],
    ] as const
  ) {
    const response = await app.request(`/api/v1/factories/demo/trends?${query}`);
    assert.equal(response.status, 400, query);
    assert.match((await response.json()).error.message, expected);
  }
  assert.equal((await app.request("/api/v1/factories/nowhere/trends")).status, 404);
  close();
});
