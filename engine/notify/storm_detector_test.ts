import assert from "node:assert/strict";
import { StormDetector } from "./storm_detector.ts";

const policy = { threshold: 3, windowMs: 60_000, groupWaitMs: 0 };

Deno.test("StormDetector reports a storm only above the threshold inside the window", () => {
  const storms = new StormDetector(policy);
  const verdicts = [0, 10_000, 20_000, 30_000].map((t) => storms.record("demo", t));
  assert.deepEqual(verdicts, [false, false, false, true]);
});

Deno.test("StormDetector slides the window", () => {
  const storms = new StormDetector(policy);
  for (const t of [0, 1_000, 2_000]) storms.record("demo", t);
  // At 60 000 the alert from 0 has left the window: 3 remain, not a storm.
  assert.equal(storms.record("demo", 60_000), false);
  assert.equal(storms.record("demo", 60_500), true);
});

Deno.test("StormDetector counts each factory on its own", () => {
  const storms = new StormDetector(policy);
  for (const t of [0, 1, 2]) storms.record("a", t);
  assert.equal(storms.record("b", 3), false);
  assert.equal(storms.record("a", 4), true);
});

Deno.test("StormDetector rejects unusable policies", () => {
  assert.throws(
    () => new StormDetector({ ...policy, threshold: 0 }),
    /'threshold' must be a positive integer/,
  );
  assert.throws(
    () => new StormDetector({ ...policy, windowMs: 0 }),
    /'windowMs' must be a positive number/,
  );
  assert.throws(
    () => new StormDetector({ ...policy, groupWaitMs: 61_000 }),
    /'groupWaitMs' must be between/,
  );
});
