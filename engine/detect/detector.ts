/** Names of the per-metric streaming detectors, as shown in explanations. */
export type DetectorName =
  | "sigma"
  | "mad"
  | "ewma"
  | "cusum"
  | "flatline"
  | "seasonal"
  | "iforest";

/**
 * One streaming detector of one metric: `update` judges a value against what
 * the detector knew *before* it, returns a raw score (0 = ordinary; 1 = at the
 * detector's own alarm level), then learns the value. O(1) amortised (the
 * median/MAD detector is O(w) with a small fixed w, see its file).
 */
export interface StreamingDetector {
  readonly name: DetectorName;
  update(value: number): number;
  /** The band the last judged value was expected in (before it was learned). */
  readonly expectedLow: number;
  readonly expectedHigh: number;
}
