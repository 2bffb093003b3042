/**
 * A worker for `engine/thread_priority_test.ts`: lowers its own priority by
 * the step it is sent and answers whether that took and its nice value
 * afterwards.
 *
 * @module
 */
import { lowerThreadPriority, threadNice } from "../../engine/thread_priority.ts";

self.onmessage = (event: MessageEvent<number>) => {
  const lowered = lowerThreadPriority(event.data);
  self.postMessage({ lowered, nice: threadNice() });
};
