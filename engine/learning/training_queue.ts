import type { ClassifierTrainer } from "./classifier_trainer.ts";
import {
  checkTrainable,
  MIN_LABELS_PER_CLASS,
  type TrainingExample,
  type TrainingOptions,
} from "./fault_classifier.ts";
import { trainingClass } from "./label.ts";
import type { LabelTable } from "./label_table.ts";
import type { ModelTable, ModelVersion } from "./model_table.ts";

/** Options of {@link TrainingQueue}. */
export interface TrainingQueueOptions {
  readonly trainer: ClassifierTrainer;
  /** Passed to every training (folds, trees, seed, minPerClass). */
  readonly training?: TrainingOptions;
  /** Called when a version is ready or failed. */
  readonly onFinished?: (version: ModelVersion) => void;
  /** Where failures of the trainer are reported (default console.error). */
  readonly onError?: (error: unknown, version: ModelVersion) => void;
}

/**
 * Trainings off the request path: `request` checks the labels, creates a
 * `queued` version and returns at once; the versions train one after another
 * with the injected trainer (a Worker in the engine), and the page polls the
 * version's state.
 *
 * @example
 * ```ts
 * import { workerTrainer } from "./classifier_trainer.ts";
 * import type { LabelTable } from "./label_table.ts";
 * import type { ModelTable } from "./model_table.ts";
 *
 * declare const labels: LabelTable, models: ModelTable;
 *
 * const queue = new TrainingQueue(labels, models, { trainer: workerTrainer });
 * const version = queue.request("demo", "press", "ana"); // state "queued"
 * await queue.idle();
 * ```
 */
export class TrainingQueue {
  readonly #labels: Pick<LabelTable, "list">;
  readonly #models: ModelTable;
  readonly #options: TrainingQueueOptions;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;

  constructor(
    labels: Pick<LabelTable, "list">,
    models: ModelTable,
    options: TrainingQueueOptions,
  ) {
    this.#labels = labels;
    this.#models = models;
    this.#options = options;
  }

  /** Trainings queued or running. */
  get pending(): number {
    return this.#pending;
  }

  /**
   * Queues a training of `machineType`'s classifier on its labels.
   *
   * @throws {TrainingRefusedError} at once when the labels cannot train a
   * model (too few per class, one class only); no version is created then.
   */
  request(factory: string, machineType: string, by: string): ModelVersion {
    const examples: TrainingExample[] = this.#labels.list(factory, { machineType }).map((
      label,
    ) => ({
      window: label.window,
      cls: trainingClass(label),
    }));
    checkTrainable(examples, this.#options.training?.minPerClass ?? MIN_LABELS_PER_CLASS);
    const version = this.#models.create(factory, machineType, by, examples.length);
    this.#pending++;
    this.#tail = this.#tail
      .then(() => this.#run(version, examples))
      // Only the metadata database can fail here; the next training still runs.
      .catch((error) =>
        console.error(`training ${machineType} v${version.version}: cannot record`, error)
      )
      .finally(() => this.#pending--);
    return version;
  }

  /** Resolves when every queued training has finished. */
  async idle(): Promise<void> {
    while (this.#pending > 0) await this.#tail;
  }

  async #run(queued: ModelVersion, examples: readonly TrainingExample[]): Promise<void> {
    const { factory, machineType, version } = queued;
    this.#models.markTraining(factory, machineType, version);
    try {
      const result = await this.#options.trainer(examples, this.#options.training ?? {});
      this.#models.finish(factory, machineType, version, result);
    } catch (error) {
      this.#models.fail(
        factory,
        machineType,
        version,
        error instanceof Error ? error.message : String(error),
      );
      (this.#options.onError ??
        ((e) => console.error(`training ${machineType} v${version} failed`, e)))(
          error,
          queued,
        );
    }
    this.#options.onFinished?.(this.#models.version(factory, machineType, version)!);
  }
}
