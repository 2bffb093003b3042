/**
 * Forecasts per metric: resampling to a fixed step, Holt / Holt–Winters with
 * online-fitted parameters, empirical prediction intervals, and the time
 * until a forecast crosses a threshold.
 *
 * @module
 */

export { describeCrossing, formatSpan } from "./crossing_text.ts";
export type { ForecastPath, ForecastPoint } from "./forecast_path.ts";
export {
  type ForecasterLayout,
  type ForecasterSnapshot,
  type PackedDetectorState,
  type PackedHoltState,
  packForecasterState,
  SNAPSHOT_PAST_STEPS,
  unpackForecasterState,
} from "./forecaster_snapshot.ts";
export { type NumberEncoding, packNumbers, unpackNumbers } from "./packed_numbers.ts";
export {
  dampedSum,
  DEFAULT_HOLT_CANDIDATES,
  type HoltCandidateState,
  type HoltWeights,
  HoltWinters,
  type HoltWintersOptions,
  type HoltWintersState,
} from "./holt_winters.ts";
export {
  DEFAULT_FORECASTER_OPTIONS,
  type ForecasterOptions,
  MetricForecaster,
  type MetricForecasterState,
} from "./metric_forecaster.ts";
export {
  DEFAULT_PERIOD_OPTIONS,
  PeriodDetector,
  type PeriodDetectorOptions,
  type PeriodDetectorState,
} from "./period_detector.ts";
export {
  type ResampledEvent,
  StepResampler,
  type StepResamplerOptions,
  type StepResamplerState,
} from "./step_resampler.ts";
export {
  type CrossingOp,
  type ForecastThreshold,
  type ThresholdCrossing,
  timeToThreshold,
} from "./time_to_threshold.ts";
export {
  DEFAULT_FORECAST_FEED_OPTIONS,
  ForecastFeed,
  type ForecastFeedOptions,
  type ForecastFeedState,
} from "./forecast_feed.ts";
export { ForecastBoard, type ForecastBoardOptions } from "./forecast_board.ts";
