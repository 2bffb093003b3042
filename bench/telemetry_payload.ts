/** Names of the bench's metrics: four familiar ones, then `metric_4`, `metric_5`, … */
export function metricNames(count: number): string[] {
  const familiar = ["temperature", "vibration", "pressure", "rpm"];
  return Array.from({ length: count }, (_, i) => familiar[i] ?? `metric_${i}`);
}

/** The topic of bench machine `index` (0-based): `factories/{factory}/machines/m-0001/telemetry`. */
export function benchTopic(factory: string, index: number): string {
  return `factories/${factory}/machines/m-${String(index).padStart(4, "0")}/telemetry`;
}

/**
 * One telemetry payload as devices send it (DESIGN "Public contracts"),
 * stamped with its publish time `ts` so receivers can measure latency.
 * Values move smoothly, so the engine's detectors see ordinary readings
 * rather than a stream of anomalies.
 *
 * @example
 * ```ts
 * telemetryPayload(Date.now(), ["temperature"], 7); // '{"ts":…,"metrics":{"temperature":…}}'
 * ```
 */
export function telemetryPayload(ts: number, names: readonly string[], sequence: number): string {
  let metrics = "";
  for (let i = 0; i < names.length; i++) {
    const value = 50 + 10 * Math.sin(sequence / 97 + i);
    metrics += `${i === 0 ? "" : ","}"${names[i]}":${value.toFixed(3)}`;
  }
  return `{"ts":${ts},"metrics":{${metrics}}}`;
}
