/**
 * A daily quiet period of a channel in a time zone, e.g. 22:00–06:30
 * Europe/Berlin. During it, non-critical notifications for the channel are
 * held and sent as one summary when it ends (`policy: "summarize"`, the
 * default) or dropped and logged as such (`policy: "drop"`); critical ones
 * are always sent at once. `end` earlier than `start` means the period
 * crosses midnight. Times are wall-clock times, so the period follows DST
 * changes; an end time that does not exist on a spring-forward night ends
 * the period where the skipped hour ends.
 *
 * @example
 * ```ts
 * const nights: QuietHours = { start: "22:00", end: "06:30", timeZone: "Europe/Berlin" };
 * quietHoursEnd(nights, Date.parse("2026-05-04T21:00:00Z")); // Date.parse("2026-05-05T04:30:00Z")
 * quietHoursEnd(nights, Date.parse("2026-05-04T12:00:00Z")); // undefined: not quiet
 * ```
 */
export interface QuietHours {
  /** `HH:MM`, 24-hour. */
  readonly start: string;
  /** `HH:MM`, 24-hour; not equal to `start`. */
  readonly end: string;
  /** IANA time zone, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
  /** What happens to non-critical notifications held meanwhile (default `summarize`). */
  readonly policy?: "summarize" | "drop";
}

const HH_MM = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(text: string): number {
  const match = HH_MM.exec(text)!;
  return Number(match[1]) * 60 + Number(match[2]);
}

/**
 * Throws a RangeError naming the channel unless `quiet` is well formed:
 * `HH:MM` times that differ, a time zone the runtime knows, a known policy.
 */
export function checkQuietHours(channelId: string, quiet: QuietHours): void {
  for (const field of ["start", "end"] as const) {
    if (!HH_MM.test(quiet[field])) {
      throw new RangeError(
        `Cannot use quiet hours of channel '${channelId}': '${field}' must be HH:MM (24-hour): current value is '${
          quiet[field]
        }'`,
      );
    }
  }
  if (quiet.start === quiet.end) {
    throw new RangeError(
      `Cannot use quiet hours of channel '${channelId}': 'start' and 'end' are both ${quiet.start}; remove the quiet hours instead of making them empty or all day`,
    );
  }
  try {
    Temporal.Now.zonedDateTimeISO(quiet.timeZone);
  } catch (error) {
    throw new RangeError(
      `Cannot use quiet hours of channel '${channelId}': 'timeZone' must be an IANA time zone such as Europe/Berlin: current value is '${quiet.timeZone}'`,
      { cause: error },
    );
  }
  if (quiet.policy !== undefined && quiet.policy !== "summarize" && quiet.policy !== "drop") {
    throw new RangeError(
      `Cannot use quiet hours of channel '${channelId}': 'policy' must be "summarize" or "drop": current value is '${quiet.policy}'`,
    );
  }
}

/**
 * When the quiet period that contains `epochMs` ends (epoch ms), or undefined
 * when `epochMs` is outside quiet hours. Expects a checked {@link QuietHours}.
 */
export function quietHoursEnd(quiet: QuietHours, epochMs: number): number | undefined {
  const local = Temporal.Instant.fromEpochMilliseconds(epochMs).toZonedDateTimeISO(quiet.timeZone);
  const now = local.hour * 60 + local.minute;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const crossesMidnight = end < start;
  const quietNow = crossesMidnight ? now >= start || now < end : now >= start && now < end;
  if (!quietNow) return undefined;
  const endsTomorrow = crossesMidnight && now >= start;
  const day = endsTomorrow ? local.toPlainDate().add({ days: 1 }) : local.toPlainDate();
  const plainEnd = Temporal.PlainTime.from(quiet.end);
  const endAt = day.toZonedDateTime({ timeZone: quiet.timeZone, plainTime: plainEnd });
  // In a spring-forward gap the wall time `end` never happens; the period
  // ends where the gap does, the first instant whose wall time is past `end`.
  if (!endAt.toPlainTime().equals(plainEnd)) {
    return endAt.getTimeZoneTransition("previous")!.epochMilliseconds;
  }
  return endAt.epochMilliseconds;
}
