import type { DecodeLimits } from "./_decode_limits.ts";
import { excerpt } from "./_excerpt.ts";
import type { RejectReason } from "./rejection.ts";

/** A timestamp problem: the reason and the human message. */
export interface TimestampProblem {
  readonly reason: Extract<RejectReason, "bad_timestamp" | "future_timestamp">;
  readonly message: string;
}

/**
 * Epoch ms below this (1973-03-03) are taken for a unit mistake: a device
 * sending epoch seconds (~1.7e9 today) lands far below it, while every real
 * reading of this engine's lifetime lies far above.
 */
export const MIN_PLAUSIBLE_EPOCH_MS = 1e11;

// Epoch seconds since 1973 are above this (and epoch ms of that time below MIN_PLAUSIBLE_EPOCH_MS).
const SECONDS_LOOKING = 1e8;
const CLOCK_HINT = "check the device's clock";

// Epoch microseconds today are ~1.7e15; milliseconds will not reach 1e14 before the year 5138.
const MICROSECONDS_LOOKING = 1e14;

/**
 * Checks that `ms` is a plausible epoch-milliseconds time no further ahead of
 * the receive time than allowed. `unitHint` says how to send the right unit
 * and ends the message of a time that looks like a unit mistake; without it
 * (an ISO date-time has no unit to get wrong) the message suggests the clock.
 */
export function checkEpochMs(
  ms: number,
  limits: DecodeLimits,
  unitHint: string | undefined,
): TimestampProblem | undefined {
  if (!Number.isFinite(ms)) {
    return { reason: "bad_timestamp", message: `ts ${ms} is not a finite number` };
  }
  if (ms < MIN_PLAUSIBLE_EPOCH_MS) {
    const looksLike = ms >= SECONDS_LOOKING ? "it looks like epoch seconds; " : "";
    return {
      reason: "bad_timestamp",
      message: `ts ${ms} is not a plausible epoch-milliseconds time (it would be ${
        formatEpochMs(ms)
      }); ${unitHint === undefined ? CLOCK_HINT : looksLike + unitHint}`,
    };
  }
  const ahead = ms - limits.receivedAt;
  if (ahead > limits.maxFutureMs) {
    const hint = ms >= MICROSECONDS_LOOKING && unitHint !== undefined
      ? `it looks like epoch micro- or nanoseconds; ${unitHint}`
      : CLOCK_HINT;
    return {
      reason: "future_timestamp",
      message:
        `ts ${ms} (${formatEpochMs(ms)}) is ${formatSeconds(ahead)} ahead of the receive time; ` +
        `at most ${formatSeconds(limits.maxFutureMs)} is allowed; ${hint}`,
    };
  }
  return undefined;
}

// RFC 3339 / ISO-8601 date-time with a mandatory offset: a time without one would be read in the
// server's zone, which silently shifts data by hours, so it is rejected instead of guessed.
const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))$/;

/**
 * Parses an ISO-8601 date-time with a zone (`Z` or `±hh:mm`) to whole epoch
 * ms (digits below the millisecond are dropped). Returns a message saying what
 * is wrong when `text` is not one (or names a day or time that does not exist).
 */
export function parseIsoDateTime(text: string): number | string {
  const m = ISO_DATE_TIME.exec(text);
  if (m === null) {
    return `ts '${excerpt(text)}' is not an ISO-8601 date-time with a zone ` +
      `(e.g. 2024-05-01T12:00:00.000Z) nor epoch milliseconds`;
  }
  const year = +m[1], month = +m[2], day = +m[3], hour = +m[4], minute = +m[5];
  const second = m[6] === undefined ? 0 : +m[6];
  // Milliseconds are kept; finer digits are dropped, as for line-protocol timestamps.
  const fraction = m[7] === undefined ? 0 : +m[7].slice(0, 3).padEnd(3, "0");
  const offsetHours = m[9] === undefined ? 0 : +m[10];
  const offsetMinutes = m[9] === undefined ? 0 : +m[11];
  if (
    month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 ||
    minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59
  ) {
    return `ts '${excerpt(text)}' names a date or time that does not exist`;
  }
  const offsetMs = (m[9] === "-" ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC maps years 0-99 to 1900-1999; such years are implausible anyway and fail the range
  // check.
  return utc + fraction - offsetMs;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function formatEpochMs(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "out of range" : date.toISOString();
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3)} s`;
}
