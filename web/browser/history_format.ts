/**
 * Texts of the history explorer: instants with their date, lengths of
 * time, and what a chart's points stand for. Pure, for SSR and hydration.
 */

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * An instant as `23 Nov 14:05` in local time (with the year when it is not
 * `thisYear`'s).
 *
 * @example
 * ```ts
 * formatDateTime(new Date(2026, 10, 23, 14, 5).getTime(), 2026); // "23 Nov 14:05"
 * ```
 */
export function formatDateTime(ts: number, thisYear?: number): string {
  const date = new Date(ts);
  const pad = (n: number) => String(n).padStart(2, "0");
  const year = thisYear === undefined || date.getFullYear() === thisYear
    ? ""
    : ` ${date.getFullYear()}`;
  return `${date.getDate()} ${MONTHS[date.getMonth()]}${year} ${pad(date.getHours())}:${
    pad(date.getMinutes())
  }`;
}

/**
 * A length of time in the largest fitting unit: `45 s`, `10 min`, `6 h`,
 * `1 h 30 min`, `7 d`.
 *
 * @example
 * ```ts
 * formatSpan(5_400_000); // "1 h 30 min"
 * ```
 */
export function formatSpan(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = hours / 24;
  return Number.isInteger(days) ? `${days} d` : `${days.toFixed(1)} d`;
}

/**
 * What each point of a chart stands for: raw readings, or buckets with how
 * they were combined and whether a min–max band is drawn.
 *
 * @example
 * ```ts
 * describeResolution(60_000, "mean", true); // "1 min buckets · mean, band min–max"
 * describeResolution(null, null, false); // "raw readings"
 * ```
 */
export function describeResolution(
  every: number | null,
  agg: string | null,
  banded: boolean,
): string {
  if (every === null) return "raw readings";
  return `${formatSpan(every)} buckets · ${agg ?? "mean"}${banded ? ", band min–max" : ""}`;
}
