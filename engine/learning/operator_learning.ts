import type { DatabaseSync } from "node:sqlite";
import type { EventBus } from "../bus.ts";
import type { Clock } from "../clock.ts";
import type { TimeSeriesStore } from "../store/time_series_store.ts";
import type { MachineRef } from "../telemetry.ts";
import { type ClassifierTrainer, workerTrainer } from "./classifier_trainer.ts";
import type { TrainingOptions } from "./fault_classifier.ts";
import { DEFAULT_WINDOW_SPAN, readFeatureWindow, type WindowSpan } from "./feature_window.ts";
import type { Label, LabelInput } from "./label.ts";
import { LabelTable } from "./label_table.ts";
import { LivePredictor, type LivePredictorOptions } from "./live_predictor.ts";
import { MachineTypeTable } from "./machine_type_table.ts";
import { ModelTable } from "./model_table.ts";
import {
  type ApplySensitivity,
  DEFAULT_SENSITIVITY_POLICY,
  type SensitivityChange,
  type SensitivityPolicy,
  SensitivityTable,
} from "./sensitivity_table.ts";
import { TrainingQueue } from "./training_queue.ts";

/** Dependencies of {@link OperatorLearning}. */
export interface OperatorLearningDeps {
  /** The metadata database (schema from engine/metadata/metadata_db.ts). */
  readonly db: DatabaseSync;
  readonly clock: Clock;
  readonly store: Pick<TimeSeriesStore, "queryRange">;
  readonly bus: EventBus;
  /** Delivers a metric's sensitivity factor to the machine's actor. */
  readonly applySensitivity: ApplySensitivity;
  /** Machines to predict for, e.g. every machine of the live directory. */
  readonly machines: () => Iterable<MachineRef>;
  /** Default {@link workerTrainer} (a Worker per training). */
  readonly trainer?: ClassifierTrainer;
  /** Feature window of labels and predictions (default −10 min … +2 min). */
  readonly span?: WindowSpan;
  readonly training?: TrainingOptions;
  readonly sensitivityPolicy?: SensitivityPolicy;
  readonly predictor?: Omit<LivePredictorOptions, "span">;
}

/** A stored label and the sensitivity change it caused. */
export interface LabelOutcome {
  readonly label: Label;
  readonly sensitivity: SensitivityChange | null;
}

/**
 * Learning from operators, assembled: machine types, labels with their
 * feature windows, model versions trained off the request path, live
 * predictions and sensitivity adaptation. `main.ts` builds one and hands it
 * to `labelsApi` and `modelsApi`.
 *
 * @example
 * ```ts
 * import type { DatabaseSync } from "node:sqlite";
 * import type { EventBus } from "../bus.ts";
 * import type { Clock } from "../clock.ts";
 * import type { TimeSeriesStore } from "../store/time_series_store.ts";
 * import type { MachineRef } from "../telemetry.ts";
 * import type { ApplySensitivity } from "./sensitivity_table.ts";
 *
 * declare const db: DatabaseSync, clock: Clock, store: TimeSeriesStore, bus: EventBus;
 * declare const applySensitivity: ApplySensitivity, machines: () => Iterable<MachineRef>;
 * declare const ts: number;
 *
 * const learning = new OperatorLearning({ db, clock, store, bus, applySensitivity, machines });
 * learning.start();
 * await learning.addLabel({
 *   factory: "demo",
 *   machine: "press-01",
 *   ts,
 *   label: "false_alarm",
 *   metric: "oil_temp",
 *   by: "ana",
 * });
 * ```
 */
export class OperatorLearning {
  readonly types: MachineTypeTable;
  readonly labels: LabelTable;
  readonly models: ModelTable;
  readonly sensitivity: SensitivityTable;
  readonly training: TrainingQueue;
  readonly predictor: LivePredictor;
  readonly span: WindowSpan;
  readonly #store: Pick<TimeSeriesStore, "queryRange">;

  constructor(deps: OperatorLearningDeps) {
    this.span = deps.span ?? DEFAULT_WINDOW_SPAN;
    this.#store = deps.store;
    this.types = new MachineTypeTable(deps.db, deps.clock);
    this.labels = new LabelTable(deps.db, deps.clock);
    this.models = new ModelTable(deps.db, deps.clock);
    this.sensitivity = new SensitivityTable(
      deps.db,
      deps.clock,
      deps.applySensitivity,
      deps.sensitivityPolicy ?? DEFAULT_SENSITIVITY_POLICY,
    );
    this.training = new TrainingQueue(this.labels, this.models, {
      trainer: deps.trainer ?? workerTrainer,
      ...(deps.training === undefined ? {} : { training: deps.training }),
    });
    this.predictor = new LivePredictor({
      store: deps.store,
      bus: deps.bus,
      clock: deps.clock,
      models: this.models,
      typeOf: (ref) => this.types.typeOf(ref),
      machines: deps.machines,
    }, { ...deps.predictor, span: this.span });
    // A training cut short by a stop left its version queued; it will not finish now.
    this.models.failInterrupted();
  }

  /**
   * Stores a label with the feature window around its event (read from the
   * store now) and adapts the metric's sensitivity.
   */
  async addLabel(input: LabelInput): Promise<LabelOutcome> {
    const window = await readFeatureWindow(this.#store, input, input.ts, this.span);
    const label = this.labels.add(input, this.types.typeOf(input), window);
    return { label, sensitivity: this.sensitivity.onLabel(label) ?? null };
  }

  /** Starts live predictions. */
  start(): void {
    this.predictor.start();
  }

  /** Stops live predictions and waits for trainings under way. */
  async stop(): Promise<void> {
    await this.predictor.stop();
    await this.training.idle();
  }
}
