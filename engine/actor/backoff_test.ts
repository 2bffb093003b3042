import assert from "node:assert/strict";
import { backoffDelay } from "./backoff.ts";

const noJitter = { minBackoffMs: 100, maxBackoffMs: 30_000, jitter: 0 };
const middle = () => 0.5;

Deno.test("backoffDelay doubles from the minimum", () => {
  const delays = [0, 1, 2, 3, 4, 5].map((attempt) => backoffDelay(attempt, noJitter, middle));
  assert.deepEqual(delays, [100, 200, 400, 800, 1_600, 3_200]);
});

Deno.test("backoffDelay is capped at the maximum", () => {
  const table: Array<[number, number]> = [[8, 25_600], [9, 30_000], [20, 30_000], [5_000, 30_000]];
  for (const [attempt, expected] of table) {
    assert.equal(backoffDelay(attempt, noJitter, middle), expected, `attempt ${attempt}`);
  }
});

Deno.test("backoffDelay spreads the delay by at most the jitter fraction", () => {
  const policy = { minBackoffMs: 1_000, maxBackoffMs: 1_000, jitter: 0.2 };
  const table: Array<[number, number]> = [[0, 800], [0.25, 900], [0.5, 1_000], [0.75, 1_100], [
    0.999_999,
    1_200,
  ]];
  for (const [random, expected] of table) {
    assert.equal(backoffDelay(0, policy, () => random), expected, `random ${random}`);
  }
});

Deno.test("backoffDelay stays a number when the minimum is zero", () => {
  const policy = { minBackoffMs: 0, maxBackoffMs: 1_000, jitter: 0.5 };
  assert.equal(backoffDelay(10_000, policy, Math.random), 0);
});
