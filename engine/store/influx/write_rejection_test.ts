import assert from "node:assert/strict";
import { retryAfterMs } from "./retry_after.ts";
import { offendingLines } from "./write_rejection.ts";

const lines = [
  "telemetry,factory=f,machine=m a=1 1000000",
  "telemetry,factory=f,machine=m b=oops 1000000",
  "telemetry,factory=f,machine=m c=3 1000000",
  "telemetry,factory=f,machine=m d= 1000000",
];

Deno.test("offendingLines finds the lines InfluxDB 2 quotes in 'unable to parse'", () => {
  const message = `unable to parse '${lines[1]}': invalid boolean\n` +
    `unable to parse '${lines[3]}': missing field value`;
  assert.deepEqual(
    offendingLines(message, lines),
    new Map([[1, "invalid boolean"], [3, "missing field value"]]),
  );
});

Deno.test("offendingLines reads InfluxDB 3 line numbers (1-based) and the JSON 'line' field", () => {
  const message = "failed to parse line protocol: errors encountered on line(s):\n" +
    "error parsing line 2 (1-based): Invalid measurement was provided\n" +
    "error parsing line 4 (1-based): Unable to parse timestamp value '123'";
  assert.deepEqual(
    offendingLines(message, lines, 2),
    new Map([
      [1, "Invalid measurement was provided"],
      [3, "Unable to parse timestamp value '123'"],
    ]),
  );
  assert.deepEqual(
    offendingLines("something failed", lines, 3),
    new Map([[2, "something failed"]]),
  );
});

Deno.test("offendingLines names no line for answers that do not (so the writer bisects)", () => {
  for (
    const message of [
      'partial write: field type conflict: input field "a" on measurement "telemetry" is type string, already exists as type float dropped=1',
      "partial write: points beyond retention policy dropped=2",
      "unable to parse 'a line not in this batch': bad",
      "error parsing line 9 (1-based): out of range",
    ]
  ) {
    assert.deepEqual(offendingLines(message, lines), new Map(), message);
  }
});

Deno.test("offendingLines matches a repeated line once per mention", () => {
  const twice = [lines[1], lines[0], lines[1]];
  assert.deepEqual(
    [...offendingLines(`unable to parse '${lines[1]}': bad`, twice).keys()],
    [0],
  );
  assert.deepEqual(
    [
      ...offendingLines(
        `unable to parse '${lines[1]}': bad\nunable to parse '${lines[1]}': bad`,
        twice,
      ).keys(),
    ],
    [0, 2],
  );
});

Deno.test("retryAfterMs reads seconds and HTTP dates, and nothing else", () => {
  const now = Date.parse("2026-10-21T07:27:00Z");
  assert.equal(retryAfterMs("30", now), 30_000);
  assert.equal(retryAfterMs(" 0 ", now), 0);
  assert.equal(retryAfterMs("Wed, 21 Oct 2026 07:28:00 GMT", now), 60_000);
  assert.equal(retryAfterMs("Wed, 21 Oct 2026 07:00:00 GMT", now), 0);
  assert.equal(retryAfterMs(undefined, now), undefined);
  assert.equal(retryAfterMs(null, now), undefined);
  assert.equal(retryAfterMs("soon", now), undefined);
  assert.equal(retryAfterMs("-5", now), undefined);
  assert.equal(retryAfterMs("1.5", now), undefined);
});
