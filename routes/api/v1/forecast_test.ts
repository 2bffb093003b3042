import assert from "node:assert/strict";
import { Hono } from "hono";
import type { ForecastEvent } from "../../../engine/events.ts";
import { ForecastBoard } from "../../../engine/forecast/mod.ts";
import { handleError } from "../../../web/http_error.ts";
import { forecastApi } from "./forecast.ts";

const MINUTE = 60_000;
const T = Date.UTC(2027, 0, 15, 8);

/** temp from 80 rising 1 per minute, ±0.25 per minute ahead, 30 points a minute apart. */
function tempForecast(): ForecastEvent {
  return {
    type: "forecast",
    factory: "demo",
    machine: "oven-01",
    ts: T,
    metric: "temp",
    step: MINUTE,
    value: 80,
    coverage: 0.8,
    period: null,
    horizon: Array.from({ length: 30 }, (_, i) => {
      const h = i + 1;
      return { ts: T + h * MINUTE, mean: 80 + h, low: 80 + 0.75 * h, high: 80 + 1.25 * h };
    }),
    crossings: [{
      op: ">",
      value: 94,
      expectedMs: 14 * MINUTE,
      earliestMs: 11.2 * MINUTE,
      latestMs: (56 / 3) * MINUTE,
      horizonMs: 30 * MINUTE,
      text: "temp reaches 94 in about 14 min (80 % 11–19 min)",
    }],
  };
}

function app(board: ForecastBoard): Hono {
  const root = new Hono();
  root.onError(handleError);
  root.route(
    "/api/v1",
    forecastApi({ forecasts: (f, m, metric) => board.forecasts(f, m, metric) }),
  );
  return root;
}

const URL_BASE = "/api/v1/factories/demo/machines/oven-01/forecast";

Deno.test("forecast API answers the latest forecast with its crossing estimates", async () => {
  const board = new ForecastBoard();
  board.observe(tempForecast());
  board.observe({ ...tempForecast(), metric: "rpm", crossings: [] });
  const all = await (await app(board).request(URL_BASE)).json();
  assert.deepEqual(all.forecasts.map((f: { metric: string }) => f.metric), ["rpm", "temp"]);
  const temp = all.forecasts[1];
  assert.equal(temp.horizon.length, 30);
  assert.deepEqual(temp.crossings[0], tempForecast().crossings[0]);
});

Deno.test("forecast API cuts the horizon and estimates an extra threshold", async () => {
  const board = new ForecastBoard();
  board.observe(tempForecast());
  const response = await app(board).request(`${URL_BASE}?metric=temp&horizon=12m&threshold=90`);
  const { forecasts: [temp] } = await response.json();
  assert.equal(temp.horizon.length, 12);
  // 94 is past the 12 min horizon now; 90: mean at 10 min, high at 8, low beyond 12 min.
  assert.deepEqual(
    temp.crossings.map((c: { text: string }) => c.text),
    [
      "temp not forecast to reach 94 within 12 min; possible (80 % from 11 min)",
      "temp reaches 90 in about 10 min (80 % from 8 min)",
    ],
  );
  assert.equal(temp.crossings[1].expectedMs, 10 * MINUTE);
  assert.equal(temp.crossings[1].latestMs, null);
});

Deno.test("forecast API says what is wrong", async () => {
  const board = new ForecastBoard();
  board.observe(tempForecast());
  const api = app(board);
  const cases: Array<[string, number, RegExp]> = [
    ["/api/v1/factories/demo/machines/ghost/forecast", 404, /No forecast for machine 'ghost'/],
    [`${URL_BASE}?metric=rpm`, 404, /No forecast of 'rpm'/],
    [`${URL_BASE}?horizon=soon`, 400, /'horizon' must be a duration/],
    [
      `${URL_BASE}?threshold=hot`,
      400,
      /'threshold' must be a finite number: current value is 'hot'/,
    ],
    [`${URL_BASE}?threshold=9&op=~`, 400, /'op' must be one of/],
    [`${URL_BASE}?op=>`, 400, /'op' needs 'threshold'/],
    [`${URL_BASE}?from=0`, 400, /Unknown parameter 'from'/],
  ];
  for (const [url, status, message] of cases) {
    const response = await api.request(url);
    assert.equal(response.status, status, url);
    assert.match((await response.json()).error.message, message);
  }
});

Deno.test("ForecastBoard keeps the latest per metric, bounded, and forgets stopped machines", () => {
  const board = new ForecastBoard({ maxEntries: 2 });
  board.observe(tempForecast());
  board.observe({ ...tempForecast(), ts: T + MINUTE });
  assert.equal(board.forecasts("demo", "oven-01", "temp")[0].ts, T + MINUTE);
  board.observe({ ...tempForecast(), machine: "oven-02" });
  board.observe({ ...tempForecast(), machine: "oven-03" });
  assert.deepEqual(board.forecasts("demo", "oven-01"), []); // least recently updated left
  board.observe({
    type: "supervision",
    factory: "demo",
    machine: "oven-02",
    ts: T,
    decision: "stop",
    reason: "test",
  });
  assert.deepEqual(board.forecasts("demo", "oven-02"), []);
  assert.equal(board.forecasts("demo", "oven-03").length, 1);
});
