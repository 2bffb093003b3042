import assert from "node:assert/strict";
import { isWithinSchedule, localTimeAt, type RuleSchedule } from "./schedule.ts";

const workdays: RuleSchedule = {
  weekdays: ["mon", "tue", "wed", "thu", "fri"],
  hours: [{ from: "08:00", to: "18:00" }],
};
const everyDay: RuleSchedule = { hours: [{ from: "08:00", to: "18:00" }] };
const BERLIN = "Europe/Berlin";

// Berlin moves to CEST (UTC+2) on Sunday 2026-03-29 and back to CET (UTC+1)
// on Sunday 2026-10-25, so 08:00 local is 07:00 UTC before and 06:00 UTC after.
const dstCases: Array<[string, RuleSchedule, string, boolean]> = [
  ["Fri before spring, 07:59 CET", workdays, "2026-03-27T06:59:00Z", false],
  ["Fri before spring, 08:00 CET", workdays, "2026-03-27T07:00:00Z", true],
  ["Fri before spring, 17:59 CET", workdays, "2026-03-27T16:59:00Z", true],
  ["Fri before spring, 18:00 CET", workdays, "2026-03-27T17:00:00Z", false],
  ["Sun of the change, 08:00 CEST, weekdays only", workdays, "2026-03-29T06:00:00Z", false],
  ["Sun of the change, 07:59 CEST, every day", everyDay, "2026-03-29T05:59:00Z", false],
  ["Sun of the change, 08:00 CEST, every day", everyDay, "2026-03-29T06:00:00Z", true],
  ["Sun of the change, 17:59 CEST, every day", everyDay, "2026-03-29T15:59:00Z", true],
  ["Sun of the change, 18:00 CEST, every day", everyDay, "2026-03-29T16:00:00Z", false],
  ["Mon after spring, 07:59 CEST", workdays, "2026-03-30T05:59:00Z", false],
  ["Mon after spring, 08:00 CEST", workdays, "2026-03-30T06:00:00Z", true],
  ["Mon after spring, 18:00 CEST", workdays, "2026-03-30T16:00:00Z", false],
  ["Fri before autumn, 08:00 CEST", workdays, "2026-10-23T06:00:00Z", true],
  ["Fri before autumn, 18:00 CEST", workdays, "2026-10-23T16:00:00Z", false],
  ["Sun of the change, 07:59 CET, every day", everyDay, "2026-10-25T06:59:00Z", false],
  ["Sun of the change, 08:00 CET, every day", everyDay, "2026-10-25T07:00:00Z", true],
  ["Mon after autumn, 07:00 CET", workdays, "2026-10-26T06:00:00Z", false],
  ["Mon after autumn, 08:00 CET", workdays, "2026-10-26T07:00:00Z", true],
  ["Mon after autumn, 17:59 CET", workdays, "2026-10-26T16:59:00Z", true],
  ["Mon after autumn, 18:00 CET", workdays, "2026-10-26T17:00:00Z", false],
  ["Sat, weekdays only", workdays, "2026-10-24T10:00:00Z", false],
];

for (const [name, schedule, iso, active] of dstCases) {
  Deno.test(`isWithinSchedule across DST in Berlin: ${name}`, () => {
    assert.equal(isWithinSchedule(schedule, Date.parse(iso), BERLIN), active);
  });
}

Deno.test("isWithinSchedule judges local dates in the zone, both ends inclusive", () => {
  const holidays: RuleSchedule = { dates: [{ from: "2026-12-24", to: "2026-12-26" }] };
  const table: Array<[string, boolean]> = [
    ["2026-12-23T22:59:00Z", false], // 23:59 on the 23rd in Berlin
    ["2026-12-23T23:00:00Z", true], // 00:00 on the 24th in Berlin
    ["2026-12-26T22:59:00Z", true],
    ["2026-12-26T23:00:00Z", false],
  ];
  for (const [iso, active] of table) {
    assert.equal(isWithinSchedule(holidays, Date.parse(iso), BERLIN), active, iso);
  }
});

Deno.test("isWithinSchedule spans midnight when hours end before they start", () => {
  const nights: RuleSchedule = { hours: [{ from: "22:00", to: "06:00" }] };
  const table: Array<[string, boolean]> = [
    ["2026-06-01T21:59:00Z", false],
    ["2026-06-01T22:00:00Z", true],
    ["2026-06-02T03:00:00Z", true],
    ["2026-06-02T05:59:00Z", true],
    ["2026-06-02T06:00:00Z", false],
  ];
  for (const [iso, active] of table) {
    assert.equal(isWithinSchedule(nights, Date.parse(iso)), active, iso);
  }
});

Deno.test("isWithinSchedule prefers the schedule's own time zone over the factory's", () => {
  const tokyo: RuleSchedule = { ...everyDay, timeZone: "Asia/Tokyo" };
  // 00:30 UTC is 09:30 in Tokyo and 02:30 in Berlin (CEST).
  assert.equal(isWithinSchedule(tokyo, Date.parse("2026-06-01T00:30:00Z"), BERLIN), true);
  assert.equal(isWithinSchedule(everyDay, Date.parse("2026-06-01T00:30:00Z"), BERLIN), false);
});

Deno.test("localTimeAt reads wall-clock time on both sides of a change", () => {
  assert.deepEqual(localTimeAt(Date.parse("2026-03-29T00:59:00Z"), BERLIN), {
    weekday: 6,
    minuteOfDay: 1 * 60 + 59,
    date: 20260329,
  });
  assert.deepEqual(localTimeAt(Date.parse("2026-03-29T01:00:00Z"), BERLIN), {
    weekday: 6,
    minuteOfDay: 3 * 60,
    date: 20260329,
  });
});
