import assert from "node:assert/strict";
import { parseDurationParam, parseTimeParam } from "./time_param.ts";

Deno.test("parseTimeParam reads epoch ms and ISO-8601 and falls back when absent", () => {
  assert.equal(parseTimeParam("from", "1700000000000", 0), 1_700_000_000_000);
  assert.equal(parseTimeParam("from", "2026-11-23T10:00:00Z", 0), Date.UTC(2026, 10, 23, 10));
  assert.equal(parseTimeParam("to", undefined, 42), 42);
});

Deno.test("parseTimeParam names the parameter and value it cannot read", () => {
  assert.throws(() => parseTimeParam("from", "yesterday", 0), /'from'.*'yesterday'/);
  assert.throws(() => parseTimeParam("to", "11/23/2026", 0), /'to'/);
});

Deno.test("parseDurationParam reads units and refuses nonsense", () => {
  assert.equal(parseDurationParam("every", "250"), 250);
  assert.equal(parseDurationParam("every", "10s"), 10_000);
  assert.equal(parseDurationParam("every", "5m"), 300_000);
  assert.equal(parseDurationParam("every", "1h"), 3_600_000);
  assert.equal(parseDurationParam("every", "1d"), 86_400_000);
  assert.throws(() => parseDurationParam("every", "0s"), /'every'.*'0s'/);
  assert.throws(() => parseDurationParam("every", "soon"), /'every'/);
});
