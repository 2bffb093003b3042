import type { MultivariateResult } from "../../engine/detect/machine_detector.ts";
import type { AnomalyEvent } from "../../engine/events.ts";

/** Multivariate scores below this are not worth mentioning. */
const MULTIVARIATE_NOTABLE = 0.6;

/**
 * The one-line explanation of a flagged point: metric, value, detector,
 * expected range and score, plus the machine-wide isolation-forest view when
 * it finds the row unusual.
 *
 * @example
 * ```ts
 * import type { AnomalyEvent } from "../../engine/events.ts";
 *
 * declare const event: AnomalyEvent;
 *
 * explainAnomaly(event, { score: 0.72, topMetric: "temp" });
 * // "temp at 97.2, expected 60.1 – 80.3 (sigma detector, score 0.83);
 * //  machine-wide isolation score 0.72, mostly temp"
 * ```
 */
export function explainAnomaly(
  event: Pick<AnomalyEvent, "metric" | "value" | "expected" | "detector" | "anomalyScore">,
  multivariate: MultivariateResult | null,
): string {
  const { low, high } = event.expected;
  const range = Number.isFinite(low) && Number.isFinite(high)
    ? `expected ${fmt(low)} – ${fmt(high)}`
    : Number.isFinite(high)
    ? `expected ≤ ${fmt(high)}`
    : Number.isFinite(low)
    ? `expected ≥ ${fmt(low)}`
    : "no expected range yet";
  const what = event.detector === "flatline" ? "stuck at" : "at";
  let text = `${event.metric} ${what} ${fmt(event.value)}, ${range} (${
    event.detector ?? "sigma"
  } detector, score ${(event.anomalyScore ?? 0).toFixed(2)})`;
  if (multivariate !== null && multivariate.score >= MULTIVARIATE_NOTABLE) {
    text += `; machine-wide isolation score ${
      multivariate.score.toFixed(2)
    }, mostly ${multivariate.topMetric}`;
  }
  return text;
}

function fmt(v: number): string {
  return Math.abs(v) >= 1000 || v === Math.round(v) ? String(Math.round(v)) : v.toPrecision(4);
}
