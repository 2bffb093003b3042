/**
 * Formatting for the identity pages: times the API gives as epoch ms or
 * ISO-8601 (or null for "never").
 */
import { formatDateTime } from "./alert_format.ts";

/**
 * `2027-03-01 08:00:12` (viewer's time zone), or `never` for null.
 *
 * @example
 * ```ts
 * formatWhen(null); // "never"
 * ```
 */
export function formatWhen(value: number | string | null | undefined, never = "never"): string {
  if (value === null || value === undefined || value === "") return never;
  const ms = typeof value === "number" ? value : Date.parse(value);
  return Number.isFinite(ms) ? formatDateTime(ms) : String(value);
}

/** True when the value names a time (revoked, expired…), not null or empty. */
export function isSet(value: number | string | null | undefined): boolean {
  return value !== null && value !== undefined && value !== "";
}
