import assert from "node:assert/strict";
import {
  CsvHeaderError,
  CsvTelemetryDecoder,
  readCsvHeader,
  splitCsvRow,
} from "./csv_telemetry.ts";

const REF = { factory: "plant1", machine: "press-07" };
const NOW = Date.UTC(2026, 10, 23, 12);

Deno.test("readCsvHeader tells long from wide", () => {
  assert.deepEqual(readCsvHeader("timestamp,metric,value"), { kind: "long" });
  assert.deepEqual(readCsvHeader("TS, Metric , VALUE"), { kind: "long" });
  assert.deepEqual(readCsvHeader("time,temp,rpm"), { kind: "wide", metrics: ["temp", "rpm"] });
  assert.deepEqual(readCsvHeader('timestamp,"oil_temp"'), { kind: "wide", metrics: ["oil_temp"] });
});

Deno.test("readCsvHeader says which column is wrong", () => {
  const cases: Array<[string, RegExp]> = [
    ["date,temp", /first column of the header must be 'timestamp'.*current value is 'date'/],
    ["timestamp", /names no metric columns/],
    ["timestamp,temp (°C)", /column 2 of the header is not a metric name.*'temp \(°C\)'/],
    ["timestamp,a,a", /metric 'a' is named by two columns/],
    ['timestamp,"a', /unterminated quoted cell/],
  ];
  for (const [header, message] of cases) {
    assert.throws(
      () => readCsvHeader(header),
      (e) => e instanceof CsvHeaderError && message.test(e.message),
      header,
    );
  }
});

Deno.test("splitCsvRow handles quotes, doubled quotes and commas inside quotes", () => {
  assert.deepEqual(splitCsvRow("a,b,,c"), ["a", "b", "", "c"]);
  assert.deepEqual(splitCsvRow('1,"a,b","say ""hi""", "x" '), ["1", "a,b", 'say "hi"', "x"]);
  assert.match(splitCsvRow('1,"a"b') as string, /text after the closing quote of column 2/);
  assert.match(splitCsvRow('1,a"b') as string, /stray quote in column 2/);
});

Deno.test("CsvTelemetryDecoder reads long rows with ISO-8601 and epoch-ms timestamps", () => {
  const decoder = new CsvTelemetryDecoder({ kind: "long" }, REF, NOW);
  const { points, rejections } = decoder.decode(
    ["2026-11-23T10:00:00Z,temp,21.5", "1795428010000,running,true", "", "1795428020000,rpm,.5e3"],
    2,
  );
  assert.deepEqual(rejections, []);
  assert.deepEqual(points, [
    { ...REF, ts: 1795428000000, metrics: { temp: 21.5 } },
    { ...REF, ts: 1795428010000, metrics: { running: 1 } },
    { ...REF, ts: 1795428020000, metrics: { rpm: 500 } },
  ]);
});

Deno.test("CsvTelemetryDecoder reads wide rows, an empty cell being no value", () => {
  const decoder = new CsvTelemetryDecoder({ kind: "wide", metrics: ["temp", "rpm"] }, REF, NOW);
  const { points, rejections } = decoder.decode(
    ["1795428000000,21.5,1200", "1795428010000,,1210"],
    2,
  );
  assert.deepEqual(rejections, []);
  assert.deepEqual(points, [
    { ...REF, ts: 1795428000000, metrics: { temp: 21.5, rpm: 1200 } },
    { ...REF, ts: 1795428010000, metrics: { rpm: 1210 } },
  ]);
});

Deno.test("CsvTelemetryDecoder rejects with the engine's reasons, numbered by file line", () => {
  const decoder = new CsvTelemetryDecoder({ kind: "long" }, REF, NOW);
  const lines = [
    "1795428000000,temp,21.5",
    "1795428000000,temp,hot",
    "1795428000000,bad name,1",
    "2026-02-30T00:00:00Z,temp,1",
    "1795428000,temp,1",
    "1795428000000,temp,1e999",
    "2030-01-01T00:00:00Z,temp,1",
    "1795428000000,temp",
    "1795428000000,temp,NaN",
  ];
  const { points, rejections } = decoder.decode(lines, 10);
  assert.equal(points.length, 1);
  assert.deepEqual(
    rejections.map((r) => [r.index, r.reason]),
    [
      [11, "bad_value"],
      [12, "bad_metric_name"],
      [13, "bad_timestamp"],
      [14, "bad_timestamp"],
      [15, "non_finite"],
      [16, "future_timestamp"],
      [17, "bad_line"],
      [18, "bad_value"],
    ],
  );
  assert.match(rejections[0].message, /^line 11: metric 'temp' must be a number or boolean/);
  assert.match(rejections[3].message, /^line 14: .*looks like epoch seconds/);
  assert.equal(rejections[0].raw, "1795428000000,temp,hot");
  assert.equal(rejections[0].machine, "press-07");
});
