import { HttpError } from "./http_error.ts";

/**
 * Reads a time query parameter given as epoch milliseconds or ISO-8601.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * parseTimeParam("from", "2026-11-23T10:00:00Z", 0); // 1795428000000
 * parseTimeParam("to", undefined, now); // now
 * ```
 * @throws {HttpError} 400 naming the parameter and its value.
 */
export function parseTimeParam(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  if (/^-?\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new HttpError(
      400,
      `'${name}' must be epoch milliseconds or ISO-8601 (e.g. 2026-11-23T10:00:00Z): current value is '${value}'`,
    );
  }
  return parsed;
}

/**
 * Reads a duration like `500ms`, `10s`, `5m`, `1h`, `1d` or plain milliseconds.
 *
 * @throws {HttpError} 400 naming the parameter and its value.
 */
export function parseDurationParam(name: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = match === null
    ? NaN
    : Number(match[1]) * unit[(match[2] ?? "ms") as keyof typeof unit];
  if (!(ms >= 1)) {
    throw new HttpError(
      400,
      `'${name}' must be a duration like 10s, 5m or 1h: current value is '${value}'`,
    );
  }
  return Math.round(ms);
}
