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
