/** How the tasks print amounts: counts, bytes, rates and durations. */

const COUNT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * A count with thousands separators.
 *
 * @example
 * ```ts
 * formatCount(1234567); // "1,234,567"
 * ```
 */
export function formatCount(n: number): string {
  return COUNT.format(n);
}

/**
 * A size in bytes, KiB, MiB or GiB.
 *
 * @example
 * ```ts
 * formatBytes(1536); // "1.5 KiB"
 * ```
 */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let at = 0;
  while (value >= 1024 && at < units.length - 1) {
    value /= 1024;
    at++;
  }
  return `${value.toFixed(1)} ${units[at]}`;
}

/**
 * A duration in ms as `850 ms`, `12.4 s`, `3 min 05 s` or `2 h 04 min`.
 *
 * @example
 * ```ts
 * formatDuration(185_000); // "3 min 05 s"
 * ```
 */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, "0")} s`;
  }
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** `amount` per second over `ms`, as a count ("238,112/s"); "—" when no time passed. */
export function formatRate(amount: number, ms: number): string {
  return ms > 0 ? `${formatCount(amount / (ms / 1000))}/s` : "—";
}
