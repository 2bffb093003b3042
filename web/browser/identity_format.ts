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

/**
 * `2026-11-23 20:31:05 UTC`, for pages rendered on the server (whose time
 * zone is not the viewer's); `—` when absent or unreadable as a time.
 *
 * @example
 * ```ts
 * formatUtc(0); // "1970-01-01 00:00:00 UTC"
 * ```
 */
export function formatUtc(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === "") return "—";
  const ms = typeof value === "number" ? value : Date.parse(value);
  if (!Number.isFinite(ms)) return String(value);
  return `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
