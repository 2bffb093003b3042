import assert from "node:assert/strict";
import { formatUtc, formatWhen, isSet } from "./identity_format.ts";

Deno.test("formatWhen says never for null and reads ms and ISO alike", () => {
  assert.equal(formatWhen(null), "never");
  assert.equal(formatWhen(undefined, "—"), "—");
  const ms = Date.UTC(2026, 10, 23, 20, 31, 5);
  assert.equal(formatWhen(ms), formatWhen(new Date(ms).toISOString()));
  assert.match(formatWhen(ms), /^2026-11-2[34] \d\d:31:05$/);
  assert.equal(formatWhen("soon"), "soon");
});

Deno.test("formatUtc renders server-side times in UTC", () => {
  assert.equal(formatUtc(0), "1970-01-01 00:00:00 UTC");
  assert.equal(formatUtc("2026-11-23T20:31:05.123Z"), "2026-11-23 20:31:05 UTC");
  assert.equal(formatUtc(null), "—");
});

Deno.test("isSet tells a time from null", () => {
  assert.equal(isSet(null), false);
  assert.equal(isSet(""), false);
  assert.equal(isSet(0), true);
  assert.equal(isSet("2026-01-01"), true);
});
