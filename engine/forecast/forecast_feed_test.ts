import assert from "node:assert/strict";
import { ForecastFeed } from "./forecast_feed.ts";

Deno.test("ForecastFeed hands out a forecast at most every everyMs of sample time", () => {
  const feed = new ForecastFeed({ everyMs: 5_000, horizonMs: 60_000, maxPoints: 6 });
  const at: number[] = [];
  for (let i = 0; i < 40; i++) {
    const path = feed.push(i * 1_000, 10 + i);
    if (path !== null) at.push(i);
  }
  // The step (1 s) is fixed at the 9th sample and 8 steps are in at once.
  assert.deepEqual(at, [8, 13, 18, 23, 28, 33, 38]);
  const path = feed.current()!;
  assert.equal(path.points.length, 6);
  assert.equal(path.points.at(-1)!.ts - path.ts, 60_000);
});

Deno.test("ForecastFeed keeps its cadence across a JSON round trip", () => {
  const feed = new ForecastFeed({ everyMs: 5_000 });
  for (let i = 0; i < 20; i++) feed.push(i * 1_000, i % 3);
  const copy = new ForecastFeed({ everyMs: 5_000 }, JSON.parse(JSON.stringify(feed.toJSON())));
  const a = [], b = [];
  for (let i = 20; i < 40; i++) {
    a.push(feed.push(i * 1_000, i % 3) !== null);
    b.push(copy.push(i * 1_000, i % 3) !== null);
  }
  assert.deepEqual(a, b);
  assert.deepEqual(copy.current(), feed.current());
});

Deno.test("ForecastFeed after a gap waits for the metric's phase of the period, not the first sample", () => {
  const firstAfterGap = (phase: number) => {
    const feed = new ForecastFeed({ everyMs: 5_000, horizonMs: 60_000, forecaster: { phase } });
    for (let i = 0; i < 40; i++) feed.push(i * 1_000, 10 + (i % 4));
    // 60 s without data, then every second again.
    for (let i = 100; i < 120; i++) {
      if (feed.push(i * 1_000, 10 + (i % 4)) !== null) return i * 1_000;
    }
    return null;
  };
  assert.equal(firstAfterGap(0), 105_000, "a whole period after the first sample");
  assert.equal(firstAfterGap(0.5), 103_000, "half a period (102.5 s), at the next sample");
  assert.equal(firstAfterGap(0.8), 101_000);
});

Deno.test("ForecastFeed restored from a snapshot keeps the time of its latest sample", () => {
  const options = { everyMs: 5_000, horizonMs: 60_000 };
  const feed = new ForecastFeed(options);
  for (let i = 0; i < 20; i++) feed.push(i * 1_000, i % 3);
  const state = JSON.parse(JSON.stringify(feed.toJSON()));
  assert.equal(state.lastSampleTs, 19_000);
  const { lastSampleTs: _, ...older } = state;
  const due = (f: ForecastFeed) => {
    const at: number[] = [];
    for (let i = 20; i < 40; i++) if (f.push(i * 1_000, i % 3) !== null) at.push(i);
    return at;
  };
  const expected = due(feed);
  assert.deepEqual(expected, [23, 28, 33, 38]);
  assert.deepEqual(due(new ForecastFeed(options, state)), expected, "the same cadence");
  assert.deepEqual(
    due(new ForecastFeed(options, older)),
    [25, 30, 35],
    "an older state: a period after its first sample",
  );
});

Deno.test("ForecastFeed asks a model too young for a path once a step, not every sample", () => {
  const feed = new ForecastFeed();
  const forecaster = feed.forecaster;
  let asked = 0;
  const forecast = forecaster.forecast.bind(forecaster);
  forecaster.forecast = (...args) => {
    asked++;
    return forecast(...args);
  };
  // 1 Hz for 50 s: steps of 7.5 s (30 min in 240 steps), fewer than the 8 a path needs.
  for (let s = 0; s < 50; s++) assert.equal(feed.push(s * 1_000, 20 + Math.sin(s)), null);
  assert.ok(asked >= 1 && asked <= 6, `asked ${asked} times`);
});

Deno.test("ForecastFeed forecasts a metric sampled less often than everyMs (every 10 s, every minute)", () => {
  for (const spacing of [10_000, 60_000]) {
    const feed = new ForecastFeed({ everyMs: 5_000, horizonMs: 600_000 });
    let forecasts = 0;
    for (let i = 0; i < 100; i++) {
      if (feed.push(i * spacing, 20 + Math.sin(i / 5)) !== null) forecasts++;
    }
    // Once the model has its 8 steps, a forecast every sample (each completes a step).
    assert.ok(forecasts >= 80, `${forecasts} forecasts in 100 samples ${spacing} ms apart`);
  }
});

/**
 * A metric of `phase` sampled every `spacingMs` for 60 s, then not until
 * `resumeAt`: the time of its first forecast after that lull (before 70 s), or null.
 */
function firstForecastAfterLull(phase: number, spacingMs: number, resumeAt: number): number | null {
  const feed = new ForecastFeed({ everyMs: 5_000, horizonMs: 60_000, forecaster: { phase } });
  for (let t = 0; t <= 60_000; t += spacingMs) feed.push(t, 10 + Math.sin(t / 3_000));
  for (let t = resumeAt; t < 70_000; t += spacingMs) {
    if (feed.push(t, 10 + Math.sin(t / 3_000)) !== null) return t;
  }
  return null;
}

Deno.test("ForecastFeed after a lull of a fast metric waits for its phase, not the first sample", () => {
  // 20 Hz for 60 s, 1.5 s without data (a fleet's lull), then 20 Hz again.
  const firstAfterLull = (phase: number) => firstForecastAfterLull(phase, 50, 61_500);
  assert.equal(firstAfterLull(0), 66_500, "a whole period after the lull");
  assert.equal(firstAfterLull(0.5), 64_000, "half a period");
  assert.equal(firstAfterLull(0.9), 62_000);
});

Deno.test("ForecastFeed takes a 1.3 s lull of 5 Hz metrics for a pause: none forecasts on its first sample after", () => {
  // 5 Hz for 60 s, 1.3 s without data (the bench's lull between its warm-up and its first step),
  // for metrics of 20 phases: those due during the lull would all forecast at 61.3 s.
  const firsts = Array.from({ length: 20 }, (_, i) => firstForecastAfterLull(i / 20, 200, 61_300));
  assert.deepEqual(firsts.filter((t) => t === 61_300), [], `first forecasts at ${firsts}`);
  assert.ok(firsts.every((t) => t !== null && t <= 66_500), `each within a period: ${firsts}`);
  assert.ok(new Set(firsts).size >= 15, `spread by phase: ${firsts}`);
});

Deno.test("ForecastFeed keeps forecasting a metric published in bursts", () => {
  // Ten samples 10 ms apart, once a second: every burst starts after a "pause".
  const feed = new ForecastFeed({ everyMs: 5_000, horizonMs: 60_000 });
  const at: number[] = [];
  for (let second = 0; second < 120; second++) {
    for (let k = 0; k < 10; k++) {
      const t = second * 1_000 + k * 10;
      if (feed.push(t, 10 + (second % 7)) !== null) at.push(second);
    }
  }
  assert.ok(at.length >= 18, `${at.length} forecasts in 120 s`);
  const gaps = at.slice(1).map((s, i) => s - at[i]);
  assert.ok(Math.max(...gaps) <= 10, `at most one put-off (10 s) between forecasts: ${gaps}`);
});
