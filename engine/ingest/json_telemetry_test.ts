import assert from "node:assert/strict";
import { decodeJsonTelemetry } from "./json_telemetry.ts";
import type { RejectReason } from "./rejection.ts";

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0); // 2024-05-01T12:00:00Z
const topic = { factory: "demo", machine: "press-01" };
const options = { receivedAt: NOW };

Deno.test("decodeJsonTelemetry decodes a single point with ms timestamp and booleans as 1/0", () => {
  const body = JSON.stringify({
    ts: NOW - 1_000,
    metrics: { temp: 21.5, running: true, alarm: false },
  });
  const { points, rejections } = decodeJsonTelemetry(body, topic, options);
  assert.deepEqual(rejections, []);
  assert.deepEqual(points, [{
    factory: "demo",
    machine: "press-01",
    ts: NOW - 1_000,
    metrics: { temp: 21.5, running: 1, alarm: 0 },
  }]);
});

Deno.test("decodeJsonTelemetry takes the receive time when ts is missing", () => {
  const { points } = decodeJsonTelemetry('{"metrics":{"temp":1}}', topic, options);
  assert.equal(points[0].ts, NOW);
});

Deno.test("decodeJsonTelemetry reads bytes as UTF-8", () => {
  const bytes = new TextEncoder().encode('{"metrics":{"temp":-3.5e2}}');
  const { points } = decodeJsonTelemetry(bytes, topic, options);
  assert.deepEqual(points[0].metrics, { temp: -350 });
});

Deno.test("decodeJsonTelemetry parses ISO-8601 timestamps with a zone", () => {
  const table: Array<[string, number]> = [
    ["2024-05-01T11:59:00Z", NOW - 60_000],
    ["2024-05-01T11:59:00.250Z", NOW - 59_750],
    ["2024-05-01T13:59:00+02:00", NOW - 60_000],
    ["2024-05-01T06:29:00-0530", NOW - 60_000],
    ["2024-05-01 11:59Z", NOW - 60_000],
    ["2024-05-01t11:59:00.000999z", NOW - 60_000],
    ["2024-05-01T11:59:00.5+00:00", NOW - 59_500],
  ];
  for (const [ts, expected] of table) {
    const { points, rejections } = decodeJsonTelemetry(
      JSON.stringify({ ts, metrics: { a: 1 } }),
      topic,
      options,
    );
    assert.deepEqual(rejections, [], ts);
    assert.equal(points[0].ts, expected, ts);
  }
});

Deno.test("decodeJsonTelemetry keeps a metric named __proto__ as an own property", () => {
  const { points } = decodeJsonTelemetry('{"metrics":{"__proto__":7,"b":1}}', topic, options);
  assert.deepEqual(Object.keys(points[0].metrics), ["__proto__", "b"]);
  assert.equal(Object.getOwnPropertyDescriptor(points[0].metrics, "__proto__")?.value, 7);
  assert.equal(Object.getPrototypeOf(points[0].metrics), Object.prototype);
});

interface RejectionCase {
  readonly name: string;
  readonly body: string | Uint8Array;
  readonly reason: RejectReason;
  /** Pattern the message must match: it must say what and the value. */
  readonly message: RegExp;
  readonly defaults?: { factory?: string; machine?: string };
  readonly maxBytes?: number;
}

const CASES: readonly RejectionCase[] = [
  {
    name: "payload over maxBytes",
    body: JSON.stringify({ metrics: { a: 1 }, pad: "x".repeat(200) }),
    maxBytes: 100,
    reason: "payload_too_large",
    message: /at least 2\d\d bytes exceeds the limit of 100 bytes/,
  },
  {
    name: "bytes over maxBytes",
    body: new Uint8Array(101),
    maxBytes: 100,
    reason: "payload_too_large",
    message: /payload of 101 bytes exceeds the limit of 100 bytes/,
  },
  {
    name: "multi-byte text over maxBytes though shorter in characters",
    body: `{"metrics":{"a":1},"note":"${"é".repeat(60)}"}`,
    maxBytes: 100,
    reason: "payload_too_large",
    message: /exceeds the limit of 100 bytes/,
  },
  { name: "invalid JSON", body: '{"metrics":', reason: "bad_json", message: /not valid JSON/ },
  {
    name: "invalid UTF-8",
    body: new Uint8Array([0x7b, 0xff, 0x7d]),
    reason: "bad_json",
    message: /not valid UTF-8/,
  },
  { name: "an array", body: "[1,2]", reason: "bad_shape", message: /JSON object.*got an array/ },
  { name: "a number", body: "42", reason: "bad_shape", message: /got number 42/ },
  {
    name: "neither",
    body: '{"metric":{"a":1}}',
    reason: "bad_shape",
    message: /neither 'metrics'/,
  },
  {
    name: "both",
    body: '{"metrics":{"a":1},"points":[]}',
    reason: "bad_shape",
    message: /both 'metrics' and 'points'/,
  },
  {
    name: "points not an array",
    body: '{"points":{}}',
    reason: "bad_shape",
    message: /'points' must be an array/,
  },
  {
    name: "metrics not an object",
    body: '{"metrics":[1]}',
    reason: "bad_shape",
    message: /got an array/,
  },
  {
    name: "empty metrics",
    body: '{"metrics":{}}',
    reason: "bad_shape",
    message: /'metrics' is empty/,
  },
  {
    name: "point not an object",
    body: '{"points":[3]}',
    reason: "bad_shape",
    message: /got number 3/,
  },
  {
    name: "no machine",
    body: '{"metrics":{"a":1}}',
    defaults: { factory: "demo" },
    reason: "bad_id",
    message: /names no machine/,
  },
  {
    name: "bad machine id",
    body: '{"machine":"press 01","metrics":{"a":1}}',
    reason: "bad_id",
    message: /machine id string "press 01" must be a string matching/,
  },
  {
    name: "non-string factory id",
    body: '{"factory":7,"metrics":{"a":1}}',
    reason: "bad_id",
    message: /factory id number 7/,
  },
  {
    name: "bad metric name",
    body: '{"metrics":{"oil temp":1}}',
    reason: "bad_metric_name",
    message: /metric name 'oil temp' must match/,
  },
  {
    name: "string value",
    body: '{"metrics":{"temp":"21.5"}}',
    reason: "bad_value",
    message: /metric 'temp' must be a number or boolean: got string "21.5"/,
  },
  {
    name: "null value",
    body: '{"metrics":{"temp":null}}',
    reason: "bad_value",
    message: /got null/,
  },
  {
    name: "object value",
    body: '{"metrics":{"temp":{"v":1}}}',
    reason: "bad_value",
    message: /got an object/,
  },
  {
    name: "overflowing number",
    body: '{"metrics":{"temp":1e999}}',
    reason: "non_finite",
    message: /metric 'temp' is not finite: Infinity/,
  },
  {
    name: "overflowing negative number",
    body: '{"metrics":{"temp":-1e999}}',
    reason: "non_finite",
    message: /not finite: -Infinity/,
  },
  {
    name: "epoch seconds",
    body: '{"ts":1714564800,"metrics":{"a":1}}',
    reason: "bad_timestamp",
    message:
      /ts 1714564800 is not a plausible epoch-milliseconds time.*it looks like epoch seconds; send epoch milliseconds/,
  },
  {
    name: "negative ts",
    body: '{"ts":-5,"metrics":{"a":1}}',
    reason: "bad_timestamp",
    message: /ts -5/,
  },
  {
    name: "overflowing ts",
    body: '{"ts":1e999,"metrics":{"a":1}}',
    reason: "bad_timestamp",
    message: /Infinity/,
  },
  {
    name: "unparsable ts string",
    body: '{"ts":"yesterday","metrics":{"a":1}}',
    reason: "bad_timestamp",
    message: /ts 'yesterday' is not an ISO-8601/,
  },
  {
    name: "ISO ts without zone",
    body: '{"ts":"2024-05-01T12:00:00","metrics":{"a":1}}',
    reason: "bad_timestamp",
    message: /with a zone/,
  },
  {
    name: "ISO ts of a day that does not exist",
    body: '{"ts":"2024-02-30T12:00:00Z","metrics":{"a":1}}',
    reason: "bad_timestamp",
    message: /does not exist/,
  },
  {
    name: "boolean ts",
    body: '{"ts":true,"metrics":{"a":1}}',
    reason: "bad_timestamp",
    message: /got boolean true/,
  },
  {
    name: "ts in the future",
    body: `{"ts":${NOW + 300_001},"metrics":{"a":1}}`,
    reason: "future_timestamp",
    message:
      /300\.001 s ahead of the receive time; at most 300 s is allowed; check the device's clock/,
  },
  {
    name: "ts in microseconds",
    body: `{"ts":${NOW * 1000},"metrics":{"a":1}}`,
    reason: "future_timestamp",
    message: /it looks like epoch micro- or nanoseconds; send epoch milliseconds/,
  },
];

Deno.test("decodeJsonTelemetry rejects each kind of bad input with its reason and a message naming the value", () => {
  for (const c of CASES) {
    const { points, rejections } = decodeJsonTelemetry(c.body, c.defaults ?? topic, {
      receivedAt: NOW,
      maxBytes: c.maxBytes,
    });
    assert.deepEqual(points, [], c.name);
    assert.equal(rejections.length, 1, c.name);
    assert.equal(rejections[0].reason, c.reason, `${c.name}: ${rejections[0].message}`);
    assert.match(rejections[0].message, c.message, c.name);
    assert.ok(rejections[0].raw !== undefined && rejections[0].raw.length <= 200, c.name);
  }
});

Deno.test("decodeJsonTelemetry accepts a timestamp exactly at the future limit", () => {
  const body = `{"ts":${NOW + 300_000},"metrics":{"a":1}}`;
  assert.equal(decodeJsonTelemetry(body, topic, options).points.length, 1);
  const strict = decodeJsonTelemetry(body, topic, { receivedAt: NOW, maxFutureMs: 1_000 });
  assert.equal(strict.rejections[0].reason, "future_timestamp");
});

Deno.test("decodeJsonTelemetry rejects only the bad points of a batch", () => {
  const body = JSON.stringify({
    points: [
      { ts: NOW - 2_000, metrics: { temp: 20 } },
      { ts: NOW - 1_000, metrics: { temp: "hot" } },
      { ts: NOW, metrics: { temp: 22, "bad name": 1 } },
      { metrics: { temp: 23 } },
    ],
  });
  const { points, rejections } = decodeJsonTelemetry(body, topic, options);
  assert.deepEqual(points.map((p) => p.metrics.temp), [20, 23]);
  assert.deepEqual(
    rejections.map((r) => [r.index, r.reason, r.factory, r.machine]),
    [[1, "bad_value", "demo", "press-01"], [2, "bad_metric_name", "demo", "press-01"]],
  );
  assert.equal(rejections[0].raw, '{"ts":1714564799000,"metrics":{"temp":"hot"}}');
});

Deno.test("decodeJsonTelemetry rejects a whole point for one bad metric and counts the others", () => {
  const body = '{"metrics":{"a":1,"b":"x","c":1e999,"d":null,"e":2}}';
  const { points, rejections } = decodeJsonTelemetry(body, topic, options);
  assert.deepEqual(points, []);
  assert.equal(rejections[0].reason, "bad_value");
  assert.match(rejections[0].message, /metric 'b'.*\(and 2 more bad metrics in this point\)/);
  assert.equal(rejections[0].index, undefined);
  // A single point keeps its original text: re-serializing would turn 1e999 into null.
  assert.equal(rejections[0].raw, body);
});

Deno.test("decodeJsonTelemetry takes the machine from the point, then the payload, then the defaults", () => {
  const body = JSON.stringify({
    factory: "plant-b",
    points: [
      { machine: "m1", metrics: { a: 1 } },
      { factory: "plant-c", machine: "m2", metrics: { a: 2 } },
      { metrics: { a: 3 } },
    ],
  });
  const { points, rejections } = decodeJsonTelemetry(body, { machine: "fallback" }, options);
  assert.deepEqual(rejections, []);
  assert.deepEqual(points.map((p) => `${p.factory}/${p.machine}`), [
    "plant-b/m1",
    "plant-c/m2",
    "plant-b/fallback",
  ]);
});

Deno.test("decodeJsonTelemetry with rejectOtherMachines refuses points for another machine than the topic's", () => {
  const body = JSON.stringify({
    points: [
      { machine: "press-02", metrics: { a: 1 } },
      { machine: "press-01", metrics: { a: 2 } },
      { metrics: { a: 3 } },
    ],
  });
  const strict = decodeJsonTelemetry(body, topic, { ...options, rejectOtherMachines: true });
  assert.deepEqual(strict.points.map((p) => p.metrics.a), [2, 3]);
  assert.equal(strict.rejections.length, 1);
  assert.equal(strict.rejections[0].reason, "bad_id");
  assert.match(
    strict.rejections[0].message,
    /names machine 'press-02' but was published for machine 'press-01'/,
  );
  const lenient = decodeJsonTelemetry(body, topic, options);
  assert.equal(lenient.points.length, 3);
});

Deno.test("decodeJsonTelemetry gives an empty batch no points and no rejections", () => {
  assert.deepEqual(decodeJsonTelemetry('{"points":[]}', topic, options), {
    points: [],
    rejections: [],
  });
});

Deno.test("decodeJsonTelemetry names the topic's machine on a payload-wide rejection", () => {
  const { rejections } = decodeJsonTelemetry("not json", topic, options);
  assert.deepEqual(
    { ...rejections[0], message: "" },
    { reason: "bad_json", message: "", factory: "demo", machine: "press-01", raw: "not json" },
  );
});

Deno.test("decodeJsonTelemetry truncates the raw fragment to 200 characters", () => {
  const body = JSON.stringify({ metrics: { a: "x".repeat(1_000) } });
  const { rejections } = decodeJsonTelemetry(body, topic, options);
  assert.equal(rejections[0].raw?.length, 200);
  assert.ok(rejections[0].raw?.endsWith("…"));
});

Deno.test("decodeJsonTelemetry throws a RangeError for options that are a caller's bug", () => {
  assert.throws(
    () => decodeJsonTelemetry("{}", topic, { receivedAt: NaN }),
    (e: unknown) => e instanceof RangeError && /'receivedAt'.*current value is NaN/.test(e.message),
  );
  assert.throws(
    () => decodeJsonTelemetry("{}", topic, { receivedAt: NOW, maxBytes: 0 }),
    (e: unknown) =>
      e instanceof RangeError &&
      /'maxBytes' must be a positive integer: current value is 0/.test(e.message),
  );
  assert.throws(
    () => decodeJsonTelemetry("{}", topic, { receivedAt: NOW, maxFutureMs: -1 }),
    (e: unknown) => e instanceof RangeError && /'maxFutureMs'.*current value is -1/.test(e.message),
  );
});
