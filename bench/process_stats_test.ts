import assert from "node:assert/strict";
import process from "node:process";
import { CpuMeter, cpuSeconds } from "./process_stats.ts";

/** Keeps this thread busy for `ms` of CPU time (not wall time: the host is shared). */
function spin(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if (used.user + used.system >= ms * 1_000) return;
    for (let i = 0; i < 100_000; i++) { /* busy */ }
  }
}

/** The thread running the tests: the one whose CPU time grows while they spin. */
async function testThread(): Promise<{ tid: number; grew: number }> {
  const read = async () => {
    const times = new Map<number, number>();
    for await (const entry of Deno.readDir(`/proc/${Deno.pid}/task`)) {
      times.set(Number(entry.name), await cpuSeconds(Deno.pid, Number(entry.name)));
    }
    return times;
  };
  const before = await read();
  spin(300);
  let best = { tid: -1, grew: -1 };
  for (const [tid, seconds] of await read()) {
    const grew = seconds - (before.get(tid) ?? 0);
    if (grew > best.grew) best = { tid, grew };
  }
  return best;
}

Deno.test("cpuSeconds reads a process or one of its threads from /proc", async () => {
  const { tid, grew } = await testThread();
  assert.ok(grew >= 0.2, `the spinning thread grew ${grew} s in 0.3 s of CPU`);
  const thread = await cpuSeconds(Deno.pid, tid);
  const whole = await cpuSeconds(Deno.pid);
  assert.ok(thread <= whole, `thread ${thread} s ≤ process ${whole} s`);
});

Deno.test("CpuMeter measures a thread of a process apart", async () => {
  const { tid } = await testThread();
  const meter = new CpuMeter(
    new Map<string, number | { pid: number; tid: number }>([
      ["me", Deno.pid],
      ["myThread", { pid: Deno.pid, tid }],
    ]),
  );
  await meter.start();
  spin(400);
  const shares = await meter.stop();
  assert.ok(shares.myThread > 10, `the test's thread ${shares.myThread} % of a core`);
  // Within a clock tick or two: the two are read one after the other.
  assert.ok(shares.myThread <= shares.me + 5, `${shares.myThread} ≤ ${shares.me}`);
});
