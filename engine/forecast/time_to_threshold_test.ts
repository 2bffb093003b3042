import assert from "node:assert/strict";
import type { ForecastPath } from "./forecast_path.ts";
import { timeToThreshold } from "./time_to_threshold.ts";
import { describeCrossing } from "./crossing_text.ts";

const MINUTE = 60_000;

/** A ramp from 80 rising 1 per minute for 30 min, interval ±0.5 per minute ahead. */
function ramp(): ForecastPath {
  return {
    ts: 0,
    step: MINUTE,
    value: 80,
    coverage: 0.8,
    period: null,
    points: Array.from({ length: 30 }, (_, i) => {
      const h = i + 1;
      return { ts: h * MINUTE, mean: 80 + h, low: 80 + h - 0.25 * h, high: 80 + h + 0.25 * h };
    }),
  };
}

Deno.test("timeToThreshold finds the mean crossing of a ramp and its interval", () => {
  const c = timeToThreshold(ramp(), { op: ">", value: 90 });
  // mean 80 + h = 90 at h = 10; high 80 + 1.25h = 90 at h = 8; low 80 + 0.75h = 90 at h = 13.33.
  assert.equal(c.expectedMs, 10 * MINUTE);
  assert.equal(c.earliestMs, 8 * MINUTE);
  assert.equal(c.latestMs, Math.round((40 / 3) * MINUTE));
  assert.equal(c.horizonMs, 30 * MINUTE);
});

Deno.test("timeToThreshold interpolates between points", () => {
  const c = timeToThreshold(ramp(), { op: ">=", value: 90.5 });
  assert.equal(c.expectedMs, 10.5 * MINUTE);
});

Deno.test("timeToThreshold says null past the horizon and 0 when already past", () => {
  const far = timeToThreshold(ramp(), { op: ">", value: 109 });
  assert.equal(far.expectedMs, 29 * MINUTE);
  assert.equal(far.latestMs, null); // the low bound reaches only 102.5
  const never = timeToThreshold(ramp(), { op: ">", value: 200 });
  assert.deepEqual([never.expectedMs, never.earliestMs, never.latestMs], [null, null, null]);
  const past = timeToThreshold(ramp(), { op: ">", value: 70 });
  assert.equal(past.expectedMs, 0);
});

Deno.test("timeToThreshold on a falling sinusoid takes the low bound as earliest", () => {
  // value = 10 cos(2π t / 40 min); crossing 0 downwards at 10 min.
  const points = Array.from({ length: 40 }, (_, i) => {
    const h = i + 1, mean = 10 * Math.cos((2 * Math.PI * h) / 40);
    return { ts: h * MINUTE, mean, low: mean - 1, high: mean + 1 };
  });
  const path: ForecastPath = {
    ts: 0,
    step: MINUTE,
    value: 10,
    coverage: 0.8,
    period: null,
    points,
  };
  const c = timeToThreshold(path, { op: "<", value: 0 });
  assert.ok(Math.abs(c.expectedMs! - 10 * MINUTE) < 0.01 * MINUTE);
  assert.ok(c.earliestMs! < c.expectedMs! && c.expectedMs! < c.latestMs!);
  // low = mean − 1 crosses 0 where cos = 0.1: t = acos(0.1)/(2π)·40 min.
  const expectedLow = (Math.acos(0.1) / (2 * Math.PI)) * 40 * MINUTE;
  assert.ok(Math.abs(c.earliestMs! - expectedLow) < 0.05 * MINUTE);
});

Deno.test("describeCrossing writes the estimate for people", () => {
  const c = timeToThreshold(ramp(), { op: ">", value: 94 });
  // mean at 14 min, high at 11.2 min, low at 18.67 min.
  assert.equal(describeCrossing("temp", c), "temp reaches 94 in about 14 min (80 % 11–19 min)");
  assert.equal(
    describeCrossing("temp", timeToThreshold(ramp(), { op: ">", value: 200 })),
    "temp not forecast to reach 200 within 30 min",
  );
  assert.equal(
    describeCrossing("temp", timeToThreshold(ramp(), { op: ">", value: 110 }), 0.8, "°C"),
    "temp not forecast to reach 110 °C within 30 min; possible (80 % from 24 min)",
  );
});
