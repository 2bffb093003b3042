import assert from "node:assert/strict";
import { CusumDetector } from "./cusum.ts";

const options = { alpha: 0.01, drift: 0.5, h: 8 };

Deno.test("CusumDetector detects a small level shift a σ test would miss, once", () => {
  const d = new CusumDetector(options);
  for (let i = 0; i < 500; i++) d.update(i % 2 ? 1 : -1);
  let alarms = 0;
  let firstAt = -1;
  for (let i = 0; i < 100; i++) {
    // +1.5σ shift: no single value is anywhere near 3σ.
    if (d.update(1.5 + (i % 2 ? 1 : -1)) >= 1) {
      alarms++;
      if (firstAt < 0) firstAt = i;
    }
  }
  assert.equal(alarms, 1);
  assert.ok(firstAt >= 3 && firstAt <= 15, `first alarm at ${firstAt}`);
});

Deno.test("CusumDetector detects a variance increase", () => {
  const d = new CusumDetector(options);
  for (let i = 0; i < 500; i++) d.update(i % 2 ? 1 : -1);
  let peak = 0;
  for (let i = 0; i < 20; i++) peak = Math.max(peak, d.update(i % 2 ? 3 : -3));
  assert.ok(peak >= 1);
});

Deno.test("CusumDetector restores from its snapshot", () => {
  const d = new CusumDetector(options);
  for (let i = 0; i < 100; i++) d.update(Math.sin(i));
  const copy = new CusumDetector(options, JSON.parse(JSON.stringify(d.snapshot())));
  for (const v of [0.2, 3, 3, 3]) assert.equal(copy.update(v), d.update(v));
});
