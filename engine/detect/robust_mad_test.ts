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

/** |x − median| / (1.4826 · MAD · k) over `window`, recounted from scratch. */
function reference(window: number[], value: number, k: number): number {
  const sorted = [...window].sort((a, b) => a - b);
  const mid = (s: number[]) =>
    s.length & 1 ? s[s.length >> 1] : 0.5 * (s[(s.length >> 1) - 1] + s[s.length >> 1]);
  const median = mid(sorted);
  const mad = mid(sorted.map((v) => Math.abs(v - median)).sort((a, b) => a - b));
  return Math.abs(value - median) /
    (k * Math.max(1.4826 * mad, 1e-9 * Math.max(1, Math.abs(median))));
}

Deno.test("RobustMadDetector scores after skips as a recount of the window does", () => {
  const d = new RobustMadDetector({ window: 32, k: 4 });
  const seen: number[] = [];
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 400; i++) {
    const value = Math.round(random() * 1000) / 10;
    if (i % 37 === 36) {
      // Now and then scored (skip's sorted copy rebuilt), or updated as usual.
      const window = seen.slice(-32);
      const score = i % 2 === 0 ? d.score(value) : d.update(value);
      assert.ok(Math.abs(score - reference(window, value, 4)) < 1e-9, `at ${i}`);
      if (i % 2 === 0) d.skip(value);
    } else {
      d.skip(value);
    }
    seen.push(value);
  }
  // A snapshot taken after skips restores the same window and scores alike.
  const copy = new RobustMadDetector({ window: 32, k: 4 }, d.snapshot());
  assert.equal(copy.score(55), d.score(55));
  assert.ok(Math.abs(d.score(55) - reference(seen.slice(-32), 55, 4)) < 1e-9);
});
