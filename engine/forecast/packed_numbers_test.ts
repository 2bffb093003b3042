import assert from "node:assert/strict";
import { packNumbers, unpackNumbers } from "./packed_numbers.ts";

Deno.test("packNumbers f64 round-trips exactly", () => {
  const values = [1.5, 2, -0.1, 1e-300, Number.MAX_VALUE, NaN, -Infinity];
  assert.equal(packNumbers([1.5, 2], "f64"), "f64:AAAAAAAA+D8AAAAAAAAAQA==");
  assert.deepEqual(unpackNumbers(packNumbers(values, "f64")), values);
  assert.deepEqual(unpackNumbers(packNumbers([], "f64")), []);
});

Deno.test("packNumbers f32 keeps about 7 digits", () => {
  const out = unpackNumbers(packNumbers([0.1, 1234.5678], "f32"));
  assert.equal(out[0], Math.fround(0.1));
  assert.equal(out[1], Math.fround(1234.5678));
});

Deno.test("packNumbers q16 rounds to 1/65534 of the range and keeps holes", () => {
  const values = [10, 20, 12.345678, NaN, 15];
  const text = packNumbers(values, "q16");
  assert.match(text, /^q16:10:/);
  const out = unpackNumbers(text);
  assert.equal(out.length, 5);
  assert.equal(out[0], 10);
  assert.ok(Math.abs(out[1] - 20) < 1e-12);
  assert.ok(Math.abs(out[2] - 12.345678) <= 10 / 65_534 / 2, `${out[2]}`);
  assert.ok(Number.isNaN(out[3]));
  // Packing what came out gives the same text: a restored state snapshots the same.
  assert.equal(packNumbers(out, "q16"), text);
  assert.deepEqual(unpackNumbers(packNumbers([7, 7], "q16")), [7, 7]);
  assert.deepEqual(unpackNumbers(packNumbers([1, Infinity], "q16")), [1, Infinity]); // f64
});

Deno.test("unpackNumbers rejects an unknown encoding", () => {
  assert.throws(
    () => unpackNumbers("i8:AAAA"),
    /unknown encoding 'i8' \(expected f64, f32 or q16\)/,
  );
});
