import assert from "node:assert/strict";
import type { DeadLetterRecord } from "../engine/ingest/mod.ts";
import type { SeriesPoint } from "../engine/telemetry.ts";
import { CsvHeaderError } from "./csv_telemetry.ts";
import { importTelemetry, type TelemetryImportOptions } from "./telemetry_import.ts";

const NOW = Date.UTC(2026, 10, 23, 12);
const T0 = NOW - 86_400_000;
const encoder = new TextEncoder();

async function* chunksOf(text: string, size = 7): AsyncIterable<Uint8Array> {
  const bytes = encoder.encode(text);
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

function collector() {
  const written: SeriesPoint[] = [];
  const deadLetters: DeadLetterRecord[] = [];
  const options: Pick<TelemetryImportOptions, "write" | "deadLetter" | "receivedAt"> = {
    receivedAt: NOW,
    write: (points) => {
      written.push(...points);
      return Promise.resolve();
    },
    deadLetter: { append: (r) => deadLetters.push(r), flush: () => Promise.resolve() },
  };
  return { written, deadLetters, options };
}

Deno.test("importTelemetry imports line protocol for the machines its tags name", async () => {
  const { written, deadLetters, options } = collector();
  const text = [
    "# exported from the old historian",
    `telemetry,factory=plant1,machine=press-07 oil_temp=48.2,running=t ${T0}`,
    `telemetry,machine=press-08 oil_temp=49i ${T0 + 1000}`,
    `telemetry oil_temp=50 ${T0 + 2000}`,
    "not line protocol",
    `telemetry,factory=plant1,machine=press-07 oil_temp="hot" ${T0 + 3000}`,
    "",
  ].join("\n");
  const summary = await importTelemetry(chunksOf(text), {
    ...options,
    format: "lp",
    precision: "ms",
    factory: "plant1",
    machine: "press-09",
  });
  assert.deepEqual(written, [
    { factory: "plant1", machine: "press-07", metric: "oil_temp", ts: T0, value: 48.2 },
    { factory: "plant1", machine: "press-07", metric: "running", ts: T0, value: 1 },
    { factory: "plant1", machine: "press-08", metric: "oil_temp", ts: T0 + 1000, value: 49 },
    { factory: "plant1", machine: "press-09", metric: "oil_temp", ts: T0 + 2000, value: 50 },
  ]);
  assert.equal(summary.linesRead, 6);
  assert.equal(summary.linesImported, 3);
  assert.equal(summary.linesRejected, 2);
  assert.equal(summary.linesSkipped, 1);
  assert.equal(summary.valuesImported, 4);
  assert.deepEqual(summary.rejectedByReason, { bad_line: 1, bad_value: 1 });
  assert.deepEqual(summary.examples.map((r) => r.index), [5, 6]);
  assert.deepEqual(
    summary.machines.map((m) => [m.machine, m.metrics, m.values]),
    [["press-07", ["oil_temp", "running"], 2], ["press-08", ["oil_temp"], 1], [
      "press-09",
      ["oil_temp"],
      1,
    ]],
  );
  assert.deepEqual(deadLetters.map((r) => [r.source, r.reason, r.raw]), [
    ["import", "bad_line", "not line protocol"],
    [
      "import",
      "bad_value",
      `telemetry,factory=plant1,machine=press-07 oil_temp="hot" ${T0 + 3000}`,
    ],
  ]);
});

Deno.test("importTelemetry numbers rejected lines as in the file across chunks", async () => {
  const { options } = collector();
  // Over 2 MiB, so the lines reach the decoder in several blocks.
  const lines = Array.from(
    { length: 60_000 },
    (_, i) => i % 10_000 === 9_999 ? "garbage" : `m,factory=f,machine=m v=${i} ${T0 + i}`,
  );
  const summary = await importTelemetry(chunksOf(lines.join("\n"), 65_536), {
    ...options,
    format: "lp",
    precision: "ms",
    examples: 10,
  });
  assert.equal(summary.linesRejected, 6);
  assert.deepEqual(
    summary.examples.map((r) => r.index),
    [10_000, 20_000, 30_000, 40_000, 50_000, 60_000],
  );
  assert.deepEqual(
    summary.examples.map((r) => r.message.split(":")[0]),
    ["line 10000", "line 20000", "line 30000", "line 40000", "line 50000", "line 60000"],
  );
  assert.equal(summary.valuesImported, 59_994);
});

Deno.test("importTelemetry imports long and wide CSV through the JSON decoder", async () => {
  const long = collector();
  const a = await importTelemetry(
    chunksOf(`timestamp,metric,value\n${T0},temp,21.5\n${T0},temp,warm\n`),
    { ...long.options, format: "csv", factory: "f", machine: "m" },
  );
  assert.equal(a.layout, "long");
  assert.deepEqual(long.written, [{
    factory: "f",
    machine: "m",
    metric: "temp",
    ts: T0,
    value: 21.5,
  }]);
  assert.deepEqual(long.deadLetters.map((r) => r.raw), [`${T0},temp,warm`]);

  const wide = collector();
  const b = await importTelemetry(
    chunksOf(`ts,temp,rpm\r\n${T0},21.5,1200\r\n${T0 + 1},,1210\r\n`),
    { ...wide.options, format: "csv", factory: "f", machine: "m" },
  );
  assert.equal(b.layout, "wide");
  assert.equal(b.valuesImported, 3);
  assert.equal(b.linesSkipped, 1);
  assert.deepEqual(wide.written.map((p) => [p.metric, p.ts, p.value]), [
    ["temp", T0, 21.5],
    ["rpm", T0, 1200],
    ["rpm", T0 + 1, 1210],
  ]);
});

Deno.test("importTelemetry stops at a CSV header it cannot use", async () => {
  const { options } = collector();
  await assert.rejects(
    importTelemetry(chunksOf("\n\ndate;temp\n1;2\n"), {
      ...options,
      format: "csv",
      factory: "f",
      machine: "m",
    }),
    (e) => e instanceof CsvHeaderError && /current value is 'date;temp'/.test(e.message),
  );
});

Deno.test("importTelemetry rejects an overlong line without holding it", async () => {
  const { written, options } = collector();
  async function* input() {
    yield encoder.encode(`m,factory=f,machine=m v=1 ${T0}\nm,factory=f,machine=m v=`);
    for (let i = 0; i < 64; i++) yield encoder.encode("9".repeat(65_536));
    yield encoder.encode(` ${T0}\nm,factory=f,machine=m v=3 ${T0 + 2}\n`);
  }
  const summary = await importTelemetry(input(), {
    ...options,
    format: "lp",
    precision: "ms",
    maxLineLength: 1_000_000,
  });
  assert.deepEqual(written.map((p) => p.value), [1, 3]);
  assert.deepEqual(summary.rejectedByReason, { payload_too_large: 1 });
  assert.equal(summary.examples[0].index, 2);
  assert.match(summary.examples[0].message, /line 2: the line is longer than 1000000 characters/);
});

Deno.test("importTelemetry reads ahead of the store by a bounded amount", async () => {
  // 30 MB of input produced lazily: the import may only ever hold a few MiB of it.
  const lines = 600_000;
  const line = (i: number) => `m,factory=f,machine=m${i % 3} value=${i % 1000} ${T0 + i}\n`;
  let produced = 0;
  async function* input(): AsyncIterable<Uint8Array> {
    const perChunk = 5_000;
    for (let i = 0; i < lines; i += perChunk) {
      let text = "";
      for (let k = i; k < i + perChunk; k++) text += line(k);
      produced += perChunk;
      yield encoder.encode(text);
    }
  }
  let written = 0;
  let largestBatch = 0;
  let mostAhead = 0;
  const summary = await importTelemetry(input(), {
    format: "lp",
    precision: "ms",
    receivedAt: NOW,
    batchSize: 10_000,
    write: (points) => {
      written += points.length;
      largestBatch = Math.max(largestBatch, points.length);
      mostAhead = Math.max(mostAhead, produced - written);
      return Promise.resolve();
    },
  });
  assert.equal(summary.valuesImported, lines);
  // A batch is cut once it reaches batchSize, so it holds at most one point more (one value here).
  assert.ok(largestBatch <= 10_000, `largest batch ${largestBatch}`);
  // Read-ahead: one ~1 MiB read chunk (~20k lines of ~50 bytes), one source chunk, one batch.
  assert.ok(mostAhead < 60_000, `lines read ahead of the store: ${mostAhead}`);
});
