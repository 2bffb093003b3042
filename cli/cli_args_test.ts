import assert from "node:assert/strict";
import { dataDirOf, parseArgs, parseDuration, UsageError } from "./cli_args.ts";

const SPEC = { factory: "value", help: "switch" } as const;

Deno.test("parseArgs reads --name value, --name=value, switches and positionals", () => {
  const a = parseArgs(["--factory", "plant1", "a.csv", "--help"], SPEC);
  assert.equal(a.flags.get("factory"), "plant1");
  assert.equal(a.flags.get("help"), true);
  assert.deepEqual(a.positionals, ["a.csv"]);
  const b = parseArgs(["--factory=p=2", "--", "--not-a-flag"], SPEC);
  assert.equal(b.flags.get("factory"), "p=2");
  assert.deepEqual(b.positionals, ["--not-a-flag"]);
  assert.deepEqual(parseArgs(["-"], SPEC).positionals, ["-"]);
});

Deno.test("parseArgs rejects unknown, repeated and valueless flags with a message naming them", () => {
  const cases: Array<[string[], RegExp]> = [
    [["--fatcory", "x"], /unknown flag '--fatcory'; flags are --factory <value>, --help/],
    [["-f", "x"], /unknown option '-f'/],
    [["--factory", "a", "--factory", "b"], /'--factory' is given twice/],
    [["--factory"], /'--factory' needs a value/],
    [["--factory", "--help"], /'--factory' needs a value/],
    [["--help=yes"], /'--help' takes no value/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseArgs(args, SPEC),
      (e) => e instanceof UsageError && message.test(e.message),
    );
  }
});

Deno.test("dataDirOf takes --data-dir, else DATA_DIR, else ./data, and refuses InfluxDB settings", () => {
  const spec = { "data-dir": "value" } as const;
  assert.equal(dataDirOf(parseArgs(["--data-dir", "/x"], spec), { DATA_DIR: "/y" }), "/x");
  assert.equal(dataDirOf(parseArgs([], spec), { DATA_DIR: "/y" }), "/y");
  assert.equal(dataDirOf(parseArgs([], spec), {}), "./data");
  assert.throws(
    () => dataDirOf(parseArgs([], spec), { INFLUX_URL: "http://influx:8086" }),
    /INFLUX_URL is set/,
  );
});

Deno.test("parseDuration reads units and rejects anything else", () => {
  assert.equal(parseDuration("every", "500ms"), 500);
  assert.equal(parseDuration("every", "10s"), 10_000);
  assert.equal(parseDuration("every", "1.5m"), 90_000);
  assert.equal(parseDuration("every", "1d"), 86_400_000);
  for (const bad of ["10", "ten", "0s", "-1s", "1w"]) {
    assert.throws(() => parseDuration("every", bad), /--every must be a duration/, bad);
  }
});
