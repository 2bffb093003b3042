/**
 * A worker for `engine/thread_priority_test.ts`: imports the module it is
 * sent and answers its thread's nice value before and after, so that a
 * module lowering the priority of whichever thread loads it (a worker's own
 * module, imported by mistake) shows.
 *
 * @module
 */
import { threadNice } from "../../engine/thread_priority.ts";

self.onmessage = async (event: MessageEvent<string>) => {
  const before = threadNice();
  await import(event.data);
  self.postMessage({ before, after: threadNice() });
};
