import assert from "node:assert/strict";
import { unpackFloats } from "./packed.ts";
import { RobustMadDetector } from "./robust_mad.ts";

Deno.test("RobustMadDetector scores against the median and MAD, ignoring one outlier", () => {
  const d = new RobustMadDetector({ window: 9, k: 1 });
  // Window 1..8 plus one wild value: median 5, MAD 2 (deviations 0,1,1,2,2,3,3,4,995).
  for (const v of [1, 2, 3, 4, 5, 6, 7, 8, 1000]) d.update(v);
  const score = d.update(5 + 1.4826 * 2 * 3);
  assert.ok(Math.abs(score - 3) < 1e-9, `score ${score}`);
  assert.equal(d.expectedLow, 5 - 1.4826 * 2);
});

Deno.test("RobustMadDetector keeps only the last `window` values and restores them", () => {
  const d = new RobustMadDetector({ window: 32, k: 4 });
  for (let i = 0; i < 500; i++) d.update(i % 10);
  const values = unpackFloats(d.snapshot().values, Float64Array);
  assert.deepEqual(Array.from(values.slice(0, 3)), [8, 9, 0]);
  assert.equal(values.length, 32);
  const copy = new RobustMadDetector({ window: 32, k: 4 }, d.snapshot());
  for (const v of [3, 40, -7, 5]) assert.equal(copy.update(v), d.update(v));
});
