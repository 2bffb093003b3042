import assert from "node:assert/strict";
import { positiveInteger } from "./positive_integer.ts";

Deno.test("positiveInteger passes positive integers and names what it refuses", () => {
  assert.equal(positiveInteger("open store", "n", 1), 1);
  for (const bad of [0, -3, 1.5, NaN, Infinity]) {
    assert.throws(
      () => positiveInteger("open store", "n", bad),
      new RangeError(`Cannot open store: 'n' must be a positive integer: current value is ${bad}`),
    );
  }
});
