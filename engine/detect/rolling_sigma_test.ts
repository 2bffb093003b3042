import assert from "node:assert/strict";
import { unpackFloats } from "./packed.ts";
import { RollingSigmaDetector } from "./rolling_sigma.ts";

Deno.test("RollingSigmaDetector scores |x − mean| / kσ of the window before x", () => {
  const d = new RollingSigmaDetector({ window: 4, k: 2 });
  for (const v of [1, 2, 3, 4, 5, 6, 7, 8]) d.update(v);
  // Window now 5,6,7,8: mean 6.5, sample σ = √(5/3).
  const sd = Math.sqrt(5 / 3);
  const score = d.update(10);
  assert.ok(Math.abs(score - 3.5 / (2 * sd)) < 1e-12);
  assert.ok(Math.abs(d.expectedLow - (6.5 - 2 * sd)) < 1e-12);
  assert.ok(Math.abs(d.expectedHigh - (6.5 + 2 * sd)) < 1e-12);
});

Deno.test("RollingSigmaDetector stays exact after many recomputations and restores from its snapshot", () => {
  const d = new RollingSigmaDetector({ window: 16, k: 3 });
  for (let i = 0; i < 10_000; i++) d.update(1e6 + (i % 7));
  const copy = new RollingSigmaDetector(
    { window: 16, k: 3 },
    JSON.parse(JSON.stringify(d.snapshot())),
  );
  assert.equal(unpackFloats(d.snapshot().values, Float32Array).length, 16);
  for (const v of [1e6 + 3, 1e6 + 50, 1e6 - 2]) assert.equal(copy.update(v), d.update(v));
});

Deno.test("RollingSigmaDetector rejects a window below 2", () => {
  assert.throws(() => new RollingSigmaDetector({ window: 1, k: 3 }), /'window' must be/);
});
