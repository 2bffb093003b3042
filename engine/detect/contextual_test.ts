import assert from "node:assert/strict";
import { ContextualDetector } from "./contextual.ts";

const options = { grids: [4], order: 1, rest: 3, restLevel: 0.75, warmup: 0 };

Deno.test("ContextualDetector scores never-seen transitions 1 and known ones 0, then rests", () => {
  const d = new ContextualDetector(options);
  const scores = [0, 1, 0, 1, 0, 1, 0, 1].map((v) => d.update(v));
  // The first value is new; the next three transitions are new too but within the rest period.
  assert.deepEqual(scores, [1, 0, 0, 0, 0, 0, 0, 0]);
  assert.equal(d.update(0.5), 1); // top bin → a middle bin: new, and the detector has rested
  assert.equal(d.update(1), 0); // middle → top: new, but within the rest period
});

Deno.test("ContextualDetector gives a value beyond the range seen so far its own bin", () => {
  const d = new ContextualDetector(options);
  for (let i = 0; i < 20; i++) d.update(i % 2);
  // From the top bin straight below the range: never seen (without the extra bin it
  // would fall into the bottom bin, a known transition).
  assert.equal(d.update(-3), 1);
  assert.deepEqual([0, 1, -3].map((v) => d.update(v)), [0, 0, 0]);
});

Deno.test("ContextualDetector restores from a JSON snapshot with the same next scores", () => {
  const d = new ContextualDetector({ ...options, grids: [6, 7], order: 2 });
  for (let i = 0; i < 300; i++) d.update(Math.sin(i / 7));
  const copy = new ContextualDetector(
    { ...options, grids: [6, 7], order: 2 },
    JSON.parse(JSON.stringify(d.snapshot())),
  );
  for (const v of [0.2, 3, -4, 0.1, 0.5, 0.5]) assert.equal(copy.update(v), d.update(v));
});

Deno.test("ContextualDetector rejects bad options", () => {
  assert.throws(() => new ContextualDetector({ ...options, grids: [1] }), /'grids' must be/);
  assert.throws(() => new ContextualDetector({ ...options, order: 4 }), /'order' must be/);
});
