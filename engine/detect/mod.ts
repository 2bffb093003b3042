/**
 * Streaming anomaly detection: per-metric detectors (rolling σ, robust
 * median/MAD, EWMA, CUSUM, flatline, time-of-day context, contextual
 * novelty of quantised transitions), the anomaly likelihood, the per-metric
 * stack that combines them, and the per-machine detector that adds an
 * isolation forest across metrics.
 *
 * @module
 */
export type { DetectorName, StreamingDetector } from "./detector.ts";
export { RollingSigmaDetector, type RollingSigmaState } from "./rolling_sigma.ts";
export { RobustMadDetector, type RobustMadState } from "./robust_mad.ts";
export { EwmaDetector, type EwmaState } from "./ewma.ts";
export { CusumDetector, type CusumState } from "./cusum.ts";
export { FlatlineDetector, type FlatlineState } from "./flatline.ts";
export { SeasonalDetector, type SeasonalOptions, type SeasonalState } from "./seasonal.ts";
export { ContextualDetector, type ContextualOptions, type ContextualState } from "./contextual.ts";
export {
  decodeBase64,
  encodeBase64,
  type PackedFloats,
  packFloats,
  unpackFloats,
} from "./packed.ts";
export {
  AnomalyLikelihood,
  type LikelihoodOptions,
  type LikelihoodState,
  logScale,
  tailProbability,
} from "./likelihood.ts";
export {
  DEFAULT_METRIC_DETECTOR_OPTIONS,
  type DetectionResult,
  MetricDetector,
  type MetricDetectorOptions,
  type MetricDetectorState,
  SENSITIVITY_BOUNDS,
} from "./metric_detector.ts";
export {
  averagePathLength,
  IsolationForest,
  type IsolationForestOptions,
  type IsolationScore,
} from "./isolation_forest.ts";
export {
  DEFAULT_MACHINE_DETECTOR_OPTIONS,
  MachineDetector,
  type MachineDetectorOptions,
  type MachineDetectorState,
  type MultivariateResult,
} from "./machine_detector.ts";
export { seededRandom } from "./prng.ts";
