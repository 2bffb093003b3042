import assert from "node:assert/strict";
import { AGGREGATES, type RangeQuery } from "../time_series_store.ts";
import { fieldKeysFlux, latestFlux, machinesFlux, rangeFlux } from "./flux_query.ts";

const base: RangeQuery = {
  factory: "plant1",
  machine: "press-07",
  metrics: ["oil_temp"],
  from: Date.parse("2026-11-23T10:00:00Z"),
  to: Date.parse("2026-11-23T11:00:00Z"),
};

Deno.test("rangeFlux asks for raw points of the named metrics, the end included", () => {
  assert.equal(
    rangeFlux("telemetry", { ...base, metrics: ["oil_temp", "pressure"], limit: 500 }),
    `from(bucket: "telemetry")
  |> range(start: 2026-11-23T10:00:00.000Z, stop: 2026-11-23T11:00:00.001Z)
  |> filter(fn: (r) => r._measurement == "telemetry" and r.factory == "plant1" and r.machine == "press-07")
  |> filter(fn: (r) => r._field == "oil_temp" or r._field == "pressure")
  |> keep(columns: ["_time", "_value", "_field"])
  |> limit(n: 500)
`,
  );
});

Deno.test("rangeFlux with every and agg=mean yields the aggregate and the min/max envelope", () => {
  assert.equal(
    rangeFlux("telemetry", { ...base, every: 60_000, agg: "mean" }),
    `data = from(bucket: "telemetry")
  |> range(start: 2026-11-23T10:00:00.000Z, stop: 2026-11-23T11:00:00.001Z)
  |> filter(fn: (r) => r._measurement == "telemetry" and r.factory == "plant1" and r.machine == "press-07")
  |> filter(fn: (r) => r._field == "oil_temp")

data
  |> aggregateWindow(every: 60000ms, fn: mean, timeSrc: "_start", createEmpty: false)
  |> keep(columns: ["_time", "_value", "_field"])
  |> yield(name: "agg")

data
  |> aggregateWindow(every: 60000ms, fn: min, timeSrc: "_start", createEmpty: false)
  |> keep(columns: ["_time", "_value", "_field"])
  |> yield(name: "min")

data
  |> aggregateWindow(every: 60000ms, fn: max, timeSrc: "_start", createEmpty: false)
  |> keep(columns: ["_time", "_value", "_field"])
  |> yield(name: "max")
`,
  );
});

for (const agg of AGGREGATES) {
  for (const every of [1_000, 60_000, 3_600_000, 86_400_000]) {
    Deno.test(`rangeFlux agg=${agg} every=${every} windows with fn ${agg} and yields the envelope`, () => {
      const flux = rangeFlux("b", { ...base, every, agg, limit: 1_000 });
      const windows = [...flux.matchAll(/aggregateWindow\(every: (\d+)ms, fn: (\w+),/g)];
      assert.ok(windows.every((w) => Number(w[1]) === every), flux);
      const fns = windows.map((w) => w[2]);
      const yields = [...flux.matchAll(/yield\(name: "(\w+)"\)/g)].map((m) => m[1]);
      if (agg === "min" || agg === "max") {
        // The aggregate is one of the envelope's own results: asked once.
        assert.deepEqual(fns, ["min", "max"]);
        assert.deepEqual(yields, ["min", "max"]);
      } else {
        assert.deepEqual(fns, [agg, "min", "max"]);
        assert.deepEqual(yields, ["agg", "min", "max"]);
      }
      assert.equal([...flux.matchAll(/\|> limit\(n: 1000\)/g)].length, fns.length);
      assert.ok(flux.includes('timeSrc: "_start", createEmpty: false'));
    });
  }
}

Deno.test("rangeFlux defaults agg to mean", () => {
  assert.match(rangeFlux("b", { ...base, every: 5_000 }), /fn: mean,/);
});

Deno.test("Flux text escapes quotes, backslashes, interpolation and line breaks in strings", () => {
  const flux = rangeFlux('my "bucket"\\${x}', {
    ...base,
    metrics: ['a"b', "c\\d", "e${f}", "g\nh"],
  });
  assert.ok(flux.startsWith('from(bucket: "my \\"bucket\\"\\\\\\${x}")'), flux);
  assert.ok(
    flux.includes(
      'r._field == "a\\"b" or r._field == "c\\\\d" or r._field == "e\\${f}" or r._field == "g\\nh"',
    ),
    flux,
  );
  const injected = latestFlux("b", 'x") |> drop(columns: ["_value"]) //', "m");
  assert.ok(
    injected.includes('r.factory == "x\\") |> drop(columns: [\\"_value\\"]) //"'),
    injected,
  );
  assert.equal(injected.split("\n").length, latestFlux("b", "f", "m").split("\n").length);
});

Deno.test("rangeFlux keeps times inside what Flux can hold and refuses what it cannot ask", () => {
  assert.match(
    rangeFlux("b", { ...base, from: -1e15, to: 1e15 }),
    /range\(start: 1677-09-21T00:12:43\.146Z, stop: 2262-04-11T23:47:16\.854Z\)/,
  );
  assert.throws(() => rangeFlux("b", { ...base, metrics: [] }), /at least one metric/);
  assert.throws(
    () => rangeFlux("b", { ...base, every: 1.5 }),
    /'every' must be a positive integer: current value is 1.5/,
  );
  assert.throws(
    () => rangeFlux("b", { ...base, limit: 0 }),
    /'limit' must be a positive integer: current value is 0/,
  );
  assert.throws(() => rangeFlux("b", { ...base, to: NaN }), /time must be finite/);
});

Deno.test("latestFlux asks for last() of every metric of the machine over all time", () => {
  assert.equal(
    latestFlux("telemetry", "plant1", "press-07"),
    `from(bucket: "telemetry")
  |> range(start: 1970-01-01T00:00:00.000Z, stop: 2200-01-01T00:00:00.000Z)
  |> filter(fn: (r) => r._measurement == "telemetry" and r.factory == "plant1" and r.machine == "press-07")
  |> last()
  |> keep(columns: ["_time", "_value", "_field"])
`,
  );
});

Deno.test("fieldKeysFlux and machinesFlux use the schema package", () => {
  assert.equal(
    fieldKeysFlux("telemetry", "plant1", "press-07"),
    `import "influxdata/influxdb/schema"

schema.fieldKeys(
  bucket: "telemetry",
  predicate: (r) => r._measurement == "telemetry" and r.factory == "plant1" and r.machine == "press-07",
  start: 1970-01-01T00:00:00.000Z,
)
`,
  );
  assert.equal(
    machinesFlux("telemetry", "plant1"),
    `import "influxdata/influxdb/schema"

schema.tagValues(
  bucket: "telemetry",
  tag: "machine",
  predicate: (r) => r._measurement == "telemetry" and r.factory == "plant1",
  start: 1970-01-01T00:00:00.000Z,
)
`,
  );
});
