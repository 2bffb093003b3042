/**
 * Test support: feature windows of a temperature metric that look like
 * normal running, an overheating ramp or a stuck sensor.
 *
 * @module
 */
import { type FeatureWindow, metricFeatures } from "./feature_window.ts";
import type { TrainingClass } from "./label.ts";

/** Points of `cls` over 10 min at 10 s, noise from `seed`. */
export function testPoints(cls: TrainingClass, seed: number, t0 = 0): Array<[number, number]> {
  // Spread small seeds over the generator's range: its first draws would all be near 0.
  let s = ((seed + 1) * 2654435761) % 2147483647 || 1;
  const noise = () => ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const points: Array<[number, number]> = [];
  for (let i = 0; i < 60; i++) {
    const base = 50 + noise();
    const value = cls === "overheating" ? base + i * 0.5 : cls === "sensor_fault" ? 50 : base;
    points.push([t0 + i * 10_000, value]);
  }
  return points;
}

/** A window of `cls` (see {@link testPoints}). */
export function testWindow(cls: TrainingClass, seed: number): FeatureWindow {
  return { ts: 0, from: 0, to: 600_000, metrics: { temp: metricFeatures(testPoints(cls, seed)) } };
}
