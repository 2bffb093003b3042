import assert from "node:assert/strict";
import { seededRandom } from "../detect/prng.ts";
import { chunkBytes, decodeChunk, encodeChunk, encodePlain } from "./chunk_codec.ts";

const roundTrip = (ts: number[], values: number[], encode = encodeChunk) => {
  const blob = encode({ ts: Float64Array.from(ts), values: Float64Array.from(values) });
  const decoded = decodeChunk(blob);
  assert.deepEqual([...decoded.ts], ts, "times");
  assert.equal(decoded.values.length, values.length);
  values.forEach((v, i) => assert.ok(Object.is(decoded.values[i], v), `value ${i}: ${v}`));
  return blob;
};

Deno.test("a packed chunk round-trips every kind of time step and value bit-exactly", () => {
  roundTrip(
    [-86_400_000, -5, 0, 1, 1_700_000_000_123, 1_700_000_000_124, 2 ** 52],
    [1.5, -0, 0, Number.MAX_VALUE, -1e-300, Number.MIN_VALUE, -Infinity],
  );
  roundTrip([], []);
  roundTrip([42], [NaN]);
  const rand = seededRandom(7);
  for (let round = 0; round < 20; round++) {
    const ts: number[] = [];
    const values: number[] = [];
    let t = Math.floor(rand() * 2e12) - 1e12;
    let v = rand() * 100;
    for (let i = 0; i < 500; i++) {
      t += rand() < 0.9 ? 1_000 + Math.floor(rand() * 21) - 10 : Math.floor(rand() * 1e9);
      const kind = rand();
      v = kind < 0.3 ? v : kind < 0.6 ? Math.round(rand() * 10) : v + (rand() - 0.5) * 1e-3;
      ts.push(t);
      values.push(v);
    }
    roundTrip(ts, values);
  }
});

Deno.test("a packed chunk is small for steady times and repeated or whole values", () => {
  const n = 1_000;
  const ts = Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 1_000);
  const steady = roundTrip(ts, Array(n).fill(21.5));
  assert.ok(steady.byteLength <= 8 + 8 + 2 * n + 8, `2 bytes a point: ${steady.byteLength}`);
  const counter = roundTrip(ts, ts.map((_, i) => 1_000 + i));
  assert.ok(counter.byteLength < 5 * n, `a counter: ${counter.byteLength}`);
  const rand = seededRandom(3);
  const noisy = roundTrip(ts, ts.map(() => 50 + rand()));
  assert.ok(
    noisy.byteLength < 11 * n,
    `a noisy reading: ${noisy.byteLength} (plain: ${chunkBytes(n)})`,
  );
});

Deno.test("times that are not whole numbers fall back to the plain format", () => {
  const blob = roundTrip([0.5, 1.25], [3, 4]);
  assert.equal(blob[0], 1);
  assert.equal(blob.byteLength, chunkBytes(2));
  assert.equal(roundTrip([0, 2 ** 51, 0 + 1], [1, 2, 3])[0], 1, "a step too large to pack");
  assert.equal(roundTrip([1, 2], [3, 4])[0], 2);
});

Deno.test("a plain chunk round-trips, and decodes from an unaligned view into its own columns", () => {
  const blob = roundTrip([1, 2], [3, 4], encodePlain);
  const shifted = new Uint8Array(blob.byteLength + 3);
  shifted.set(blob, 3);
  const decoded = decodeChunk(shifted.subarray(3));
  shifted.fill(0);
  assert.deepEqual([...decoded.ts], [1, 2]);
  assert.deepEqual([...decoded.values], [3, 4]);
  const part = decodeChunk(
    encodeChunk({ ts: Float64Array.from([5, 6, 7]), values: Float64Array.from([8, 9, 10]) }, 1, 3),
  );
  assert.deepEqual([...part.ts], [6, 7]);
  assert.deepEqual([...part.values], [9, 10]);
});

Deno.test("decodeChunk refuses blobs it cannot read", () => {
  assert.throws(() => decodeChunk(new Uint8Array(3)), /3 bytes: shorter than its header/);
  const plain = encodePlain({ ts: Float64Array.from([1]), values: Float64Array.from([2]) });
  assert.throws(() => decodeChunk(plain.subarray(0, 20)), /20 bytes: 1 points need 24/);
  const packed = encodeChunk({
    ts: Float64Array.from([1, 2]),
    values: Float64Array.from([2, 3.5]),
  });
  assert.throws(
    () => decodeChunk(packed.subarray(0, packed.byteLength - 1)),
    /ends before point 2/,
  );
  const future = plain.slice();
  future[0] = 9;
  assert.throws(() => decodeChunk(future), /format 9: this Millwright reads formats 1 and 2/);
});
