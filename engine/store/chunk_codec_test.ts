import assert from "node:assert/strict";
import { chunkBytes, decodeChunk, encodeChunk } from "./chunk_codec.ts";

Deno.test("a chunk round-trips its points, a slice of the columns at a time", () => {
  const columns = {
    ts: Float64Array.from([-5, 0, 1_700_000_000_123, 1_700_000_000_124]),
    values: Float64Array.from([1.5, -0, Number.MAX_VALUE, -1e-300]),
  };
  const whole = decodeChunk(encodeChunk(columns));
  assert.deepEqual([...whole.ts], [...columns.ts]);
  assert.deepEqual([...whole.values], [...columns.values]);
  assert.ok(Object.is(whole.values[1], -0), "negative zero is kept");
  const blob = encodeChunk(columns, 1, 3);
  assert.equal(blob.byteLength, chunkBytes(2));
  const part = decodeChunk(blob);
  assert.deepEqual([...part.ts], [0, 1_700_000_000_123]);
  assert.deepEqual([...part.values], [-0, Number.MAX_VALUE]);
});

Deno.test("a chunk decodes from an unaligned view and owns its columns", () => {
  const blob = encodeChunk({ ts: Float64Array.from([1, 2]), values: Float64Array.from([3, 4]) });
  const shifted = new Uint8Array(blob.byteLength + 3);
  shifted.set(blob, 3);
  const decoded = decodeChunk(shifted.subarray(3));
  shifted.fill(0);
  assert.deepEqual([...decoded.ts], [1, 2]);
  assert.deepEqual([...decoded.values], [3, 4]);
});

Deno.test("decodeChunk refuses blobs it cannot read", () => {
  assert.throws(() => decodeChunk(new Uint8Array(3)), /3 bytes: shorter than its header/);
  const blob = encodeChunk({ ts: Float64Array.from([1]), values: Float64Array.from([2]) });
  assert.throws(() => decodeChunk(blob.subarray(0, 20)), /20 bytes: 1 points need 24/);
  const future = blob.slice();
  future[0] = 9;
  assert.throws(() => decodeChunk(future), /format 9: this Millwright reads format 1/);
});
