import assert from "node:assert/strict";
import { FlatlineDetector } from "./flatline.ts";

Deno.test("FlatlineDetector flags a moving signal that gets stuck after minRun repeats", () => {
  const d = new FlatlineDetector({ minRun: 20 });
  for (let i = 0; i < 200; i++) d.update(Math.sin(i));
  const scores = Array.from({ length: 25 }, () => d.update(0.5));
  // The first 0.5 is a change; then 20 repeats reach the alarm (score = run / 20).
  assert.equal(scores[19], 0.95);
  assert.equal(scores[20], 1);
  assert.ok(d.update(0.6) === 0);
});

Deno.test("FlatlineDetector tolerates a signal that often repeats", () => {
  const d = new FlatlineDetector({ minRun: 20 });
  // Quantised sensor: holds each value for 10 samples.
  for (let i = 0; i < 2000; i++) d.update(Math.floor(i / 10) % 5);
  let peak = 0;
  for (let i = 0; i < 25; i++) peak = Math.max(peak, d.update(7));
  assert.ok(peak < 1, `peak ${peak}`);
});

Deno.test("FlatlineDetector leaves a signal that has always been constant alone", () => {
  const d = new FlatlineDetector({ minRun: 20 });
  let peak = 0;
  for (let i = 0; i < 1000; i++) peak = Math.max(peak, d.update(i < 10 ? i : 3));
  assert.equal(peak, 0);
});
