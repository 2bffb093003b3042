/**
 * `deno task backfill --days N [--factory demo] [--every 10s]`: writes N days
 * of simulated history of the demo factory's machines straight into the
 * store in DATA_DIR, so a new installation has charts to explore.
 *
 * Idempotent: points lie on a fixed grid (from the UTC midnight N days ago,
 * every `--every`) and come from seeded generators, so a re-run on the same
 * day writes the same points again, and the store keeps one value per
 * series and time whatever the run.
 *
 * @module
 */
import { join } from "node:path";
import type { SqliteStore } from "../engine/store/sqlite_store.ts";
import { ID_PATTERN } from "../engine/telemetry.ts";
import { demoMachines } from "../simulator/demo_factory.ts";
import { machineProfiles } from "../simulator/machine_profiles.ts";
import {
  dataDirOf,
  flagValue,
  parseArgs,
  type ParsedArgs,
  parseDuration,
  UsageError,
} from "./cli_args.ts";
import { demoHistory, gridSteps, type HistoryGrid, historyGrid } from "./demo_history.ts";
import { registerMachines } from "./machine_catalogue.ts";
import { openDataStore } from "./open_store.ts";
import { PeakMemory } from "./peak_memory.ts";
import { ProgressReporter } from "./progress_reporter.ts";
import { formatBytes, formatCount, formatDuration, formatRate } from "./units.ts";

const USAGE = `Usage: deno task backfill --days N [options]

Writes N days of simulated history of the demo factory's 13 machines into the store in DATA_DIR
(from the UTC midnight N days ago until now), so charts have something to show.

Options:
  --days N          days of history (required; up to 3650)
  --factory F       factory to write the machines under (default: demo)
  --every D         time between two readings: 1s, 10s (default), 1m, …
  --end T           last instant, ISO-8601 or epoch ms (default: now)
  --seed S          seed of the generators (default: 1)
  --data-dir DIR    data folder (default: DATA_DIR, else ./data)
  --help            this text

Re-running is safe: the same points are written again, never duplicated. The engine may be
running meanwhile.`;

const FLAGS = {
  days: "value",
  factory: "value",
  every: "value",
  end: "value",
  seed: "value",
  "data-dir": "value",
  help: "switch",
} as const;

/** What the command line asks for, checked. */
export interface BackfillCommand {
  readonly grid: HistoryGrid;
  readonly days: number;
  readonly factory: string;
  readonly seed: number;
  readonly dataDir: string;
}

/**
 * Reads the backfill command line; `now` is the default end.
 *
 * @example
 * ```ts
 * const command = parseBackfillCommand(["--days", "7"], {}, Date.now());
 * if (command !== "help") command.grid.everyMs; // 10000
 * ```
 * @throws {UsageError} saying what is wrong.
 */
export function parseBackfillCommand(
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  now: number,
): BackfillCommand | "help" {
  const parsed: ParsedArgs = parseArgs(args, FLAGS);
  if (parsed.flags.has("help")) return "help";
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  }
  const daysFlag = flagValue(parsed, "days");
  if (daysFlag === undefined) throw new UsageError("say how much history to write: --days N");
  const days = Number(daysFlag);
  if (!/^\d+(\.\d+)?$/.test(daysFlag) || !(days > 0) || days > 3650) {
    throw new UsageError(
      `--days must be a number of days above 0, up to 3650: current value is '${daysFlag}'`,
    );
  }
  const factory = flagValue(parsed, "factory") ?? "demo";
  if (!ID_PATTERN.test(factory)) {
    throw new UsageError(
      `--factory must match [A-Za-z0-9_.-]{1,64}: current value is '${factory}'`,
    );
  }
  const everyMs = parseDuration("every", flagValue(parsed, "every") ?? "10s");
  if (everyMs < 1_000) {
    throw new UsageError(
      `--every must be at least 1s (the simulator's rate): current value is '${
        flagValue(parsed, "every")
      }'`,
    );
  }
  const endFlag = flagValue(parsed, "end");
  let end = now;
  if (endFlag !== undefined) {
    end = /^\d+$/.test(endFlag) ? Number(endFlag) : Date.parse(endFlag);
    if (!Number.isFinite(end) || !/^\d/.test(endFlag)) {
      throw new UsageError(
        `--end must be epoch milliseconds or ISO-8601 (e.g. 2026-11-23T10:00:00Z): current value is '${endFlag}'`,
      );
    }
  }
  const seedFlag = flagValue(parsed, "seed") ?? "1";
  const seed = Number(seedFlag);
  if (!/^\d+$/.test(seedFlag) || !Number.isSafeInteger(seed)) {
    throw new UsageError(`--seed must be a whole number: current value is '${seedFlag}'`);
  }
  return {
    grid: historyGrid(end, days, everyMs),
    days,
    factory,
    seed,
    dataDir: dataDirOf(parsed, env),
  };
}

async function main(): Promise<number> {
  let command: BackfillCommand | "help";
  try {
    command = parseBackfillCommand(Deno.args, Deno.env.toObject(), Date.now());
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`backfill: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (command === "help") {
    console.log(USAGE);
    return 0;
  }
  const { grid, factory, seed, dataDir } = command;
  const machines = demoMachines;
  const samplesTotal = gridSteps(grid) * machines.length;
  let store: SqliteStore;
  try {
    store = await openDataStore(dataDir);
  } catch (error) {
    console.error(`backfill: ${(error as Error).message}`);
    return 1;
  }
  const encoder = new TextEncoder();
  const progress = new ProgressReporter({
    write: (text) => Deno.stderr.writeSync(encoder.encode(text)),
    interactive: Deno.stderr.isTerminal(),
    total: samplesTotal,
    unit: "points",
    label: "backfill",
  });
  const memory = new PeakMemory();
  const started = performance.now();
  let samples = 0;
  let values = 0;
  try {
    for (const batch of demoHistory({ grid, factory, machines, seed })) {
      await store.write(batch.points);
      samples += batch.samples;
      values += batch.points.length;
      memory.sample();
      progress.update(samples, `${formatCount(values)} values written`);
    }
  } catch (error) {
    progress.finish();
    console.error(
      `backfill: stopped after ${formatCount(values)} values (re-running is safe): ${
        error instanceof Error ? error.message : error
      }`,
    );
    if (error instanceof Error && error.cause !== undefined) console.error(error.cause);
    return 1;
  } finally {
    await store.close();
  }
  progress.finish();
  const elapsedMs = performance.now() - started;
  const added = registerMachines(
    join(dataDir, "millwright.db"),
    machines.map((m) => ({
      factory,
      machine: m.machine,
      metrics: machineProfiles[m.type].metrics.map((metric) => metric.name),
      lastTs: grid.to,
    })),
  );
  console.log(
    [
      `Backfilled factory '${factory}' in ${formatDuration(elapsedMs)}`,
      `  machines          ${machines.length} (${added.length} new to the catalogue)`,
      `  range             ${new Date(grid.from).toISOString()} → ${
        new Date(grid.to).toISOString()
      }, every ${grid.everyMs / 1000} s`,
      `  readings          ${formatCount(samples)} (${formatCount(gridSteps(grid))} per machine)`,
      `  values written    ${formatCount(values)} (${formatRate(values, elapsedMs)})`,
      `  peak memory       ${formatBytes(memory.peakBytes)}`,
      ...(added.length > 0
        ? ["  (a running engine lists machines new to the catalogue after a restart)"]
        : []),
    ].join("\n"),
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main());
