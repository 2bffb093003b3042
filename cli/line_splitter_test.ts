import assert from "node:assert/strict";
import { LineSplitter } from "./line_splitter.ts";

function splitAll(chunks: string[], maxLineLength?: number) {
  const splitter = new LineSplitter({ maxLineLength });
  const lines: Array<[number, string | null]> = [];
  const overlong: number[] = [];
  for (const block of [...chunks.map((c) => splitter.push(c)), splitter.finish()]) {
    block.lines.forEach((line, i) => lines.push([block.firstLine + i, line]));
    overlong.push(...block.overlong.map((o) => o.line));
  }
  return { lines, overlong, seen: splitter.linesSeen };
}

Deno.test("LineSplitter joins lines cut across chunks and numbers them", () => {
  const { lines, seen } = splitAll(["\uFEFFa,1\r\nb", ",2\n", "", "c,3\n\nd,4"]);
  assert.deepEqual(lines, [[1, "a,1"], [2, "b,2"], [3, "c,3"], [4, ""], [5, "d,4"]]);
  assert.equal(seen, 5);
});

Deno.test("LineSplitter gives the same lines whatever the chunking", () => {
  const text = "alpha\nbeta\r\ngamma delta\n\nepsilon\n";
  const whole = splitAll([text]).lines;
  for (let size = 1; size < text.length; size++) {
    const chunks: string[] = [];
    for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
    assert.deepEqual(splitAll(chunks).lines, whole, `chunks of ${size}`);
  }
});

Deno.test("LineSplitter drops an overlong line as it streams past, keeping its head", () => {
  const splitter = new LineSplitter({ maxLineLength: 10 });
  const a = splitter.push("ok\n0123456789ABC");
  assert.deepEqual(a.lines, ["ok"]);
  // The rest of the long line streams past without being kept.
  for (let i = 0; i < 1000; i++) assert.deepEqual(splitter.push("x".repeat(1000)).lines, []);
  const b = splitter.push("tail\nnext\n");
  assert.deepEqual(b.lines, [null, "next"]);
  assert.deepEqual(b.overlong, [{ line: 2, head: "0123456789ABC" }]);
  assert.equal(b.firstLine, 2);
});

Deno.test("LineSplitter reports an overlong last line without a line break", () => {
  const { lines, overlong } = splitAll(["a\n", "y".repeat(50)], 20);
  assert.deepEqual(lines, [[1, "a"], [2, null]]);
  assert.deepEqual(overlong, [2]);
});
