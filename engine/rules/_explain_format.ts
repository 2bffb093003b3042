/** A measured value for people: at most six significant digits. */
export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
}

/**
 * A duration for people: "500 ms", "45 s", "2 min", "1 h 30 min", "3 d".
 *
 * @example
 * ```ts
 * formatDuration(120_000); // "2 min"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  const seconds = Math.round(ms / 1_000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60), restSeconds = seconds % 60;
  if (minutes < 60) return restSeconds > 0 ? `${minutes} min ${restSeconds} s` : `${minutes} min`;
  const hours = Math.floor(minutes / 60), restMinutes = minutes % 60;
  if (hours < 48) return restMinutes > 0 ? `${hours} h ${restMinutes} min` : `${hours} h`;
  const days = Math.floor(hours / 24), restHours = hours % 24;
  return restHours > 0 ? `${days} d ${restHours} h` : `${days} d`;
}
