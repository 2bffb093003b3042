import assert from "node:assert/strict";
import { compactionPauseMs, EASY_MS, HURRY_MS } from "./compaction_pace.ts";

Deno.test("compactionPauseMs starts at a sixth of a core, then a third, then two thirds", () => {
  const duty = (elapsedMs: number) => 4 / (4 + compactionPauseMs(4, elapsedMs));
  assert.equal(duty(0), 1 / 6);
  assert.equal(duty(EASY_MS - 1), 1 / 6);
  assert.equal(duty(EASY_MS), 1 / 3);
  assert.equal(duty(HURRY_MS - 1), 1 / 3);
  assert.equal(duty(HURRY_MS), 2 / 3);
  assert.equal(duty(60_000), 2 / 3);
});

Deno.test("compactionPauseMs: a compaction of 0.5 s of work is done within 3.5 s, held writes or not", () => {
  // 4 ms steps, each followed by its pause, as the write worker runs them.
  let elapsed = 0;
  let work = 0;
  while (work < 500) {
    work += 4;
    elapsed += 4;
    elapsed += compactionPauseMs(4, elapsed);
  }
  assert.ok(elapsed < 3_500, `done after ${elapsed} ms`);
  assert.ok(elapsed > 2_000, `gentler than a third of a core from the start (${elapsed} ms)`);
});
