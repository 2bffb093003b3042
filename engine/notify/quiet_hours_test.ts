import assert from "node:assert/strict";
import { checkQuietHours, type QuietHours, quietHoursEnd } from "./quiet_hours.ts";

const nights: QuietHours = { start: "22:00", end: "06:30", timeZone: "Europe/Berlin" };
const at = (iso: string) => Date.parse(iso);

Deno.test("quietHoursEnd handles a period across midnight in its time zone", () => {
  // [instant, expected end] — Berlin is UTC+2 in May.
  const table: Array<[string, string | undefined]> = [
    ["2026-05-04T19:59:59Z", undefined], // 21:59:59 local
    ["2026-05-04T20:00:00Z", "2026-05-05T04:30:00Z"], // 22:00 local: quiet until 06:30 tomorrow
    ["2026-05-04T21:59:00Z", "2026-05-05T04:30:00Z"], // 23:59 local
    ["2026-05-04T22:00:00Z", "2026-05-05T04:30:00Z"], // 00:00 local, the next day
    ["2026-05-05T04:29:59Z", "2026-05-05T04:30:00Z"], // 06:29:59 local
    ["2026-05-05T04:30:00Z", undefined], // 06:30 local: over
    ["2026-05-05T12:00:00Z", undefined],
  ];
  for (const [instant, end] of table) {
    assert.equal(quietHoursEnd(nights, at(instant)), end && at(end), instant);
  }
});

Deno.test("quietHoursEnd uses wall time, not UTC, across a DST change", () => {
  // Night of 28→29 March 2026: Berlin moves from UTC+1 to UTC+2 at 02:00 local.
  assert.equal(quietHoursEnd(nights, at("2026-03-28T21:00:00Z")), at("2026-03-29T04:30:00Z"));
  // 02:30 does not exist that night: the period ends where the gap does (03:00 CEST).
  const gap: QuietHours = { start: "23:00", end: "02:30", timeZone: "Europe/Berlin" };
  assert.equal(quietHoursEnd(gap, at("2026-03-28T22:30:00Z")), at("2026-03-29T01:00:00Z"));
  assert.equal(quietHoursEnd(gap, at("2026-03-29T00:59:59Z")), at("2026-03-29T01:00:00Z"));
  assert.equal(quietHoursEnd(gap, at("2026-03-29T01:00:00Z")), undefined);
});

Deno.test("quietHoursEnd handles a daytime period", () => {
  const lunch: QuietHours = { start: "12:00", end: "13:00", timeZone: "America/New_York" };
  assert.equal(quietHoursEnd(lunch, at("2026-01-10T16:59:00Z")), undefined); // 11:59 EST
  assert.equal(quietHoursEnd(lunch, at("2026-01-10T17:00:00Z")), at("2026-01-10T18:00:00Z"));
  assert.equal(quietHoursEnd(lunch, at("2026-01-10T18:00:00Z")), undefined);
});

Deno.test("checkQuietHours rejects malformed times, empty periods, unknown zones and policies", () => {
  const bad: Array<[Partial<QuietHours>, RegExp]> = [
    [{ start: "7:00" }, /'start' must be HH:MM/],
    [{ end: "24:00" }, /'end' must be HH:MM/],
    [{ start: "06:30" }, /are both 06:30/],
    [{ timeZone: "Mars/Olympus" }, /'timeZone' must be an IANA time zone/],
    [{ policy: "mute" as "drop" }, /'policy' must be "summarize" or "drop"/],
  ];
  for (const [patch, message] of bad) {
    assert.throws(() => checkQuietHours("ops", { ...nights, ...patch }), message);
  }
  checkQuietHours("ops", nights);
});
