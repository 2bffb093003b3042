import assert from "node:assert/strict";
import { PointColumns } from "./point_columns.ts";

const point = (i: number, machine = `m${i % 3}`) => ({
  factory: "f",
  machine,
  metric: i % 2 === 0 ? "temp" : "rpm",
  ts: 1_000 * i,
  value: i / 4,
});

Deno.test("PointColumns gives points back in order, as they were pushed", () => {
  const queue = new PointColumns(4);
  for (let i = 0; i < 10; i++) queue.push(point(i));
  assert.equal(queue.length, 10);
  assert.deepEqual(queue.peek(3), [point(0), point(1), point(2)]);
  assert.equal(queue.length, 10, "peek leaves them queued");
  queue.drop(3);
  assert.deepEqual(queue.peek(100), Array.from({ length: 7 }, (_, i) => point(i + 3)));
  queue.drop(100);
  assert.equal(queue.length, 0);
  assert.deepEqual(queue.peek(5), []);
});

Deno.test("PointColumns keeps its order across growth and compaction", () => {
  const queue = new PointColumns(8);
  const expected = [];
  let next = 0;
  // Push more than the capacity while dropping from the front, over many rounds.
  for (let round = 0; round < 50; round++) {
    for (let k = 0; k < 7; k++) {
      const p = point(next++, `m${round}`);
      queue.push(p);
      expected.push(p);
    }
    const take = round % 3 === 0 ? 2 : 5;
    assert.deepEqual(queue.peek(take), expected.slice(0, take));
    queue.drop(take);
    expected.splice(0, take);
  }
  assert.equal(queue.length, expected.length);
  assert.deepEqual(queue.peek(expected.length), expected);
});

Deno.test("PointColumns keeps values exactly (times and values as doubles)", () => {
  const queue = new PointColumns();
  const p = { factory: "f", machine: "m", metric: "x", ts: 1_795_000_000_123, value: 0.1 + 0.2 };
  queue.push(p);
  assert.deepEqual(queue.peek(1), [p]);
});

Deno.test("PointColumns tells apart the same machine name in two factories, in turns", () => {
  const queue = new PointColumns();
  const points = [];
  for (let i = 0; i < 12; i++) {
    const p = { factory: i % 4 < 2 ? "f" : "g", machine: "m", metric: "temp", ts: i, value: i };
    points.push(p);
    queue.push(p);
  }
  assert.deepEqual(queue.peek(12), points);
});

Deno.test("PointColumns hands out its oldest points as columns over its series table", () => {
  const queue = new PointColumns(4);
  for (let i = 0; i < 10; i++) queue.push(point(i));
  queue.drop(3);
  const columns = queue.columns(4);
  const asPoints = Array.from(columns.keys, (key, i) => ({
    ...columns.series[key],
    ts: columns.ts[i],
    value: columns.values[i],
  }));
  assert.deepEqual(asPoints, queue.peek(4));
  assert.equal(queue.columns(100).keys.length, 7);
});
