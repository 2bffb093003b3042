import {
  trainFaultClassifier,
  type TrainingExample,
  type TrainingOptions,
  TrainingRefusedError,
  type TrainingResult,
} from "./fault_classifier.ts";

/**
 * Runs one training: cross-validation and the final fit. The engine uses
 * {@link workerTrainer} so that training never runs on the thread that
 * ingests; tests use {@link inProcessTrainer}.
 */
export type ClassifierTrainer = (
  examples: readonly TrainingExample[],
  options: TrainingOptions,
) => Promise<TrainingResult>;

/**
 * Trains on the calling thread (blocks it for the whole training: tests and
 * the benchmark only).
 *
 * @example
 * ```ts
 * import type { TrainingExample } from "./fault_classifier.ts";
 *
 * declare const examples: readonly TrainingExample[];
 *
 * const result = await inProcessTrainer(examples, { folds: 5 });
 * ```
 */
export const inProcessTrainer: ClassifierTrainer = (examples, options) => {
  try {
    return Promise.resolve(trainFaultClassifier(examples, options));
  } catch (error) {
    return Promise.reject(error);
  }
};

/** What the training worker receives. */
export interface TrainingRequest {
  readonly examples: readonly TrainingExample[];
  readonly options: TrainingOptions;
}

/** What the training worker answers. */
export type TrainingReply =
  | { readonly ok: true; readonly result: TrainingResult }
  | { readonly ok: false; readonly refused: boolean; readonly message: string };

/**
 * Trains in a dedicated Web Worker (`training_worker.ts`), one worker per
 * training, terminated afterwards: the forest's CPU time never runs on the
 * engine's event loop, so ingestion and the actors go on meanwhile.
 *
 * @example
 * ```ts
 * import type { TrainingExample } from "./fault_classifier.ts";
 *
 * declare const examples: readonly TrainingExample[];
 *
 * const result = await workerTrainer(examples, { folds: 5 });
 * ```
 */
export const workerTrainer: ClassifierTrainer = (examples, options) => {
  const worker = new Worker(new URL("./training_worker.ts", import.meta.url), { type: "module" });
  return new Promise<TrainingResult>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<TrainingReply>) => {
      worker.terminate();
      const reply = event.data;
      if (reply.ok) resolve(reply.result);
      else {reject(
          reply.refused ? new TrainingRefusedError(reply.message) : new Error(reply.message),
        );}
    };
    worker.onerror = (event) => {
      event.preventDefault();
      worker.terminate();
      reject(new Error(`The training worker failed: ${event.message}`));
    };
    worker.postMessage({ examples, options } satisfies TrainingRequest);
  });
};
