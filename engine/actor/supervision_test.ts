import assert from "node:assert/strict";
import {
  type CrashDecision,
  decideOnCrash,
  DEFAULT_SUPERVISION_POLICY,
  NO_RESTARTS,
  type RestartHistory,
  supervisionPolicy,
} from "./supervision.ts";

const policy = supervisionPolicy({
  minBackoffMs: 100,
  maxBackoffMs: 1_000,
  jitter: 0,
  resetAfterMs: 10_000,
  maxRestarts: 5,
  withinMs: 60_000,
});
const middle = () => 0.5;

/** Feeds crashes at the given times through decideOnCrash, threading the history. */
function crashAt(times: number[], options: { policy?: typeof policy; random?: () => number } = {}) {
  let history: RestartHistory = NO_RESTARTS;
  const decisions: CrashDecision[] = [];
  for (const now of times) {
    const decision = decideOnCrash(
      history,
      now,
      options.policy ?? policy,
      options.random ?? middle,
    );
    decisions.push(decision);
    history = decision.history;
  }
  return decisions;
}

function summary(decision: CrashDecision): string {
  return decision.directive === "restart"
    ? `restart ${decision.delayMs}ms #${decision.restarts}`
    : `quarantine #${decision.restarts}`;
}

Deno.test("decideOnCrash restarts with a doubling backoff when jitter is 0", () => {
  // Each crash comes 1 ms after the actor resumed: never healthy.
  const times = [0, 101, 302, 703];
  assert.deepEqual(crashAt(times).map(summary), [
    "restart 100ms #1",
    "restart 200ms #2",
    "restart 400ms #3",
    "restart 800ms #4",
  ]);
});

Deno.test("decideOnCrash caps the backoff at maxBackoffMs", () => {
  const loose = supervisionPolicy({ ...policy, maxRestarts: 100 });
  let now = 0;
  const times = [];
  for (let i = 0; i < 7; i++) {
    times.push(now);
    now += Math.min(1_000, 100 * 2 ** i) + 1;
  }
  assert.deepEqual(crashAt(times, { policy: loose }).map(summary), [
    "restart 100ms #1",
    "restart 200ms #2",
    "restart 400ms #3",
    "restart 800ms #4",
    "restart 1000ms #5",
    "restart 1000ms #6",
    "restart 1000ms #7",
  ]);
});

Deno.test("decideOnCrash keeps the jittered delay within the jitter bounds", () => {
  const jittery = supervisionPolicy({ ...policy, jitter: 0.2 });
  const table: Array<[number, number]> = [[0, 80], [0.5, 100], [0.999_999, 120]];
  for (const [random, expected] of table) {
    const [decision] = crashAt([0], { policy: jittery, random: () => random });
    assert.equal(
      decision.directive === "restart" && decision.delayMs,
      expected,
      `random ${random}`,
    );
  }
  for (let i = 0; i < 200; i++) {
    const [decision] = crashAt([0], { policy: jittery, random: Math.random });
    assert.equal(decision.directive, "restart");
    if (decision.directive !== "restart") continue;
    assert.ok(decision.delayMs >= 80 && decision.delayMs <= 120, `delay ${decision.delayMs}`);
  }
});

Deno.test("decideOnCrash resets the backoff after a healthy period", () => {
  // Resumed at 100, 301, 702; the 4th crash comes 10 s after the 3rd resume.
  const times = [0, 101, 302, 702 + 10_000, 10_702 + 100 + 1];
  assert.deepEqual(crashAt(times).map(summary), [
    "restart 100ms #1",
    "restart 200ms #2",
    "restart 400ms #3",
    "restart 100ms #4",
    "restart 200ms #5",
  ]);
});

Deno.test("decideOnCrash does not reset the backoff a moment before the healthy period ends", () => {
  const times = [0, 101, 302, 702 + 9_999];
  assert.deepEqual(crashAt(times).map(summary).at(-1), "restart 800ms #4");
});

Deno.test("decideOnCrash quarantines after more than maxRestarts within the window", () => {
  const times = [0, 1_000, 2_000, 3_000, 4_000, 5_000, 6_000];
  const decisions = crashAt(times).map(summary);
  assert.deepEqual(decisions.slice(4), ["restart 1000ms #5", "quarantine #5", "quarantine #5"]);
});

Deno.test("decideOnCrash quarantines on the first crash when maxRestarts is 0", () => {
  const strict = supervisionPolicy({ ...policy, maxRestarts: 0 });
  assert.deepEqual(crashAt([0], { policy: strict }).map(summary), ["quarantine #0"]);
});

Deno.test("decideOnCrash does not count restarts older than the window", () => {
  // Five restarts early on; the sixth crash comes after the first has left the 60 s window.
  const patient = supervisionPolicy({ ...policy, resetAfterMs: 120_000 });
  const times = [0, 1_000, 2_000, 3_000, 4_000, 60_000];
  const decisions = crashAt(times, { policy: patient });
  assert.deepEqual(summary(decisions[5]), "restart 1000ms #5");
  assert.deepEqual(decisions[5].history.restartTimes, [1_000, 2_000, 3_000, 4_000, 60_000]);
  // One millisecond earlier the first restart still counts.
  const early = crashAt([0, 1_000, 2_000, 3_000, 4_000, 59_999], { policy: patient });
  assert.equal(summary(early[5]), "quarantine #5");
});

Deno.test("decideOnCrash does not change the history it is given", () => {
  const history: RestartHistory = { restartTimes: [0, 10], attempt: 2, resumedAt: 210 };
  const copy = structuredClone(history);
  decideOnCrash(history, 300, policy, middle);
  assert.deepEqual(history, copy);
});

Deno.test("supervisionPolicy fills in the defaults", () => {
  assert.deepEqual(supervisionPolicy(), DEFAULT_SUPERVISION_POLICY);
  assert.deepEqual(DEFAULT_SUPERVISION_POLICY, {
    minBackoffMs: 100,
    maxBackoffMs: 30_000,
    jitter: 0.2,
    resetAfterMs: 60_000,
    maxRestarts: 5,
    withinMs: 60_000,
  });
  assert.equal(supervisionPolicy({ maxRestarts: 2 }).maxRestarts, 2);
});

Deno.test("supervisionPolicy rejects settings out of range", () => {
  const table: Array<[Partial<typeof policy>, string]> = [
    [{ minBackoffMs: -1 }, "'minBackoffMs' must be a finite number >= 0: current value is -1"],
    [
      { minBackoffMs: 500, maxBackoffMs: 100 },
      "'maxBackoffMs' must be a finite number >= 'minBackoffMs' (500): current value is 100",
    ],
    [{ jitter: 1.5 }, "'jitter' must be a number between 0 and 1: current value is 1.5"],
    [{ jitter: NaN }, "'jitter' must be a number between 0 and 1: current value is NaN"],
    [
      { resetAfterMs: Infinity },
      "'resetAfterMs' must be a finite number >= 0: current value is Infinity",
    ],
    [{ maxRestarts: 2.5 }, "'maxRestarts' must be an integer >= 0: current value is 2.5"],
    [{ withinMs: 0 }, "'withinMs' must be a finite number > 0: current value is 0"],
  ];
  for (const [overrides, message] of table) {
    assert.throws(
      () => supervisionPolicy(overrides),
      new RangeError(`Cannot create supervision policy: ${message}`),
    );
  }
});
