/**
 * `deno task detect [--out FILE] FILE.csv`: reads `timestamp,value` lines and
 * writes `timestamp,value,anomaly_score` (to stdout, or to `--out`), scored by
 * exactly the detector code the machine actors run.
 *
 * Bad lines (wrong shape, non-numeric value, unreadable or out-of-order
 * timestamp) are reported on stderr with their line number and skipped; the
 * other lines are scored. Exit codes: 0 every line was used, 1 some lines
 * were skipped or the file could not be read, 2 the command line is wrong.
 *
 * @module
 */
import { flagValue, parseArgs, UsageError } from "./cli_args.ts";
import { detectCsvLines } from "./detect_csv.ts";

const USAGE = `Usage: deno task detect [--out FILE] FILE.csv

Scores a timestamp,value CSV with the actors' anomaly detectors and writes
timestamp,value,anomaly_score (score in [0, 1]; flagged at >= 0.6).

Options:
  --out FILE   write to FILE instead of standard output`;

async function main(args: string[]): Promise<number> {
  let file: string;
  let out: string | undefined;
  try {
    const parsed = parseArgs(args, { out: "value", help: "switch" });
    if (parsed.flags.has("help")) {
      console.log(USAGE);
      return 0;
    }
    if (parsed.positionals.length !== 1) {
      throw new UsageError(`expected one input file, got ${parsed.positionals.length}`);
    }
    file = parsed.positionals[0];
    out = flagValue(parsed, "out");
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`detect: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  let text: string;
  try {
    text = await Deno.readTextFile(file);
  } catch (error) {
    console.error(`detect: cannot read ${file}: ${(error as Error).message}`);
    return 1;
  }
  let errors = 0;
  const output: string[] = [];
  for (
    const line of detectCsvLines(text.split("\n"), ({ line, message }) => {
      errors++;
      console.error(`detect: ${file} line ${line}: ${message} (line skipped)`);
    })
  ) output.push(line);
  const body = output.join("\n") + "\n";
  if (out === undefined) await Deno.stdout.write(new TextEncoder().encode(body));
  else await Deno.writeTextFile(out, body);
  if (errors > 0) console.error(`detect: ${errors} line(s) skipped`);
  return errors > 0 ? 1 : 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
