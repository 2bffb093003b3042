/**
 * The training worker's entry (see `workerTrainer` in classifier_trainer.ts):
 * receives one {@link TrainingRequest}, answers one {@link TrainingReply}.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { TrainingReply, TrainingRequest } from "./classifier_trainer.ts";
import { trainFaultClassifier, TrainingRefusedError } from "./fault_classifier.ts";
import { lowerThreadPriority } from "../thread_priority.ts";

// Training is background work: it takes the CPU the live event loop leaves.
lowerThreadPriority(10);

self.onmessage = (event: MessageEvent<TrainingRequest>) => {
  let reply: TrainingReply;
  try {
    reply = { ok: true, result: trainFaultClassifier(event.data.examples, event.data.options) };
  } catch (error) {
    reply = {
      ok: false,
      refused: error instanceof TrainingRefusedError,
      message: error instanceof Error ? error.message : String(error),
    };
  }
  self.postMessage(reply);
};
