/**
 * The explanation of an alert that needs no model: from the alert's rule,
 * its values when raised, and what the detectors said about the anomalies
 * around it. It always exists; the LLM's explanation is added beside it.
 *
 * @module
 */
import type { Alert } from "../alerts/alert.ts";
import type { AnomalyRecord } from "./tools.ts";

/** How far before the raise anomalies are counted as leading up to it. */
export const LEAD_UP_MS = 15 * 60_000;

/**
 * One paragraph: what was raised, where, when and why; the values then;
 * and the anomalies of the quarter hour before, per metric, with the
 * detector's reason, the expected range and the strongest score.
 *
 * @example
 * ```ts
 * import type { Alert } from "../alerts/alert.ts";
 *
 * declare const alert: Alert;
 *
 * deterministicExplanation(alert, []);
 * // "Oil too hot (high) on press-01, raised 2027-01-15T08:00:00.000Z:
 * //  oil_temp 72.4 > 70 for 2 min. Values when raised: oil_temp = 72.4.
 * //  No anomaly was flagged on press-01 in the 15 min before."
 * ```
 */
export function deterministicExplanation(
  alert: Pick<
    Alert,
    "ruleName" | "severity" | "machine" | "raisedAt" | "explanation" | "values" | "flapping"
  >,
  anomalies: readonly AnomalyRecord[],
): string {
  const parts: string[] = [];
  parts.push(
    `${alert.ruleName} (${alert.severity}) on ${alert.machine}, raised ${
      new Date(alert.raisedAt).toISOString()
    }: ${alert.explanation.replace(/\.$/, "")}.`,
  );
  if (alert.flapping) parts.push("The rule is flapping: it raised and cleared repeatedly.");
  const values = Object.entries(alert.values);
  if (values.length > 0) {
    parts.push(`Values when raised: ${values.map(([m, v]) => `${m} = ${number(v)}`).join(", ")}.`);
  }
  const before = anomalies.filter((a) =>
    a.machine === alert.machine && a.ts <= alert.raisedAt && a.ts >= alert.raisedAt - LEAD_UP_MS
  );
  if (before.length === 0) {
    parts.push(
      `No anomaly was flagged on ${alert.machine} in the ${LEAD_UP_MS / 60_000} min before.`,
    );
    return parts.join(" ");
  }
  const byMetric = new Map<string, AnomalyRecord[]>();
  for (const a of before) byMetric.set(a.metric, [...(byMetric.get(a.metric) ?? []), a]);
  const lines = [...byMetric].map(([metric, list]) => {
    const first = Math.min(...list.map((a) => a.ts));
    const minutes = Math.round((alert.raisedAt - first) / 60_000);
    const strongest = list.reduce((best, a) => (a.score ?? -1) > (best.score ?? -1) ? a : best);
    const reasons = [...new Set(list.map((a) => a.reason).filter((r) => r !== undefined))];
    const detail = [
      reasons.length > 0 ? `by ${reasons.join(", ")}` : undefined,
      strongest.expected === undefined
        ? undefined
        : `expected ${number(strongest.expected.low)}–${number(strongest.expected.high)}`,
      strongest.value === undefined ? undefined : `peak-score value ${number(strongest.value)}`,
      strongest.score === undefined ? undefined : `score ${number(strongest.score)}`,
    ].filter((d) => d !== undefined);
    return `${metric} ×${list.length} since ${minutes} min before${
      detail.length > 0 ? ` (${detail.join("; ")})` : ""
    }`;
  });
  parts.push(`Anomalies flagged in the ${LEAD_UP_MS / 60_000} min before: ${lines.join("; ")}.`);
  return parts.join(" ");
}

function number(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
