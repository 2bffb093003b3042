import type { ThresholdCrossing } from "./time_to_threshold.ts";

/**
 * A crossing estimate in words, for alert texts and the live page:
 * "temp reaches 90 in about 14 min (80 % 11–18 min)".
 *
 * @example
 * ```ts
 * describeCrossing("temp", { op: ">", value: 90, expectedMs: 840_000, earliestMs: 660_000,
 *   latestMs: 1_080_000, horizonMs: 1_800_000 });
 * // "temp reaches 90 in about 14 min (80 % 11–18 min)"
 * ```
 */
export function describeCrossing(
  metric: string,
  crossing: ThresholdCrossing,
  coverage = 0.8,
  unit = "",
): string {
  const target = `${formatNumber(crossing.value)}${unit === "" ? "" : ` ${unit}`}`;
  const verb = crossing.op === ">" || crossing.op === ">=" ? "reaches" : "falls to";
  const percent = `${Math.round(coverage * 100)} %`;
  const { expectedMs, earliestMs, latestMs } = crossing;
  if (expectedMs === 0) return `${metric} is already past ${target}`;
  const range = earliestMs === null
    ? ""
    : latestMs === null
    ? ` (${percent} from ${formatSpan(earliestMs)})`
    : ` (${percent} ${formatRange(earliestMs, latestMs)})`;
  if (expectedMs === null) {
    const within = `within ${formatSpan(crossing.horizonMs)}`;
    return `${metric} not forecast to reach ${target} ${within}${
      earliestMs === null ? "" : `; possible${range}`
    }`;
  }
  return `${metric} ${verb} ${target} in about ${formatSpan(expectedMs)}${range}`;
}

/** "45 s", "14 min", "2.5 h": one unit, rounded. */
export function formatSpan(ms: number): string {
  const [scale, unit] = spanUnit(ms);
  return `${formatNumber(roundTo(ms / scale))} ${unit}`;
}

function formatRange(from: number, to: number): string {
  const [scale, unit] = spanUnit(to);
  return `${formatNumber(roundTo(from / scale))}–${formatNumber(roundTo(to / scale))} ${unit}`;
}

function spanUnit(ms: number): [number, string] {
  if (ms < 90_000) return [1_000, "s"];
  if (ms < 90 * 60_000) return [60_000, "min"];
  return [3_600_000, "h"];
}

function roundTo(x: number): number {
  return x >= 10 ? Math.round(x) : Math.round(x * 10) / 10;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}
