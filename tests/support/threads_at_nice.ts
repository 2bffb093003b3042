import { niceOf } from "../../engine/thread_priority.ts";

/**
 * Ids of this process's threads with the given nice value (Linux). Tests
 * compare the sets before and after starting a worker: a worker left over by
 * an earlier test may end meanwhile, so only the threads that appear count.
 */
export function threadsAtNice(nice: number): Set<string> {
  return new Set(
    [...Deno.readDirSync("/proc/self/task")]
      .filter((t) => {
        try {
          return niceOf(Deno.readTextFileSync(`/proc/self/task/${t.name}/stat`)) === nice;
        } catch {
          return false; // the thread ended between the listing and the read
        }
      })
      .map((t) => t.name),
  );
}
