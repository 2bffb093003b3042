/** Days of the week as schedules name them. */
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;

/** A day of the week. */
export type Weekday = typeof WEEKDAYS[number];

/** Local wall-clock hours `"HH:MM"`: `from` inclusive, `to` exclusive; `to` before `from` spans midnight. */
export interface TimeOfDayRange {
  readonly from: string;
  readonly to: string;
}

/** Local calendar dates `"YYYY-MM-DD"`, both inclusive. */
export interface DateRange {
  readonly from: string;
  readonly to: string;
}

/**
 * When a rule may raise, in local time of `timeZone` (an IANA name; the
 * factory's zone when absent). Each part that is given must match: the local
 * weekday is in `weekdays`, the local time of day in one of `hours`, the local
 * date in one of `dates`. Every part is judged at the instant itself, so a
 * Mon–Fri 22:00–06:00 schedule is off early on Saturday.
 */
export interface RuleSchedule {
  readonly timeZone?: string;
  readonly weekdays?: readonly Weekday[];
  readonly hours?: readonly TimeOfDayRange[];
  readonly dates?: readonly DateRange[];
}

/** Wall-clock time in a zone, as schedules use it. */
export interface LocalTime {
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
  /** Minutes since local midnight, 0…1439. */
  readonly minuteOfDay: number;
  /** The local date as the number YYYYMMDD. */
  readonly date: number;
}

interface CompiledSchedule {
  readonly timeZone: string | undefined;
  /** Bit i set ⇔ weekday i allowed; all bits without `weekdays`. */
  readonly weekdayMask: number;
  /** Pairs of [from, to) minutes of day; empty = all day. */
  readonly minutes: readonly number[];
  /** Pairs of [from, to] YYYYMMDD; empty = any date. */
  readonly dates: readonly number[];
}

const WEEKDAY_INDEX: Readonly<Record<string, number>> = {
  Mon: 0,
  Tue: 1,
  Wed: 2,
  Thu: 3,
  Fri: 4,
  Sat: 5,
  Sun: 6,
};

// Memos, not shared state: both hold pure functions of their keys. Offsets
// change only on whole minutes, so one Intl call per zone and minute is exact
// and keeps schedules off the hot path (formatToParts costs microseconds).
const formatters = new Map<string, Intl.DateTimeFormat>();
const lastLocalTime = new Map<string, { minute: number; local: LocalTime }>();
const compiledSchedules = new WeakMap<RuleSchedule, CompiledSchedule>();

/**
 * The wall-clock time in `timeZone` at epoch-ms `at`, daylight saving time
 * included (through `Intl`).
 *
 * @example
 * ```ts
 * localTimeAt(Date.parse("2026-03-30T06:00:00Z"), "Europe/Berlin");
 * // { weekday: 0, minuteOfDay: 480, date: 20260330 }  (Monday 08:00 CEST)
 * ```
 */
export function localTimeAt(at: number, timeZone: string): LocalTime {
  const minute = Math.floor(at / 60_000);
  const cached = lastLocalTime.get(timeZone);
  if (cached !== undefined && cached.minute === minute) return cached.local;
  let format = formatters.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
    });
    formatters.set(timeZone, format);
  }
  let weekday = 0, year = 0, month = 0, day = 0, hour = 0, min = 0;
  for (const part of format.formatToParts(minute * 60_000)) {
    switch (part.type) {
      case "weekday":
        weekday = WEEKDAY_INDEX[part.value];
        break;
      case "year":
        year = Number(part.value);
        break;
      case "month":
        month = Number(part.value);
        break;
      case "day":
        day = Number(part.value);
        break;
      case "hour":
        hour = Number(part.value) % 24;
        break;
      case "minute":
        min = Number(part.value);
        break;
    }
  }
  const local = { weekday, minuteOfDay: hour * 60 + min, date: year * 10_000 + month * 100 + day };
  lastLocalTime.set(timeZone, { minute, local });
  return local;
}

/**
 * Whether `schedule` allows a rule to raise at epoch-ms `at`. `timeZone` is
 * the factory's zone, used when the schedule names none.
 *
 * @example
 * ```ts
 * const workdays: RuleSchedule = {
 *   weekdays: ["mon", "tue", "wed", "thu", "fri"],
 *   hours: [{ from: "08:00", to: "18:00" }],
 * };
 * isWithinSchedule(workdays, Date.parse("2026-03-30T06:00:00Z"), "Europe/Berlin"); // true
 * ```
 */
export function isWithinSchedule(schedule: RuleSchedule, at: number, timeZone = "UTC"): boolean {
  let compiled = compiledSchedules.get(schedule);
  if (compiled === undefined) {
    compiled = compileSchedule(schedule);
    compiledSchedules.set(schedule, compiled);
  }
  const local = localTimeAt(at, compiled.timeZone ?? timeZone);
  if ((compiled.weekdayMask & (1 << local.weekday)) === 0) return false;
  if (!inAnyMinuteRange(compiled.minutes, local.minuteOfDay)) return false;
  return inAnyDateRange(compiled.dates, local.date);
}

function inAnyMinuteRange(ranges: readonly number[], minute: number): boolean {
  if (ranges.length === 0) return true;
  for (let i = 0; i < ranges.length; i += 2) {
    const from = ranges[i], to = ranges[i + 1];
    if (from < to ? minute >= from && minute < to : minute >= from || minute < to) return true;
  }
  return false;
}

function inAnyDateRange(ranges: readonly number[], date: number): boolean {
  if (ranges.length === 0) return true;
  for (let i = 0; i < ranges.length; i += 2) {
    if (date >= ranges[i] && date <= ranges[i + 1]) return true;
  }
  return false;
}

function compileSchedule(schedule: RuleSchedule): CompiledSchedule {
  let weekdayMask = 0x7f;
  if (schedule.weekdays !== undefined) {
    weekdayMask = 0;
    for (const day of schedule.weekdays) weekdayMask |= 1 << WEEKDAYS.indexOf(day);
  }
  return {
    timeZone: schedule.timeZone,
    weekdayMask,
    minutes: (schedule.hours ?? []).flatMap((r) => [minuteOfDay(r.from), minuteOfDay(r.to)]),
    dates: (schedule.dates ?? []).flatMap((r) => [dateNumber(r.from), dateNumber(r.to)]),
  };
}

/** `"HH:MM"` → minutes since midnight (`"24:00"` → 1440). */
export function minuteOfDay(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** `"YYYY-MM-DD"` → YYYYMMDD. */
export function dateNumber(isoDate: string): number {
  return Number(isoDate.slice(0, 4)) * 10_000 + Number(isoDate.slice(5, 7)) * 100 +
    Number(isoDate.slice(8, 10));
}
