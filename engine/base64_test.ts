import assert from "node:assert/strict";
import { decodeBase64, encodeBase64 } from "./base64.ts";

Deno.test("base64 round-trips bytes, views into larger buffers included", () => {
  const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
  const view = bytes.subarray(3, 69_999);
  const text = encodeBase64(view);
  const small = view.subarray(0, 999);
  assert.equal(encodeBase64(small), btoa(String.fromCharCode(...small)));
  assert.deepEqual(decodeBase64(text), view);
  assert.equal(encodeBase64(new Uint8Array([1, 2, 3])), "AQID");
  assert.equal(decodeBase64("AQID").byteOffset, 0, "an aligned copy of its own");
});

Deno.test("decodeBase64 refuses what is not base64", () => {
  assert.throws(() => decodeBase64("AQI"), SyntaxError);
  assert.throws(() => decodeBase64("A?ID"), SyntaxError);
});
