import assert from "node:assert/strict";
import { parseRetryAfter } from "./_retry_after.ts";

Deno.test("parseRetryAfter reads delay-seconds", () => {
  assert.equal(parseRetryAfter("120", 0), 120_000);
  assert.equal(parseRetryAfter(" 0 ", 0), 0);
});

Deno.test("parseRetryAfter reads an HTTP date relative to now", () => {
  const now = Date.parse("2026-05-04T10:00:00Z");
  assert.equal(parseRetryAfter("Mon, 04 May 2026 10:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Mon, 04 May 2026 09:00:00 GMT", now), 0);
});

Deno.test("parseRetryAfter ignores absent or unreadable values", () => {
  assert.equal(parseRetryAfter(null, 0), undefined);
  assert.equal(parseRetryAfter("soon", 0), undefined);
  assert.equal(parseRetryAfter("-5", 0), undefined);
});
