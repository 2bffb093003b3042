import assert from "node:assert/strict";
import { hannWindow } from "./hann_window.ts";

Deno.test("hannWindow is zero at the start, one in the middle, with gain 0.5 and ENBW 1.5", () => {
  const hann = hannWindow(1024);
  assert.equal(hann.weights.length, 1024);
  assert.equal(hann.weights[0], 0);
  assert.equal(hann.weights[512], 1);
  assert.ok(Math.abs(hann.weights[256] - 0.5) < 1e-12);
  assert.ok(Math.abs(hann.coherentGain - 0.5) < 1e-12);
  assert.ok(Math.abs(hann.enbw - 1.5) < 1e-12);
});

Deno.test("hannWindow rejects a length below 2", () => {
  assert.throws(() => hannWindow(1), /'length' must be an integer >= 2: current value is 1/);
  assert.throws(() => hannWindow(2.5), RangeError);
});
