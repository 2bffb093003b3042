import assert from "node:assert/strict";
import type { ForecastEvent, ForecastEventPoint } from "../events.ts";
import { ForecastBoard } from "./forecast_board.ts";

const T = Date.UTC(2027, 0, 15, 8);

function path(points: number, from = 20): ForecastEventPoint[] {
  return Array.from({ length: points }, (_, i) => ({
    ts: T + (i + 1) * 5_000,
    mean: from + i,
    low: from + i - 0.5,
    high: from + i + 0.25,
  }));
}

function forecast(machine: string, metric: string, points = 3, from = 20): ForecastEvent {
  return {
    type: "forecast",
    factory: "plant",
    machine,
    ts: T,
    metric,
    step: 5_000,
    value: from,
    coverage: 0.8,
    period: null,
    horizon: path(points, from),
    crossings: [],
  };
}

Deno.test("ForecastBoard gives back each metric's latest forecast as it was published", () => {
  const board = new ForecastBoard();
  const first = forecast("m1", "temp");
  board.observe(first);
  assert.deepEqual(board.forecasts("plant", "m1"), [first]);
  const crossing = {
    op: ">" as const,
    value: 30,
    expectedMs: 50_000,
    earliestMs: 40_000,
    latestMs: 60_000,
    horizonMs: 300_000,
    text: "temp reaches 30 in about 1 min",
  };
  const later = {
    ...forecast("m1", "temp", 5, 21),
    ts: T + 5_000,
    period: 60_000,
    crossings: [crossing],
  };
  board.observe(later);
  assert.deepEqual(board.forecasts("plant", "m1", "temp"), [later], "a longer horizon");
  const shorter = { ...forecast("m1", "temp", 2, 22), ts: T + 10_000 };
  board.observe(shorter);
  assert.deepEqual(board.forecasts("plant", "m1", "temp"), [shorter], "a shorter one after it");
  assert.deepEqual(board.forecasts("plant", "m2"), []);
  assert.deepEqual(board.forecasts("other", "m1"), []);
});

Deno.test("ForecastBoard copies: the published event can be dropped, and answers stay as given", () => {
  const board = new ForecastBoard();
  const points = path(3);
  const event = { ...forecast("m1", "temp"), horizon: points };
  board.observe(event);
  const answer = board.forecasts("plant", "m1", "temp")[0];
  (points[0] as { mean: number }).mean = -1;
  assert.equal(board.forecasts("plant", "m1", "temp")[0].horizon[0].mean, 20, "a copy is kept");
  board.observe(forecast("m1", "temp", 3, 50));
  assert.equal(answer.horizon[0].mean, 20, "an answer is not rewritten by the next update");
  assert.equal(board.forecasts("plant", "m1", "temp")[0].horizon[0].mean, 50);
  assert.notEqual(board.forecasts("plant", "m1", "temp")[0].horizon, event.horizon);
});

Deno.test("ForecastBoard lists a machine's metrics by name and drops the least recently updated", () => {
  const board = new ForecastBoard({ maxEntries: 3 });
  board.observe(forecast("m1", "temp"));
  board.observe(forecast("m1", "rpm"));
  board.observe(forecast("m2", "temp"));
  board.observe(forecast("m1", "temp", 3, 30)); // m1/temp is the newest again
  board.observe(forecast("m2", "rpm")); // over the bound: m1/rpm leaves
  assert.equal(board.size, 3);
  assert.deepEqual(board.forecasts("plant", "m1").map((e) => e.metric), ["temp"]);
  assert.deepEqual(board.forecasts("plant", "m2").map((e) => e.metric), ["rpm", "temp"]);
  board.observe(forecast("m3", "temp")); // m2/temp leaves
  assert.deepEqual(board.forecasts("plant", "m2").map((e) => e.metric), ["rpm"]);
});

Deno.test("ForecastBoard forgets a stopped or quarantined machine, and nothing else", () => {
  const board = new ForecastBoard();
  board.observe(forecast("m1", "temp"));
  board.observe(forecast("m1", "rpm"));
  board.observe(forecast("m2", "temp"));
  for (const decision of ["stop", "quarantine", "restart"] as const) {
    board.observe({
      type: "supervision",
      factory: "plant",
      machine: decision === "restart" ? "m2" : "m1",
      ts: T,
      decision,
      reason: "test",
    });
  }
  assert.deepEqual(board.forecasts("plant", "m1"), []);
  assert.equal(board.forecasts("plant", "m2").length, 1, "a restart keeps the forecasts");
  assert.equal(board.size, 1);
  board.observe(forecast("m1", "temp"));
  assert.equal(board.forecasts("plant", "m1").length, 1);
});

Deno.test("ForecastBoard refuses a bound that is not a positive integer", () => {
  assert.throws(
    () => new ForecastBoard({ maxEntries: 0 }),
    /'maxEntries' must be a positive integer/,
  );
});
