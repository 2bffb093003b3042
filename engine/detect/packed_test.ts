import assert from "node:assert/strict";
import { decodeBase64, packFloats, unpackFloats } from "./packed.ts";

Deno.test("packFloats round-trips Float64 and Float32 values bit for bit", () => {
  const f64 = new Float64Array([0.1, -1e300, Math.PI, 0]);
  assert.deepEqual(unpackFloats(packFloats(f64), Float64Array), f64);
  const f32 = new Float32Array([0.1, 1480.25, -3]);
  assert.deepEqual(unpackFloats(packFloats(f32), Float32Array), f32);
  assert.equal(packFloats(new Float64Array([1])), "AAAAAAAA8D8=");
});

Deno.test("unpackFloats accepts plain arrays of older snapshots and rejects bad text", () => {
  assert.deepEqual(unpackFloats([1, 2], Float64Array), new Float64Array([1, 2]));
  assert.throws(() => unpackFloats("AAA=", Float32Array), /not a whole number of 4-byte values/);
  assert.throws(() => decodeBase64("!!"), /is not base64/);
  assert.throws(() => decodeBase64("AAAA", 4), /expected 4 bytes, got 3/);
});
