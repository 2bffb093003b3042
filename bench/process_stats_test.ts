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
  // Other test files may run in threads of this process too: assert what holds regardless.
  const { tid, grew } = await testThread();
  assert.ok(grew > 0.02, `the busiest thread grew ${grew} s while this test spun`);
  let threads = 0;
  for await (const entry of Deno.readDir(`/proc/${Deno.pid}/task`)) {
    threads += await cpuSeconds(Deno.pid, Number(entry.name)).catch(() => 0);
  }
  const whole = await cpuSeconds(Deno.pid);
  // Threads that ended count in the process's total, not in any thread's.
  assert.ok(threads <= whole + 0.05, `threads ${threads} s ≤ process ${whole} s`);
  assert.ok(await cpuSeconds(Deno.pid, tid) <= whole);
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
  assert.ok(shares.myThread > 0, `the test's thread ${shares.myThread} % of a core`);
  // Within a clock tick or two: the two are read one after the other.
  assert.ok(shares.myThread <= shares.me + 5, `${shares.myThread} ≤ ${shares.me}`);
});
