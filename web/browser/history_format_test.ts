import assert from "node:assert/strict";
import { describeResolution, formatDateTime, formatSpan } from "./history_format.ts";

Deno.test("formatDateTime shows day, month and time, and the year when it differs", () => {
  const ts = new Date(2026, 10, 23, 14, 5).getTime();
  assert.equal(formatDateTime(ts, 2026), "23 Nov 14:05");
  assert.equal(formatDateTime(ts, 2027), "23 Nov 2026 14:05");
});

Deno.test("formatSpan picks the largest fitting unit", () => {
  assert.equal(formatSpan(45_000), "45 s");
  assert.equal(formatSpan(600_000), "10 min");
  assert.equal(formatSpan(5_400_000), "1 h 30 min");
  assert.equal(formatSpan(86_400_000), "24 h");
  assert.equal(formatSpan(7 * 86_400_000), "7 d");
  assert.equal(formatSpan(2.5 * 86_400_000), "2.5 d");
});

Deno.test("describeResolution says what a chart point stands for", () => {
  assert.equal(describeResolution(null, null, false), "raw readings");
  assert.equal(describeResolution(600_000, "mean", true), "10 min buckets · mean, band min–max");
  assert.equal(describeResolution(3_600_000, "max", false), "1 h buckets · max");
});
