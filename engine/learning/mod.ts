/**
 * Learning from operators: labels with feature windows, per-machine-type
 * fault classifiers with versions, live predictions, sensitivity adaptation.
 *
 * @module
 */
export { type ClassifierTrainer, inProcessTrainer, workerTrainer } from "./classifier_trainer.ts";
export {
  type ClassPrediction,
  FaultModel,
  MIN_LABELS_PER_CLASS,
  type ModelEvaluation,
  scoreConfusion,
  type SerializedModel,
  stratifiedFolds,
  trainFaultClassifier,
  type TrainingExample,
  type TrainingOptions,
  TrainingRefusedError,
  type TrainingResult,
} from "./fault_classifier.ts";
export {
  DEFAULT_WINDOW_SPAN,
  FEATURE_NAMES,
  type FeatureWindow,
  metricFeatures,
  readFeatureWindow,
  type WindowSpan,
} from "./feature_window.ts";
export {
  FAULT_CLASSES,
  type FaultClass,
  type Label,
  LABEL_KINDS,
  type LabelInput,
  type LabelKind,
  type TrainingClass,
  trainingClass,
} from "./label.ts";
export { LabelTable } from "./label_table.ts";
export { LivePredictor, type LivePredictorOptions } from "./live_predictor.ts";
export { type MachineTypeInfo, MachineTypeTable } from "./machine_type_table.ts";
export { type ModelTypeRow, modelTypes } from "./model_overview.ts";
export {
  type ModelActivation,
  type ModelState,
  type ModelSummary,
  ModelTable,
  type ModelVersion,
} from "./model_table.ts";
export {
  type LabelOutcome,
  OperatorLearning,
  type OperatorLearningDeps,
} from "./operator_learning.ts";
export {
  type ApplySensitivity,
  DEFAULT_SENSITIVITY_POLICY,
  type SensitivityChange,
  type SensitivityPolicy,
  SensitivityTable,
} from "./sensitivity_table.ts";
export { TrainingQueue, type TrainingQueueOptions } from "./training_queue.ts";
