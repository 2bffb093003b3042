import {
  MetricDetector,
  type MetricDetectorOptions,
} from "../../engine/detect/metric_detector.ts";
import type { NabFile } from "./corpus.ts";

/** Runs a fresh {@link MetricDetector} over each file in time order (no look-ahead). */
export function runDetector(
  files: readonly NabFile[],
  options?: MetricDetectorOptions,
): { scores: Float64Array[]; points: number; ms: number } {
  const scores: Float64Array[] = [];
  let points = 0;
  const start = performance.now();
  for (const file of files) {
    const detector = new MetricDetector(options);
    const out = new Float64Array(file.values.length);
    for (let i = 0; i < file.values.length; i++) {
      out[i] = detector.update(file.values[i], file.timestamps[i]).score;
    }
    scores.push(out);
    points += out.length;
  }
  return { scores, points, ms: performance.now() - start };
}
