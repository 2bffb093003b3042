import assert from "node:assert/strict";
import { deriveSeed, SeededRandom } from "./seeded_random.ts";

Deno.test("SeededRandom repeats its sequence for the same seed and differs for another", () => {
  const draw = (seed: number) => {
    const random = new SeededRandom(seed);
    return Array.from({ length: 5 }, () => random.next());
  };
  assert.deepEqual(draw(7), draw(7));
  assert.notDeepEqual(draw(7), draw(8));
});

Deno.test("SeededRandom.next stays in [0, 1) with a mean near one half", () => {
  const random = new SeededRandom(1);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const x = random.next();
    assert.ok(x >= 0 && x < 1, String(x));
    sum += x;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01, String(sum / 100_000));
});

Deno.test("SeededRandom.gaussian has mean 0 and deviation 1", () => {
  const random = new SeededRandom(3);
  const n = 100_000;
  let sum = 0;
  let squares = 0;
  for (let i = 0; i < n; i++) {
    const x = random.gaussian();
    sum += x;
    squares += x * x;
  }
  const mean = sum / n;
  const sd = Math.sqrt(squares / n - mean * mean);
  assert.ok(Math.abs(mean) < 0.02, `mean ${mean}`);
  assert.ok(Math.abs(sd - 1) < 0.02, `sd ${sd}`);
});

Deno.test("SeededRandom refuses a seed that is not an integer", () => {
  assert.throws(
    () => new SeededRandom(1.5),
    (e: unknown) =>
      e instanceof RangeError && /'seed' must be an integer: current value is 1.5/.test(e.message),
  );
});

Deno.test("deriveSeed gives each label its own stable seed", () => {
  assert.equal(deriveSeed(1, "demo/press-01"), deriveSeed(1, "demo/press-01"));
  assert.notEqual(deriveSeed(1, "demo/press-01"), deriveSeed(1, "demo/press-02"));
  assert.notEqual(deriveSeed(1, "demo/press-01"), deriveSeed(2, "demo/press-01"));
});
