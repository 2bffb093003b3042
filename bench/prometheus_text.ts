/**
 * Sums the samples of metric `name` in a Prometheus text exposition, over
 * the series whose labels include every pair of `labels`; 0 if none.
 *
 * @example
 * ```ts
 * sumSamples(
 *   'a_total{source="mqtt"} 3\na_total{source="http"} 4\n',
 *   "a_total",
 *   { source: "mqtt" },
 * ); // 3
 * ```
 */
export function sumSamples(
  text: string,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)/.exec(line);
    if (match === null || match[1] !== name) continue;
    const series = match[2] ?? "";
    if (Object.entries(labels).every(([k, v]) => series.includes(`${k}="${v}"`))) {
      sum += Number(match[3]);
    }
  }
  return sum;
}
