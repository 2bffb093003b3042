import assert from "node:assert/strict";
import type { TelemetryPoint } from "../telemetry.ts";
import { type LineFieldValue, parseLine } from "./_line_parser.ts";
import { decodeLineProtocol, encodeLineProtocol } from "./line_protocol.ts";

const NOW = Date.UTC(2024, 4, 1, 12, 0, 0);
const NOW_NS = `${NOW}000000`;
const options = { receivedAt: NOW };

Deno.test("decodeLineProtocol reads tags, fields of every type and a nanosecond timestamp", () => {
  const text =
    `weather,factory=demo,machine=press-01,site=north f=1.5,e=-2.5e3,g=.5,h=7.,i=42i,n=-3i,u=7u,b1=t,b2=FALSE ${NOW_NS}`;
  const { points, rejections } = decodeLineProtocol(text, {}, options);
  assert.deepEqual(rejections, []);
  assert.deepEqual(points, [{
    factory: "demo",
    machine: "press-01",
    ts: NOW,
    metrics: { f: 1.5, e: -2500, g: 0.5, h: 7, i: 42, n: -3, u: 7, b1: 1, b2: 0 },
  }]);
});

Deno.test("decodeLineProtocol accepts every boolean spelling", () => {
  const spellings: Array<[string, number]> = [
    ["t", 1],
    ["T", 1],
    ["true", 1],
    ["True", 1],
    ["TRUE", 1],
    ["f", 0],
    ["F", 0],
    ["false", 0],
    ["False", 0],
    ["FALSE", 0],
  ];
  for (const [spelling, expected] of spellings) {
    const { points, rejections } = decodeLineProtocol(
      `m,factory=a,machine=b v=${spelling}`,
      {},
      options,
    );
    assert.deepEqual(rejections, [], spelling);
    assert.equal(points[0].metrics.v, expected, spelling);
  }
});

Deno.test("decodeLineProtocol converts timestamps by precision", () => {
  const table: Array<["ns" | "us" | "ms" | "s", string, number]> = [
    ["ns", "1714564800123456789", 1714564800123],
    ["us", "1714564800123456", 1714564800123],
    ["ms", "1714564800123", 1714564800123],
    ["s", "1714564800", 1714564800000],
  ];
  for (const [precision, digits, expected] of table) {
    const { points, rejections } = decodeLineProtocol(
      `m,factory=a,machine=b v=1 ${digits}`,
      {},
      { receivedAt: NOW, precision },
    );
    assert.deepEqual(rejections, [], precision);
    assert.equal(points[0].ts, expected, precision);
  }
});

Deno.test("decodeLineProtocol cuts 19-digit nanoseconds to exact whole milliseconds", () => {
  // As a double, 1714564800123999999 / 1e6 would round up to ...124.
  const { points } = decodeLineProtocol(
    `m,factory=a,machine=b v=1 1714564800123999999`,
    {},
    options,
  );
  assert.equal(points[0].ts, 1714564800123);
});

Deno.test("decodeLineProtocol uses the receive time without a timestamp, and defaults without tags", () => {
  const { points } = decodeLineProtocol(
    "m v=1\r\nm v=2 \n",
    { factory: "demo", machine: "m1" },
    options,
  );
  assert.deepEqual(points, [
    { factory: "demo", machine: "m1", ts: NOW, metrics: { v: 1 } },
    { factory: "demo", machine: "m1", ts: NOW, metrics: { v: 2 } },
  ]);
});

Deno.test("decodeLineProtocol skips blank lines and comments and numbers lines from 1", () => {
  const text = [
    "# a comment",
    "",
    "   ",
    "m,factory=a,machine=b v=1",
    "  # indented comment",
    "m,factory=a,machine=b v=oops",
  ].join("\n");
  const { points, rejections } = decodeLineProtocol(text, {}, options);
  assert.equal(points.length, 1);
  assert.equal(rejections.length, 1);
  assert.equal(rejections[0].index, 6);
  assert.match(rejections[0].message, /^line 6: field 'v' has value 'oops'/);
  assert.equal(rejections[0].raw, "m,factory=a,machine=b v=oops");
});

Deno.test("decodeLineProtocol resolves escapes in measurement, tag keys and values, and field keys", () => {
  const parsed = parseLine(
    'my\\ meas\\,ure=x,tag\\ key\\=1=va\\,l\\ ue\\=\\\\,plain=a\\b fi\\=eld\\ 1="s\\"t\\\\r,i n=g",n=1',
  );
  assert.deepEqual(parsed, {
    measurement: "my meas,ure=x",
    tags: [["tag key=1", "va,l ue=\\"], ["plain", "a\\b"]],
    fields: [["fi=eld 1", 's"t\\r,i n=g'], ["n", 1]],
    timestamp: undefined,
  });
});

Deno.test("decodeLineProtocol reports syntax and value errors per line", () => {
  const table: Array<
    [string, "bad_line" | "bad_value" | "non_finite" | "bad_id" | "bad_metric_name", RegExp]
  > = [
    ["cpu", "bad_line", /has no fields/],
    ["cpu ", "bad_line", /has no fields/],
    [",a=b v=1", "bad_line", /no measurement name/],
    ["cpu,host v=1", "bad_line", /tag 'host' has no '=value'/],
    ["cpu,host= v=1", "bad_line", /tag 'host' has an empty value/],
    ["cpu,=x v=1", "bad_line", /empty tag key/],
    ["cpu,a=b=c v=1", "bad_line", /unescaped '='/],
    ["cpu v", "bad_line", /field 'v' has no '=value'/],
    ["cpu v=", "bad_line", /field 'v' has an empty value/],
    ["cpu v=1,", "bad_line", /field key is empty/],
    ['cpu v="open', "bad_line", /no closing '"'/],
    ['cpu v="a"x', "bad_line", /unexpected 'x' after string field 'v'/],
    ["cpu v=1 12x", "bad_line", /timestamp '12x' is not an integer/],
    ["cpu v=1 123 456", "bad_line", /unexpected text after the timestamp/],
    ["cpu v=1.2.3", "bad_value", /field 'v' has value '1.2.3'/],
    ["cpu v=1.5i", "bad_value", /value '1.5i'/],
    ["cpu v=-1u", "bad_value", /value '-1u'/],
    ["cpu v=yes", "bad_value", /value 'yes'/],
    ["cpu v=9223372036854775808i", "bad_value", /out of range for a signed 64-bit integer/],
    ["cpu v=18446744073709551616u", "bad_value", /out of range for an unsigned 64-bit integer/],
    ['cpu v="text"', "bad_value", /field 'v' is a string \("text"\)/],
    ["cpu v=1e999", "non_finite", /field 'v' is not finite: Infinity/],
    ["cpu,machine=a\\ b v=1", "bad_id", /machine id 'a b' must match/],
    ["cpu,factory=x! v=1", "bad_id", /factory id 'x!' must match/],
    ["cpu bad\\ name=1", "bad_metric_name", /field name 'bad name'/],
  ];
  const text = table.map(([line]) => line).join("\n");
  const { points, rejections } = decodeLineProtocol(
    text,
    { factory: "demo", machine: "m" },
    options,
  );
  assert.deepEqual(points, []);
  assert.equal(rejections.length, table.length);
  table.forEach(([line, reason, message], i) => {
    const r = rejections[i];
    assert.equal(r.index, i + 1, line);
    assert.equal(r.reason, reason, `${line}: ${r.message}`);
    assert.match(r.message, message, line);
    assert.equal(r.raw, line);
  });
});

Deno.test("decodeLineProtocol rejects a line that names no machine", () => {
  const { rejections } = decodeLineProtocol("cpu,factory=x v=1", {}, options);
  assert.equal(rejections[0].reason, "bad_id");
  assert.match(rejections[0].message, /^line 1: the line names no machine: add a 'machine' tag/);
  assert.equal(rejections[0].factory, "x");
});

Deno.test("decodeLineProtocol accepts the extreme 64-bit integers", () => {
  const { points, rejections } = decodeLineProtocol(
    "cpu a=9223372036854775807i,b=-9223372036854775808i,c=18446744073709551615u",
    { factory: "f", machine: "m" },
    options,
  );
  assert.deepEqual(rejections, []);
  assert.deepEqual(points[0].metrics, { a: 2 ** 63, b: -(2 ** 63), c: 2 ** 64 });
});

Deno.test("decodeLineProtocol rejects a whole line for one string field, naming how many others were bad", () => {
  const { points, rejections } = decodeLineProtocol(
    'cpu a=1,s="x",t="y",b=2',
    { factory: "f", machine: "m" },
    options,
  );
  assert.deepEqual(points, []);
  assert.match(rejections[0].message, /field 's' is a string.*\(and 1 more bad field\)/);
});

Deno.test("decodeLineProtocol checks timestamps against precision and the future limit", () => {
  const ref = { factory: "f", machine: "m" };
  const seconds = decodeLineProtocol("cpu v=1 1714564800", ref, options);
  assert.equal(seconds.rejections[0].reason, "bad_timestamp");
  assert.match(seconds.rejections[0].message, /read with precision 'ns'/);
  const nsAsSeconds = decodeLineProtocol(`cpu v=1 ${NOW_NS}`, ref, { ...options, precision: "s" });
  assert.equal(nsAsSeconds.rejections[0].reason, "future_timestamp");
  assert.match(nsAsSeconds.rejections[0].message, /precision 's'/);
  const future = decodeLineProtocol(`cpu v=1 ${NOW + 600_000}`, ref, {
    ...options,
    precision: "ms",
  });
  assert.equal(future.rejections[0].reason, "future_timestamp");
});

Deno.test("decodeLineProtocol rejects a payload over maxBytes as a whole", () => {
  const text = "cpu,factory=a,machine=b v=1\n".repeat(10);
  const { points, rejections } = decodeLineProtocol(text, {}, { ...options, maxBytes: 100 });
  assert.deepEqual(points, []);
  assert.equal(rejections.length, 1);
  assert.equal(rejections[0].reason, "payload_too_large");
});

Deno.test("decodeLineProtocol refuses an unknown precision", () => {
  assert.throws(
    () =>
      decodeLineProtocol("", {}, {
        ...options,
        precision: "h" as "s",
      }),
    (e: unknown) => e instanceof RangeError && /'precision'.*current value is h/.test(e.message),
  );
});

Deno.test("encodeLineProtocol writes floats, escaped names and nanoseconds", () => {
  const point: TelemetryPoint = {
    factory: "demo",
    machine: "press-01",
    ts: 1714564800000,
    metrics: { oil_temp: 48.2, strokes: 12, tiny: 5e-7, huge: 1e21, neg: -0 },
  };
  assert.equal(
    encodeLineProtocol(point),
    "telemetry,factory=demo,machine=press-01 oil_temp=48.2,strokes=12,tiny=5e-7,huge=1e+21,neg=-0 1714564800000000000",
  );
});

Deno.test("encodeLineProtocol output decodes to the same point", () => {
  const points: TelemetryPoint[] = [
    {
      factory: "demo",
      machine: "press-01",
      ts: NOW,
      metrics: { a: 1, b: -2.5, c: 1e-300, d: 1.7976931348623157e308, e: 0.1 + 0.2, "x.y-z_": 3 },
    },
    { factory: "F.1", machine: "m_2", ts: NOW + 1, metrics: { neg: -0 } },
  ];
  const proto: Record<string, number> = {};
  Object.defineProperty(proto, "__proto__", {
    value: 9,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  points.push({ factory: "f", machine: "m", ts: NOW, metrics: proto });
  for (const point of points) {
    const line = encodeLineProtocol(point, "m e,a=s\\ure");
    const { points: decoded, rejections } = decodeLineProtocol(line, {}, options);
    assert.deepEqual(rejections, [], line);
    assert.deepEqual(decoded, [point], line);
  }
});

Deno.test("encodeLineProtocol escapes commas, spaces, equals, quotes, backslashes and unicode in names", () => {
  const names = [
    "a,b",
    "a b",
    "a=b",
    'say "hi"',
    "back\\slash",
    "ends\\",
    "\\,\\ \\=",
    "ünïcødé 🚀",
    "'single'",
    "#hash",
  ];
  for (const name of names) {
    const line = encodeLineProtocol(
      { factory: name, machine: `${name}!`, ts: NOW, metrics: { [name]: 1 } },
      `meas ${name}`,
    );
    const parsed = parseLine(line);
    const expected: {
      measurement: string;
      tags: Array<[string, string]>;
      fields: Array<[string, LineFieldValue]>;
      timestamp: string;
    } = {
      measurement: `meas ${name}`,
      tags: [["factory", name], ["machine", `${name}!`]],
      fields: [[name, 1]],
      timestamp: NOW_NS,
    };
    assert.deepEqual(parsed, expected, `${name} → ${line}`);
  }
});

Deno.test("encodeLineProtocol refuses what line protocol cannot carry", () => {
  const point = { factory: "f", machine: "m", ts: NOW, metrics: { v: 1 } };
  const table: Array<[() => string, RegExp]> = [
    [() => encodeLineProtocol({ ...point, metrics: {} }), /has no metrics/],
    [() => encodeLineProtocol({ ...point, metrics: { v: NaN } }), /metric 'v' is not finite: NaN/],
    [() => encodeLineProtocol({ ...point, ts: Infinity }), /'ts' must be finite/],
    [
      () => encodeLineProtocol({ ...point, machine: "a\nb" }),
      /machine must be non-empty and hold no line break/,
    ],
    [
      () => encodeLineProtocol(point, "#comment"),
      /'measurement' must be non-empty and not start with '#'/,
    ],
  ];
  for (const [encode, message] of table) {
    assert.throws(
      encode,
      (e: unknown) => e instanceof RangeError && message.test(e.message),
      String(message),
    );
  }
});
