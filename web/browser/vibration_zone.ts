/**
 * The ISO 10816-3 zone of a machine as the pages show it, read from its
 * `vib.<axis>.iso_zone` metrics (1–4 for zones A–D): the worst axis counts.
 */

/** Zone letters by the value of an `iso_zone` metric. */
const LETTERS = ["A", "B", "C", "D"] as const;

/** An ISO 10816-3 zone. */
export type ZoneLetter = typeof LETTERS[number];

/** What operators read for each zone. */
export const ZONE_LABELS: Readonly<Record<ZoneLetter, string>> = {
  A: "Normal",
  B: "Satisfactory",
  C: "Alert",
  D: "Unacceptable",
};

/** Badge classes of the shared stylesheet per zone: green, blue, orange, red. */
export const ZONE_CLASSES: Readonly<Record<ZoneLetter, string>> = {
  A: "status-badge status--normal",
  B: "severity-badge severity--low",
  C: "severity-badge severity--high",
  D: "severity-badge severity--critical",
};

const ZONE_METRIC = /^vib\.([A-Za-z0-9_-]{1,16})\.iso_zone$/;

/** The worst zone over the machine's axes, and the axis it is on. */
export interface WorstZone {
  readonly zone: ZoneLetter;
  readonly axis: string;
}

/**
 * The worst ISO zone among `values` (metric name → latest value, or a
 * `{value}` record as tiles keep it), or
 * undefined when the machine has no `vib.*.iso_zone` metric.
 *
 * @example
 * ```ts
 * worstIsoZone({ "vib.x.iso_zone": 2, "vib.y.iso_zone": 3, temp: 40 }); // { zone: "C", axis: "y" }
 * ```
 */
export function worstIsoZone(
  values: Readonly<Record<string, number | { readonly value: number } | undefined>>,
): WorstZone | undefined {
  let worst: WorstZone | undefined;
  let worstValue = 0;
  for (const [metric, entry] of Object.entries(values)) {
    const match = ZONE_METRIC.exec(metric);
    if (match === null || entry === undefined) continue;
    const n = Math.round(typeof entry === "number" ? entry : entry.value);
    if (n < 1 || n > 4 || n <= worstValue) continue;
    worstValue = n;
    worst = { zone: LETTERS[n - 1], axis: match[1] };
  }
  return worst;
}

/** True for the metrics carrying a zone (`vib.<axis>.iso_zone`). */
export function isZoneMetric(metric: string): boolean {
  return ZONE_METRIC.test(metric);
}
