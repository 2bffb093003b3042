import assert from "node:assert/strict";
import { dampedSum, DEFAULT_HOLT_CANDIDATES, HoltWinters } from "./holt_winters.ts";

const FIXED = {
  candidates: [{ alpha: 0.5, beta: 0.2 }],
  gamma: 0.1,
  phi: 1,
  errorDecay: 0.05,
};

Deno.test("HoltWinters follows a straight line exactly once converged", () => {
  const m = new HoltWinters(FIXED);
  for (let t = 0; t < 400; t++) m.update(5 + 2 * t);
  assert.ok(Math.abs(m.forecast(0) - (5 + 2 * 399)) < 1e-9);
  assert.ok(Math.abs(m.forecast(10) - (5 + 2 * 409)) < 1e-9);
});

Deno.test("HoltWinters with damping flattens the trend by φ + … + φʰ", () => {
  const m = new HoltWinters({ ...FIXED, phi: 0.9 });
  for (let t = 0; t < 400; t++) m.update(10);
  assert.equal(m.forecast(5), 10);
  assert.ok(Math.abs(dampedSum(0.9, 3) - (0.9 + 0.81 + 0.729)) < 1e-12);
  assert.equal(dampedSum(1, 7), 7);
});

Deno.test("HoltWinters picks the candidate with the least recent one-step error", () => {
  // A random walk favours a high α; a noisy constant a low one.
  let walk = 0, seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) - 0.5;
  const a = new HoltWinters({ ...FIXED, candidates: DEFAULT_HOLT_CANDIDATES });
  for (let t = 0; t < 2_000; t++) a.update(walk += rand());
  assert.equal(a.current.alpha, 0.6);
  const b = new HoltWinters({ ...FIXED, candidates: DEFAULT_HOLT_CANDIDATES });
  for (let t = 0; t < 2_000; t++) b.update(100 + rand());
  assert.equal(b.current.alpha, 0.05);
});

Deno.test("HoltWinters with a season forecasts the seasonal pattern", () => {
  const shape = [4, 0, -4, 0];
  const m = new HoltWinters(FIXED);
  m.setSeason(shape);
  for (let t = 0; t < 200; t++) m.update(50 + shape[t % 4]);
  // Step 199 was the last (phase 3); the next four are phases 0, 1, 2, 3.
  assert.deepEqual([1, 2, 3, 4].map((h) => Math.round(m.forecast(h) * 1e6) / 1e6), [
    54,
    50,
    46,
    50,
  ]);
  assert.equal(m.seasonLength, 4);
});

Deno.test("HoltWinters state survives JSON and rejects a bad φ", () => {
  const m = new HoltWinters(FIXED);
  for (let t = 0; t < 50; t++) m.update(Math.sqrt(t));
  const copy = new HoltWinters(FIXED, JSON.parse(JSON.stringify(m.toJSON())));
  m.update(8);
  copy.update(8);
  assert.equal(copy.forecast(3), m.forecast(3));
  assert.throws(
    () => new HoltWinters({ ...FIXED, phi: 1.5 }),
    /'phi' must be in \(0, 1\]: current value is 1.5/,
  );
});
