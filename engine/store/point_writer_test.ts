import assert from "node:assert/strict";
import { seriesOrder } from "./point_writer.ts";

Deno.test("seriesOrder groups points by series id, keeping arrival order within a series", () => {
  const ids = Uint32Array.from([7, 3, 7, 1, 3, 7, 1]);
  assert.deepEqual([...seriesOrder(ids)], [3, 6, 1, 4, 0, 2, 5]);
});

Deno.test("seriesOrder handles ids up to 2^32 − 1 and an empty batch", () => {
  const ids = Uint32Array.from([2 ** 32 - 1, 0, 2 ** 32 - 1, 2 ** 31]);
  assert.deepEqual([...seriesOrder(ids)], [1, 3, 0, 2]);
  assert.deepEqual([...seriesOrder(new Uint32Array(0))], []);
});

Deno.test("seriesOrder orders a batch too large to pack (over 2^21 points) the same way", () => {
  const n = 2 ** 21 + 3;
  const ids = new Uint32Array(n);
  for (let i = 0; i < n; i++) ids[i] = (n - i) % 5;
  const order = seriesOrder(ids);
  assert.deepEqual(order.length, n);
  for (let k = 1; k < n; k++) {
    const [a, b] = [order[k - 1], order[k]];
    if (ids[a] > ids[b] || (ids[a] === ids[b] && a >= b)) {
      throw new Error(`out of order at ${k}: ${a} (id ${ids[a]}) before ${b} (id ${ids[b]})`);
    }
  }
});
