/**
 * `deno task import [--factory F] [--machine M] [--format csv|lp] FILE`:
 * imports a CSV or line-protocol file into the embedded store of DATA_DIR,
 * streaming, with progress and a summary of what was rejected and why.
 *
 * Exit codes: 0 the file was read to its end (rejected lines are in the
 * summary and the dead-letter file), 1 the file or the store could not be
 * used, 2 the command line is wrong.
 *
 * @module
 */
import { join } from "node:path";
import { DeadLetterFile, type Precision } from "../engine/ingest/mod.ts";
import type { SqliteStore } from "../engine/store/sqlite_store.ts";
import { ID_PATTERN } from "../engine/telemetry.ts";
import { dataDirOf, flagValue, parseArgs, type ParsedArgs, UsageError } from "./cli_args.ts";
import { CsvHeaderError } from "./csv_telemetry.ts";
import { formatImportSummary } from "./import_summary.ts";
import { registerMachines } from "./machine_catalogue.ts";
import { openDataStore } from "./open_store.ts";
import { PeakMemory } from "./peak_memory.ts";
import { ProgressReporter } from "./progress_reporter.ts";
import { type ImportFormat, importTelemetry } from "./telemetry_import.ts";
import { formatCount } from "./units.ts";

const USAGE = `Usage: deno task import [options] FILE

Imports telemetry history from FILE ("-" for standard input) into the store in DATA_DIR.

  CSV, long:  timestamp,metric,value            one value per row
  CSV, wide:  timestamp,<metric1>,<metric2>,…   one point per row; an empty cell is no value
              timestamps: epoch milliseconds or ISO-8601 with a zone
  line protocol (.lp, .line):  measurement,factory=F,machine=M field=value,… timestamp

Options:
  --factory F        factory of the rows (CSV: required; line protocol: for lines without a factory tag)
  --machine M        machine of the rows (CSV: required; line protocol: for lines without a machine tag)
  --format csv|lp    file format (default: from the extension: .csv, .lp, .line)
  --precision P      line-protocol timestamp unit: ns (default), us, ms, s
  --data-dir DIR     data folder (default: DATA_DIR, else ./data)
  --help             this text

Lines are judged by the engine's own validation; rejected lines are counted by reason, the first
few are shown, and all go to DATA_DIR/dead-letter.jsonl. The engine may be running meanwhile.
Exit code: 0 read to the end, 1 file or store unusable, 2 wrong command line.`;

const FLAGS = {
  factory: "value",
  machine: "value",
  format: "value",
  precision: "value",
  "data-dir": "value",
  help: "switch",
} as const;

/** What the command line asks for, checked. */
export interface ImportCommand {
  readonly file: string;
  readonly format: ImportFormat;
  readonly factory?: string;
  readonly machine?: string;
  readonly precision: Precision;
  readonly dataDir: string;
}

/**
 * Reads the import command line.
 *
 * @example
 * ```ts
 * parseImportCommand(["--factory", "plant1", "--machine", "press-07", "press.csv"], {});
 * // { file: "press.csv", format: "csv", factory: "plant1", machine: "press-07",
 * //   precision: "ns", dataDir: "./data" }
 * ```
 * @throws {UsageError} saying what is wrong and how to write it.
 */
export function parseImportCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ImportCommand | "help" {
  const parsed: ParsedArgs = parseArgs(args, FLAGS);
  if (parsed.flags.has("help")) return "help";
  if (parsed.positionals.length !== 1) {
    throw new UsageError(
      parsed.positionals.length === 0
        ? "name the file to import"
        : `name one file to import: got ${parsed.positionals.length} (${
          parsed.positionals.join(", ")
        })`,
    );
  }
  const file = parsed.positionals[0];
  const factory = flagValue(parsed, "factory");
  const machine = flagValue(parsed, "machine");
  for (const [flag, id] of [["factory", factory], ["machine", machine]] as const) {
    if (id !== undefined && !ID_PATTERN.test(id)) {
      throw new UsageError(`--${flag} must match [A-Za-z0-9_.-]{1,64}: current value is '${id}'`);
    }
  }
  const formatFlag = flagValue(parsed, "format");
  let format: ImportFormat;
  if (formatFlag !== undefined) {
    if (formatFlag !== "csv" && formatFlag !== "lp") {
      throw new UsageError(`--format must be csv or lp: current value is '${formatFlag}'`);
    }
    format = formatFlag;
  } else if (/\.csv$/i.test(file)) {
    format = "csv";
  } else if (/\.(lp|line)$/i.test(file)) {
    format = "lp";
  } else {
    throw new UsageError(
      `cannot tell the format of '${file}' from its name; pass --format csv or --format lp`,
    );
  }
  if (format === "csv" && (factory === undefined || machine === undefined)) {
    throw new UsageError(
      "a CSV file holds one machine's telemetry: pass --factory and --machine",
    );
  }
  const precision = flagValue(parsed, "precision") ?? "ns";
  if (!["ns", "us", "ms", "s"].includes(precision)) {
    throw new UsageError(`--precision must be ns, us, ms or s: current value is '${precision}'`);
  }
  if (format === "csv" && parsed.flags.has("precision")) {
    throw new UsageError(
      "--precision is for line protocol; CSV timestamps are epoch milliseconds or ISO-8601",
    );
  }
  return {
    file,
    format,
    factory,
    machine,
    precision: precision as Precision,
    dataDir: dataDirOf(parsed, env),
  };
}

async function main(): Promise<number> {
  let command: ImportCommand | "help";
  try {
    command = parseImportCommand(Deno.args, Deno.env.toObject());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`import: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command === "help") {
    console.log(USAGE);
    return 0;
  }
  const { file: path, dataDir } = command;
  let file: Deno.FsFile | undefined;
  let total: number | undefined;
  try {
    if (path !== "-") {
      file = await Deno.open(path, { read: true });
      const info = await file.stat();
      if (!info.isFile) throw new Error("it is not a file");
      total = info.size;
    }
  } catch (error) {
    file?.close();
    console.error(
      `import: cannot read '${path}': ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  }
  const input = file?.readable ?? Deno.stdin.readable;

  let store: SqliteStore;
  try {
    store = await openDataStore(dataDir);
  } catch (error) {
    console.error(`import: ${(error as Error).message}`);
    return 1;
  }
  const deadLetter = new DeadLetterFile(join(dataDir, "dead-letter.jsonl"));
  const encoder = new TextEncoder();
  const progress = new ProgressReporter({
    write: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    interactive: Deno.stderr.isTerminal(),
    total,
    unit: "bytes",
    label: "import",
  });
  const memory = new PeakMemory();
  const started = performance.now();
  let reached = { lines: 0, values: 0 };
  try {
    const summary = await importTelemetry(input, {
      format: command.format,
      factory: command.factory,
      machine: command.machine,
      precision: command.precision,
      receivedAt: Date.now(),
      write: (points) => store.write(points),
      deadLetter,
      onProgress: (p) => {
        reached = p;
        memory.sample();
        progress.update(
          p.bytesRead,
          `${formatCount(p.lines)} lines · ${formatCount(p.values)} values · ${
            formatCount(p.rejected)
          } rejected`,
        );
      },
    });
    progress.finish();
    await deadLetter.close();
    const elapsedMs = performance.now() - started;
    const added = registerMachines(
      join(dataDir, "millwright.db"),
      summary.machines.map((m) => ({
        factory: m.factory,
        machine: m.machine,
        metrics: m.metrics,
        lastTs: m.lastTs,
      })),
    );
    console.log(formatImportSummary(summary, {
      file: path === "-" ? "standard input" : path,
      elapsedMs,
      deadLetterPath: deadLetter.path,
      deadLettersDropped: deadLetter.dropped,
      peakRssBytes: memory.peakBytes,
    }));
    if (added.length > 0) {
      console.log(
        `  new machines      ${
          added.map((m) => `${m.factory}/${m.machine}`).join(", ")
        } (a running engine lists them after a restart, or once they report)`,
      );
    }
    return 0;
  } catch (error) {
    progress.finish();
    if (error instanceof CsvHeaderError) {
      console.error(`import: cannot import '${path}': ${error.message}`);
      return 1;
    }
    console.error(
      `import: stopped after ${formatCount(reached.lines)} lines (${
        formatCount(reached.values)
      } values read; written ones are kept, re-running the import is safe): ${
        error instanceof Error ? error.message : error
      }`,
    );
    if (error instanceof Error && error.cause !== undefined) console.error(error.cause);
    return 1;
  } finally {
    await deadLetter.close();
    await store.close();
  }
}

if (import.meta.main) Deno.exit(await main());
