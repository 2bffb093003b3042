import assert from "node:assert/strict";
import type { Clock } from "../clock.ts";
import { FakeClock } from "../fake_clock.ts";
import { EngineMetrics } from "../metrics.ts";
import {
  DEFAULT_CHUNK_ROWS,
  type Prunable,
  type PruneStep,
  RetentionJob,
} from "./retention_job.ts";

/** Has `rows` expired rows and deletes at most `maxRows` per call. */
class ExpiredRows implements Prunable {
  calls: Array<{ now: number; maxRows: number }> = [];
  failNext = false;
  constructor(public rows: number, readonly kind: string) {}
  prune(now: number, maxRows: number) {
    this.calls.push({ now, maxRows });
    if (this.failNext) {
      this.failNext = false;
      throw new Error("disk I/O error");
    }
    const deleted = Math.min(this.rows, maxRows);
    this.rows -= deleted;
    return { deleted: { [this.kind]: deleted }, done: this.rows === 0 };
  }
}

/** A clock whose timers run only one at a time, on request, to see each turn of the loop. */
class TurnClock implements Clock {
  #now = 1_000_000;
  #timers: Array<{ at: number; fn: () => void; handle: number }> = [];
  #next = 1;
  now() {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number) {
    const handle = this.#next++;
    this.#timers.push({ at: this.#now + ms, fn, handle });
    return handle;
  }
  clearTimeout(handle: unknown) {
    this.#timers = this.#timers.filter((t) => t.handle !== handle);
  }
  get pending() {
    return this.#timers.map((t) => t.at - this.#now);
  }
  /** Runs the earliest timer, moving time to it. */
  turn() {
    this.#timers.sort((a, b) => a.at - b.at || a.handle - b.handle);
    const timer = this.#timers.shift()!;
    this.#now = timer.at;
    timer.fn();
  }
}

Deno.test("RetentionJob prunes one chunk per turn of the event loop, then waits for the next period", async () => {
  const clock = new TurnClock();
  const metrics = new EngineMetrics();
  const points = new ExpiredRows(25, "raw");
  const events = new ExpiredRows(3, "events");
  const job = new RetentionJob([points, events], {
    clock,
    metrics,
    chunkRows: 10,
    firstAfterMs: 5_000,
    everyMs: 60_000,
  });
  job.start();
  assert.deepEqual(clock.pending, [5_000]);
  clock.turn();
  assert.equal(points.rows, 15, "one chunk per turn");
  assert.deepEqual(clock.pending, [0], "the next chunk waits for a fresh turn");
  clock.turn();
  clock.turn();
  assert.equal(points.rows, 0);
  assert.equal(events.calls.length, 0);
  clock.turn();
  assert.equal(events.rows, 0);
  clock.turn();
  assert.equal(job.passes, 1);
  assert.deepEqual(clock.pending, [60_000]);
  assert.equal(await metrics.value(metrics.retentionDeleted, { kind: "raw" }), 25);
  assert.equal(await metrics.value(metrics.retentionDeleted, { kind: "events" }), 3);
  assert.equal(await metrics.value(metrics.retentionLastPass), 1_005);
  assert.deepEqual(points.calls.map((c) => c.maxRows), [10, 10, 10]);
  points.rows = 4;
  clock.turn();
  assert.equal(points.rows, 0);
  assert.equal(points.calls.at(-1)!.now, 1_065_000);
  job.stop();
  assert.deepEqual(clock.pending, []);
});

Deno.test("RetentionJob's steps are short by default: at most 500 rows each", () => {
  const clock = new TurnClock();
  const points = new ExpiredRows(1_200, "raw");
  const job = new RetentionJob([points], { clock, firstAfterMs: 0 });
  job.start();
  while (points.rows > 0) clock.turn();
  // A step of 5,000 series stalled the event loop ~100 ms.
  assert.deepEqual(points.calls.map((c) => c.maxRows), [500, 500, 500]);
  assert.equal(DEFAULT_CHUNK_ROWS, 500);
  job.stop();
});

Deno.test("RetentionJob reports a failing step and tries again at the next period", () => {
  const clock = new FakeClock(0);
  const errors: unknown[] = [];
  const points = new ExpiredRows(5, "raw");
  points.failNext = true;
  const job = new RetentionJob([points], {
    clock,
    firstAfterMs: 0,
    everyMs: 1_000,
    onError: (error) => errors.push(error),
  });
  job.start();
  clock.tick(0);
  assert.equal(errors.length, 1);
  assert.equal(points.rows, 5);
  clock.tick(999);
  assert.equal(points.rows, 5);
  clock.tick(1);
  assert.equal(points.rows, 0);
  job.stop();
});

Deno.test("RetentionJob refuses bad options with the name and value", () => {
  const clock = new FakeClock(0);
  assert.throws(
    () => new RetentionJob([], { clock, chunkRows: 0 }),
    /'chunkRows' must be a positive integer: current value is 0/,
  );
  assert.throws(() => new RetentionJob([], { clock, everyMs: 1.5 }), /'everyMs'/);
});

Deno.test("RetentionJob waits busyRetryMs before retrying a step that found the database busy", () => {
  const clock = new TurnClock();
  let busyTimes = 2;
  const calls: number[] = [];
  const target: Prunable = {
    prune(now): PruneStep {
      calls.push(now);
      if (busyTimes > 0) {
        busyTimes--;
        return { deleted: {}, done: false, busy: true };
      }
      return { deleted: { raw: 1 }, done: true };
    },
  };
  const job = new RetentionJob([target], { clock, firstAfterMs: 0, busyRetryMs: 250 });
  job.start();
  clock.turn();
  assert.deepEqual(clock.pending, [250], "busy: the retry waits");
  clock.turn();
  assert.deepEqual(clock.pending, [250]);
  clock.turn();
  assert.equal(calls.length, 3);
  assert.deepEqual([calls[1] - calls[0], calls[2] - calls[1]], [250, 250]);
  assert.deepEqual(clock.pending, [0], "done with the target: the pass ends on the next turn");
  clock.turn();
  assert.equal(job.passes, 1);
  job.stop();
});
