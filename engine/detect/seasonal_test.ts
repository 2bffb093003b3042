import assert from "node:assert/strict";
import { SeasonalDetector } from "./seasonal.ts";

const HOUR = 3_600_000;
const options = {
  binsPerDay: 24,
  weekend: true,
  memoryMs: 150 * 60_000,
  k: 4,
  minCoverageMs: 75 * 60_000,
  winsorize: 1,
};

/** A daily cycle: 10 at night, 50 from 08:00 to 18:00, plus a little wobble. */
function daily(ts: number): number {
  const hour = new Date(ts).getUTCHours();
  return (hour >= 8 && hour < 18 ? 50 : 10) + ((ts / HOUR) % 3) * 0.5;
}

Deno.test("SeasonalDetector flags a day-time level at night that a global band accepts", () => {
  const d = new SeasonalDetector(options);
  const start = Date.UTC(2024, 0, 1); // a Monday
  for (let t = start; t < start + 14 * 24 * HOUR; t += HOUR / 4) d.update(daily(t), t);
  const night = start + 14 * 24 * HOUR + 2 * HOUR; // Monday 02:00
  assert.ok(d.update(daily(night), night) < 1);
  const high = d.update(50, night + HOUR / 4);
  assert.ok(high > 5, `score ${high}`);
  assert.ok(d.expectedHigh < 20 && d.expectedLow > 0, `${d.expectedLow}–${d.expectedHigh}`);
});

Deno.test("SeasonalDetector keeps weekend bins apart and restores from its snapshot", () => {
  const d = new SeasonalDetector(options);
  const start = Date.UTC(2024, 0, 1);
  for (let t = start; t < start + 21 * 24 * HOUR; t += HOUR / 4) {
    const weekday = new Date(t).getUTCDay();
    d.update(weekday === 0 || weekday === 6 ? 10 : daily(t), t);
  }
  const saturdayNoon = Date.UTC(2024, 0, 27, 12);
  assert.ok(d.update(10, saturdayNoon) < 1, "a quiet Saturday noon is usual");
  const copy = new SeasonalDetector(options, JSON.parse(JSON.stringify(d.snapshot())));
  const mondayNoon = Date.UTC(2024, 0, 29, 12);
  const monday = d.update(10, mondayNoon);
  assert.equal(copy.update(10, mondayNoon), monday);
  assert.ok(monday > 1, "a quiet Monday noon is not");
  assert.equal(d.update(10, NaN), 0, "no timestamp, no context");
});
