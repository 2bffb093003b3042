import assert from "node:assert/strict";
import { AnomalyLikelihood, logScale, tailProbability } from "./likelihood.ts";

Deno.test("tailProbability matches the standard normal tail", () => {
  assert.ok(Math.abs(tailProbability(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(tailProbability(1.96) - 0.0249979) < 1e-6);
  assert.ok(Math.abs(tailProbability(6) / 9.8659e-10 - 1) < 1e-3);
});

Deno.test("logScale maps 10^-decades to 1 and 1 to 0", () => {
  assert.equal(logScale(1, 10), 0);
  assert.equal(logScale(1e-5, 10), 0.5);
  assert.equal(logScale(1e-40, 10), 1);
});

Deno.test("AnomalyLikelihood stays near 0 on ordinary scores and rises on an unusual one", () => {
  const l = new AnomalyLikelihood({ shortWindow: 1, longWindow: 500, warmup: 30, decades: 10 });
  let peak = 0;
  for (let i = 0; i < 1000; i++) peak = Math.max(peak, l.update(0.2 + 0.1 * Math.sin(i)));
  // A sinusoid's short means reach √2 σ at most: p ≈ 0.079, about 1.1 of 10 decades.
  assert.ok(Math.abs(peak - logScale(tailProbability(Math.SQRT2), 10)) < 0.01, `peak ${peak}`);
  assert.ok(l.update(2) > 0.9);
});

Deno.test("AnomalyLikelihood restores from its snapshot with the same next scores", () => {
  const o = { shortWindow: 3, longWindow: 50, warmup: 10, decades: 10 };
  const l = new AnomalyLikelihood(o);
  for (let i = 0; i < 120; i++) l.update((i * 7) % 5);
  const copy = new AnomalyLikelihood(o, JSON.parse(JSON.stringify(l.snapshot())));
  for (const v of [1, 9, 2]) assert.ok(Math.abs(copy.update(v) - l.update(v)) < 1e-12);
});
