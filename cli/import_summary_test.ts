import assert from "node:assert/strict";
import { formatImportSummary } from "./import_summary.ts";
import type { ImportSummary } from "./telemetry_import.ts";

const SUMMARY: ImportSummary = {
  format: "csv",
  layout: "wide",
  bytesRead: 3 * 1024 * 1024,
  linesRead: 120_004,
  linesSkipped: 1,
  linesImported: 120_000,
  linesRejected: 3,
  valuesImported: 360_000,
  rejectedByReason: { bad_timestamp: 1, bad_value: 2 },
  examples: [
    { reason: "bad_value", message: "line 7: metric 'temp' must be a number", raw: "x,hot" },
  ],
  machines: [{
    factory: "plant1",
    machine: "press-07",
    metrics: ["temp", "rpm", "door"],
    values: 360_000,
    firstTs: Date.UTC(2026, 10, 1),
    lastTs: Date.UTC(2026, 10, 2),
  }],
};

Deno.test("formatImportSummary lists counts, reasons, examples, machines and rates", () => {
  const text = formatImportSummary(SUMMARY, {
    file: "press.csv",
    elapsedMs: 2_000,
    deadLetterPath: "data/dead-letter.jsonl",
    deadLettersDropped: 0,
    peakRssBytes: 90 * 1024 * 1024,
  });
  assert.equal(
    text,
    [
      "Imported press.csv (CSV, wide) in 2.0 s",
      "  bytes read        3.0 MiB",
      "  lines read        120,004 (60,002/s)",
      "  points imported   120,000 lines → 360,000 values (180,000/s)",
      "  lines skipped     1 (header, blank or # comment)",
      "  lines rejected    3",
      "    bad_value         2",
      "    bad_timestamp     1",
      "  first rejected lines:",
      "    line 7: metric 'temp' must be a number",
      "      | x,hot",
      "  dead letters      3 written to data/dead-letter.jsonl",
      "  machines          plant1/press-07 (3 metrics)",
      "  time range        2026-11-01T00:00:00.000Z → 2026-11-02T00:00:00.000Z",
      "  peak memory       90.0 MiB",
    ].join("\n"),
  );
});

Deno.test("formatImportSummary says when nothing was imported or dead letters were lost", () => {
  const text = formatImportSummary(
    { ...SUMMARY, format: "lp", layout: undefined, machines: [], linesImported: 0 },
    { file: "a.lp", elapsedMs: 10, deadLetterPath: "dl.jsonl", deadLettersDropped: 2 },
  );
  assert.match(text, /^Imported a\.lp \(line protocol\)/);
  assert.match(text, /dead letters\s+1 written to dl\.jsonl \(2 could not be written\)/);
  assert.match(text, /machines\s+none \(nothing was imported\)/);
  assert.doesNotMatch(text, /peak memory/);
});
