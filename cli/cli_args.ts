/**
 * Command-line flags of the `import` and `backfill` tasks: `--name value`,
 * `--name=value` and boolean `--name`; everything else is a positional
 * argument (after `--`, everything is).
 */

/** A command line that cannot be used; the task prints it with the usage and exits 2. */
export class UsageError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UsageError";
  }
}

/** The flags a command takes: name → whether it takes a value. */
export type FlagSpec = Readonly<Record<string, "value" | "switch">>;

/** A parsed command line. */
export interface ParsedArgs {
  /** Flag name → its value (`true` for a switch). */
  readonly flags: ReadonlyMap<string, string | true>;
  readonly positionals: readonly string[];
}

/**
 * Splits `args` into the flags of `spec` and positional arguments.
 *
 * @example
 * ```ts
 * const { flags, positionals } = parseArgs(["--factory=demo", "--machine", "m1", "a.csv"], {
 *   factory: "value",
 *   machine: "value",
 * });
 * flags.get("machine"); // "m1"
 * positionals; // ["a.csv"]
 * ```
 * @throws {UsageError} for an unknown or repeated flag, or a missing value.
 */
export function parseArgs(args: readonly string[], spec: FlagSpec): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positionals: string[] = [];
  const known = () =>
    Object.keys(spec).map((name) => `--${name}${spec[name] === "value" ? " <value>" : ""}`)
      .join(", ");
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      if (arg.startsWith("-") && arg !== "-") {
        throw new UsageError(`unknown option '${arg}'; options are ${known()}`);
      }
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const kind = spec[name];
    if (kind === undefined) {
      throw new UsageError(`unknown flag '--${name}'; flags are ${known()}`);
    }
    if (flags.has(name)) throw new UsageError(`flag '--${name}' is given twice`);
    if (kind === "switch") {
      if (equals !== -1) throw new UsageError(`flag '--${name}' takes no value`);
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (equals !== -1) {
      value = arg.slice(equals + 1);
    } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
      value = args[++i];
    }
    if (value === undefined || value === "") {
      throw new UsageError(`flag '--${name}' needs a value, e.g. --${name}=…`);
    }
    flags.set(name, value);
  }
  return { flags, positionals };
}

/** The value of a value flag, or undefined when it was not given. */
export function flagValue(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags.get(name);
  return typeof value === "string" ? value : undefined;
}

/**
 * The data folder the tasks write to: `--data-dir`, else `DATA_DIR`, else
 * `./data`, as the engine reads it (DESIGN "Config").
 *
 * @throws {UsageError} when InfluxDB is configured: the tasks write the
 * embedded store only, which the engine does not read then.
 */
export function dataDirOf(
  args: ParsedArgs,
  env: Readonly<Record<string, string | undefined>>,
): string {
  if (env.INFLUX_URL !== undefined && env.INFLUX_URL !== "") {
    throw new UsageError(
      "INFLUX_URL is set, but this task writes the embedded store in DATA_DIR, which the engine " +
        "does not read when InfluxDB is configured; unset INFLUX_URL to write the embedded store",
    );
  }
  const fromEnv = env.DATA_DIR === "" ? undefined : env.DATA_DIR;
  return flagValue(args, "data-dir") ?? fromEnv ?? "./data";
}

/**
 * Reads a duration like `500ms`, `10s`, `5m`, `1h` or `1d`.
 *
 * @example
 * ```ts
 * parseDuration("every", "10s"); // 10000
 * ```
 * @throws {UsageError} naming the flag and the value.
 */
export function parseDuration(flag: string, value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const ms = match === null ? NaN : Number(match[1]) * unit[match[2] as keyof typeof unit];
  if (!(ms >= 1) || !Number.isSafeInteger(Math.round(ms))) {
    throw new UsageError(
      `--${flag} must be a duration like 500ms, 10s, 5m or 1h: current value is '${value}'`,
    );
  }
  return Math.round(ms);
}
