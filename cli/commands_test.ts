import assert from "node:assert/strict";
import { parseBackfillCommand } from "./backfill.ts";
import { UsageError } from "./cli_args.ts";
import { parseImportCommand } from "./import.ts";

const NOW = Date.UTC(2026, 10, 23, 15, 7, 3);

Deno.test("parseImportCommand tells the format from the flag or the file name", () => {
  assert.deepEqual(parseImportCommand(["--factory", "f", "--machine", "m", "a.CSV"], {}), {
    file: "a.CSV",
    format: "csv",
    factory: "f",
    machine: "m",
    precision: "ns",
    dataDir: "./data",
  });
  const lp = parseImportCommand(["--precision=ms", "x.line"], { DATA_DIR: "/srv/mw" });
  assert.ok(lp !== "help");
  assert.deepEqual([lp.format, lp.precision, lp.dataDir, lp.factory], [
    "lp",
    "ms",
    "/srv/mw",
    undefined,
  ]);
  const stdin = parseImportCommand(["--format", "lp", "-"], {});
  assert.ok(stdin !== "help" && stdin.file === "-");
  assert.equal(parseImportCommand(["--help"], {}), "help");
});

Deno.test("parseImportCommand refuses what it cannot use", () => {
  const cases: Array<[string[], RegExp]> = [
    [["a.csv", "b.csv"], /name one file to import: got 2/],
    [
      ["--factory", "f", "--machine", "m", "--precision", "ms", "a.csv"],
      /--precision is for line protocol/,
    ],
    [["--format", "lp", "--factory", "plant 1", "a"], /--factory must match/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseImportCommand(args, {}),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  }
});

Deno.test("parseBackfillCommand reads days, step, end and seed", () => {
  const command = parseBackfillCommand(["--days", "7", "--every", "1m", "--seed", "3"], {}, NOW);
  assert.ok(command !== "help");
  assert.deepEqual(command.grid, {
    from: Date.UTC(2026, 10, 16),
    to: Date.UTC(2026, 10, 23, 15, 7),
    everyMs: 60_000,
  });
  assert.deepEqual([command.factory, command.seed, command.days], ["demo", 3, 7]);
  const ended = parseBackfillCommand(["--days=1", "--end=2026-01-02T12:00:00Z"], {}, NOW);
  assert.ok(ended !== "help");
  assert.equal(ended.grid.to, Date.UTC(2026, 0, 2, 12));
  assert.equal(ended.grid.everyMs, 10_000);
});

Deno.test("parseBackfillCommand refuses what it cannot use", () => {
  const cases: Array<[string[], RegExp]> = [
    [[], /--days N/],
    [["--days", "0"], /--days must be a number of days above 0/],
    [["--days", "-3"], /--days must be a number of days above 0/],
    [["--days", "1", "--every", "100ms"], /--every must be at least 1s/],
    [["--days", "1", "--end", "yesterday"], /--end must be epoch milliseconds or ISO-8601/],
    [["--days", "1", "--factory", "a/b"], /--factory must match/],
    [["--days", "1", "extra"], /unexpected argument 'extra'/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseBackfillCommand(args, {}, NOW),
      (e) => e instanceof UsageError && message.test(e.message),
      args.join(" "),
    );
  }
});
