/**
 * The wait a `Retry-After` header asks for, in ms: either delay-seconds
 * (`"120"`) or an HTTP date, measured from `now`. Undefined when the header is
 * absent or unreadable; a date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date always names a weekday and month; this keeps "-5" from parsing as a year.
  if (!/[A-Za-z]/.test(text)) return undefined;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
