import assert from "node:assert/strict";
import { SqliteStore } from "./store/sqlite_store.ts";
import { threadsAtNice } from "../tests/support/threads_at_nice.ts";
import { lowerThreadPriority, niceOf, threadNice } from "./thread_priority.ts";

const linux = Deno.build.os === "linux";

function inWorker(nice: number): Promise<{ lowered: boolean; nice: number | undefined }> {
  return askWorker("nice_worker.ts", nice);
}

/** Posts `request` to a fresh worker of `tests/support/<script>` and resolves with its one answer. */
function askWorker<T>(script: string, request: unknown): Promise<T> {
  const worker = new Worker(new URL(`../tests/support/${script}`, import.meta.url).href, {
    type: "module",
  });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      worker.terminate();
      resolve(event.data);
    };
    worker.onerror = (event) => {
      worker.terminate();
      reject(event.error);
    };
    worker.postMessage(request);
  });
}

Deno.test({
  name: "lowerThreadPriority lowers the calling worker's thread only",
  ignore: !linux,
  fn: async () => {
    const before = threadNice()!;
    const target = Math.min(19, before + 7);
    const answer = await inWorker(7);
    assert.deepEqual(answer, { lowered: true, nice: target });
    assert.equal(threadNice(), before, "the main thread keeps its priority");
  },
});

Deno.test("lowerThreadPriority refuses a step outside 1–19", () => {
  assert.throws(() => lowerThreadPriority(0), /'by' must be an integer from 1 to 19/);
  assert.throws(() => lowerThreadPriority(20), RangeError);
  assert.throws(() => lowerThreadPriority(2.5), RangeError);
});

Deno.test("niceOf reads field 19 of a stat line, whatever the command name", () => {
  const stat = "4242 (worker (a) b) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 20 5 7 0 99";
  assert.equal(niceOf(stat), 5);
});

Deno.test({
  name: "loading the engine leaves the loading thread's priority alone",
  ignore: !linux,
  fn: async () => {
    // In a worker of its own: this thread has loaded the store already.
    const main = new URL("../main.ts", import.meta.url).href;
    const answer = await askWorker<{ before: number; after: number }>(
      "import_nice_worker.ts",
      main,
    );
    assert.equal(answer.after, answer.before, "a worker's module ran on the engine's thread");
  },
});

Deno.test({
  name: "the store's write worker and checkpointer run at lower priorities than the event loop",
  ignore: !linux,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    // Thread ids, not a count: a worker left by an earlier test file may end
    // while this test runs, so only the threads that appear here are ours.
    const threadsAt = threadsAtNice;
    const mainNice = threadNice()!;
    const lowered = Math.min(19, mainNice + 5);
    const before = threadsAt(lowered);
    const lowest = threadsAt(19);
    const store = new SqliteStore({ path: `${dir}/ts.db` });
    try {
      await store.write([{ factory: "f", machine: "m", metric: "x", ts: 1, value: 2 }]);
      const appeared = [...threadsAt(lowered)].filter((tid) => !before.has(tid));
      // At least: `deno test --parallel` runs other test modules, with stores of their own,
      // in this same process. Without the lowering, no thread of ours is at nice + 5.
      assert.ok(appeared.length >= 1, "a new thread at nice + 5: the write worker");
      // The checkpointer lowers itself as its module loads, maybe after that write.
      const deadline = Date.now() + 5_000;
      const atLowest = () => [...threadsAt(19)].filter((tid) => !lowest.has(tid));
      while (atLowest().length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      assert.ok(atLowest().length >= 1, "a new thread at nice 19: the checkpointer");
      assert.equal(threadNice(), mainNice, "the event loop keeps its priority");
    } finally {
      await store.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
