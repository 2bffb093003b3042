import assert from "node:assert/strict";
import { EwmaDetector } from "./ewma.ts";

Deno.test("EwmaDetector tracks the mean and flags a jump", () => {
  const d = new EwmaDetector({ alpha: 0.1, k: 4 });
  for (let i = 0; i < 300; i++) d.update(10 + (i % 2 ? 1 : -1));
  assert.ok(Math.abs(d.mean - 10) < 0.2);
  assert.ok(d.update(10.5) < 0.2);
  assert.ok(d.update(30) > 4);
});

Deno.test("EwmaDetector adapts its variance to a noisier regime", () => {
  const d = new EwmaDetector({ alpha: 0.05, k: 3 });
  for (let i = 0; i < 300; i++) d.update(i % 2);
  const before = d.sigma;
  for (let i = 0; i < 300; i++) d.update((i % 2) * 10);
  assert.ok(d.sigma > 8 * before, `${d.sigma} vs ${before}`);
  const copy = new EwmaDetector({ alpha: 0.05, k: 3 }, d.snapshot());
  assert.equal(copy.update(7), d.update(7));
});
