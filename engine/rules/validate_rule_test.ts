import assert from "node:assert/strict";
import { validateRule } from "./validate_rule.ts";

const valid = {
  id: "press-vibration",
  name: "Press vibration",
  version: 3,
  enabled: true,
  scope: { factory: "plant-1", machineTypes: ["press"], machines: ["mill-07"] },
  condition: {
    all: [
      { kind: "metric", metric: "vibration", op: ">", value: 7.1, clearValue: 6.5 },
      {
        any: [
          { kind: "rate", metric: "temp", windowMs: 300_000, op: ">", value: 2 },
          { kind: "anomaly", metric: "vibration" },
          { kind: "anomaly_score", metric: "vibration", value: 4 },
          { kind: "forecast_crosses", metric: "temp", op: ">=", value: 90, withinMs: 1_800_000 },
          { kind: "metric", metric: "oil", op: "outside", value: [10, 20], clearValue: [11, 19] },
        ],
      },
      { not: { kind: "status", value: "stale" } },
      { not: { kind: "no_data", metric: "vibration", forMs: 60_000 } },
    ],
  },
  forMs: 120_000,
  severity: "high",
  cooldownMs: 600_000,
  schedule: {
    timeZone: "Europe/Berlin",
    weekdays: ["mon", "tue", "wed", "thu", "fri"],
    hours: [{ from: "08:00", to: "18:00" }, { from: "22:00", to: "24:00" }],
    dates: [{ from: "2026-01-01", to: "2026-12-31" }],
  },
  flapping: { transitions: 6, windowMs: 600_000 },
};

Deno.test("validateRule accepts a full rule and returns it unchanged", () => {
  const result = validateRule(structuredClone(valid));
  assert.ok(result.ok, JSON.stringify(!result.ok && result.errors));
  assert.deepEqual(result.rule, valid);
});

Deno.test("validateRule fills defaults", () => {
  const result = validateRule({
    id: "r",
    name: "R",
    version: 1,
    scope: { factory: "f" },
    condition: { kind: "status", value: "stale" },
    severity: "low",
  });
  assert.ok(result.ok);
  assert.deepEqual(
    [result.rule.enabled, result.rule.forMs, result.rule.cooldownMs, result.rule.flapping],
    [true, 0, 0, undefined],
  );
});

/** Sets `value` at a JSON pointer inside a copy of the valid rule (undefined deletes). */
function withValue(path: string, value: unknown): unknown {
  const copy = structuredClone(valid) as Record<string, unknown>;
  const keys = path.split("/").slice(1);
  let node = copy as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

const errorCases: Array<{ name: string; input: unknown; path: string; message: RegExp }> = [
  { name: "not an object", input: [], path: "", message: /must be a rule object: got \[\]/ },
  { name: "bad id", input: withValue("/id", "a b"), path: "/id", message: /got "a b"/ },
  { name: "missing name", input: withValue("/name", undefined), path: "/name", message: /missing/ },
  {
    name: "version 0",
    input: withValue("/version", 0),
    path: "/version",
    message: /integer from 1 .*got 0/,
  },
  {
    name: "string threshold deep in an any",
    input: withValue("/condition/all/1/any/0/value", "2"),
    path: "/condition/all/1/any/0/value",
    message: /must be a finite number: got "2"/,
  },
  {
    name: "unknown op",
    input: withValue("/condition/all/0/op", "=>"),
    path: "/condition/all/0/op",
    message: /must be one of >, >=, <, <=, between, outside: got "=>"/,
  },
  {
    name: "unknown kind",
    input: withValue("/condition/all/1/any/1/kind", "anomally"),
    path: "/condition/all/1/any/1/kind",
    message: /got "anomally"/,
  },
  {
    name: "misspelt field",
    input: withValue("/condition/all/0/clearvalue", 6),
    path: "/condition/all/0/clearvalue",
    message: /not a known field/,
  },
  {
    name: "clearValue on the wrong side",
    input: withValue("/condition/all/0/clearValue", 8),
    path: "/condition/all/0/clearValue",
    message: /must be ≤ value 7.1 for op '>' .*vibration < clearValue.*got 8/,
  },
  {
    name: "outside band clearValue wider than the band",
    input: withValue("/condition/all/1/any/4/clearValue", [9, 19]),
    path: "/condition/all/1/any/4/clearValue",
    message: /band inside value \[10, 20\].*got \[9, 19\]/,
  },
  {
    name: "band upside down",
    input: withValue("/condition/all/1/any/4/value", [20, 10]),
    path: "/condition/all/1/any/4/value",
    message: /low ≤ high: got \[20, 10\]/,
  },
  {
    name: "clearValue under not",
    input: withValue("/condition/all/2/not", {
      kind: "metric",
      metric: "temp",
      op: ">",
      value: 5,
      clearValue: 4,
    }),
    path: "/condition/all/2/not/clearValue",
    message: /not allowed under 'not'/,
  },
  {
    name: "clearValue beside an explicit clear",
    input: withValue("/clear", { kind: "metric", metric: "vibration", op: "<", value: 5 }),
    path: "/condition/all/0/clearValue",
    message: /explicit 'clear'/,
  },
  {
    name: "empty any",
    input: withValue("/condition/all/1/any", []),
    path: "/condition/all/1/any",
    message: /non-empty array/,
  },
  {
    name: "two heads in one node",
    input: withValue("/condition/all/2", { not: { kind: "anomaly" }, kind: "anomaly" }),
    path: "/condition/all/2",
    message: /exactly one of .*not, kind/,
  },
  {
    name: "rate window too short",
    input: withValue("/condition/all/1/any/0/windowMs", 10),
    path: "/condition/all/1/any/0/windowMs",
    message: /whole milliseconds from 1000 to 86400000 \(24 h\): got 10/,
  },
  {
    name: "unknown status",
    input: withValue("/condition/all/2/not/value", "broken"),
    path: "/condition/all/2/not/value",
    message: /normal, anomalous, stale, quarantined: got "broken"/,
  },
  {
    name: "negative for",
    input: withValue("/forMs", -1),
    path: "/forMs",
    message: /got -1/,
  },
  {
    name: "unknown severity",
    input: withValue("/severity", "urgent"),
    path: "/severity",
    message: /low, medium, high, critical: got "urgent"/,
  },
  {
    name: "unknown time zone",
    input: withValue("/schedule/timeZone", "Europe/Berln"),
    path: "/schedule/timeZone",
    message: /unknown "Europe\/Berln"/,
  },
  {
    name: "bad weekday",
    input: withValue("/schedule/weekdays/2", "wednesday"),
    path: "/schedule/weekdays/2",
    message: /got "wednesday"/,
  },
  {
    name: "bad hour",
    input: withValue("/schedule/hours/0/to", "25:00"),
    path: "/schedule/hours/0/to",
    message: /HH:MM.*got "25:00"/,
  },
  {
    name: "impossible date",
    input: withValue("/schedule/dates/0/to", "2026-02-30"),
    path: "/schedule/dates/0/to",
    message: /real calendar date: got "2026-02-30"/,
  },
  {
    name: "date range backwards",
    input: withValue("/schedule/dates/0", { from: "2026-03-01", to: "2026-02-01" }),
    path: "/schedule/dates/0",
    message: /end before it starts/,
  },
  {
    name: "flapping with one transition",
    input: withValue("/flapping/transitions", 1),
    path: "/flapping/transitions",
    message: /integer from 2 to 100: got 1/,
  },
  {
    name: "rule id a JavaScript object already has",
    input: withValue("/id", "constructor"),
    path: "/id",
    message: /reserve: got "constructor"/,
  },
  {
    name: "metric named __proto__",
    input: withValue("/condition/all/0/metric", "__proto__"),
    path: "/condition/all/0/metric",
    message: /reserve: got "__proto__"/,
  },
  {
    name: "scope without factory",
    input: withValue("/scope/factory", undefined),
    path: "/scope/factory",
    message: /missing/,
  },
];

for (const { name, input, path, message } of errorCases) {
  Deno.test(`validateRule points at the offending part: ${name}`, () => {
    const result = validateRule(input);
    assert.equal(result.ok, false);
    const errors = result.ok ? [] : result.errors;
    const error = errors.find((e) => e.path === path);
    assert.ok(error, `no error at ${path}: ${JSON.stringify(errors)}`);
    assert.match(error.message, message);
  });
}

Deno.test("validateRule reports every error, not just the first", () => {
  const input = withValue("/severity", "urgent") as Record<string, unknown>;
  input.forMs = "2m";
  const result = validateRule(input);
  assert.deepEqual(result.ok ? [] : result.errors.map((e) => e.path), ["/forMs", "/severity"]);
});

Deno.test("validateRule bounds the size of a condition", () => {
  let deep: unknown = { kind: "anomaly" };
  for (let i = 0; i < 20; i++) deep = { not: deep };
  const result = validateRule(withValue("/condition", deep));
  assert.ok(!result.ok && result.errors.some((e) => /nests too deep/.test(e.message)));
});
