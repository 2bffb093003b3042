/**
 * Reads an HTTP `Retry-After` value: whole seconds, or an HTTP date taken
 * relative to `now` (epoch ms). Returns the wait in ms, or undefined when the
 * value is missing or unreadable (the caller then uses its own backoff).
 *
 * @example
 * ```ts
 * retryAfterMs("30", Date.now()); // 30000
 * retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT", Date.parse("2026-10-21T07:27:00Z")); // 60000
 * ```
 */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - now);
}
