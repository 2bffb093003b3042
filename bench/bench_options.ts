import { parseArgs } from "node:util";

/** Settings of one `deno task bench` run. */
export interface BenchOptions {
  readonly machines: number;
  readonly metrics: number;
  readonly qos: 0 | 1;
  /** Seconds of load per step. */
  readonly stepSeconds: number;
  /** Offered rates to step through, ascending, msgs/s. */
  readonly rates: readonly number[];
  /** Raw-then-engine rounds; figures are medians over rounds. */
  readonly rounds: number;
  /** Publisher connections of the load generator. */
  readonly publishers: number;
  /** Steps past the last listed rate, by the last gap, while they pass. */
  readonly stepsPast: number;
  /** Bisection steps after the first failing rate. */
  readonly refine: number;
  /** A step's backlog must drain within this ("bounded lag"), ms. */
  readonly lagBoundMs: number;
  /** Longest wait before a step for the host's cores to be quiet, ms (0: do not wait). */
  readonly quietWaitMs: number;
  /** Update BENCHMARKS.md with the results. */
  readonly write: boolean;
  /** Directory for a CPU profile of the engine process (`--cpu-prof`), if wanted. */
  readonly cpuProfDir: string | undefined;
}

/** The help text of the bench's flags. */
export const BENCH_USAGE = `deno task bench [flags]
  --machines=N        machines publishing (1000)
  --metrics=N         metrics per message (4)
  --qos=0|1           publish and raw-subscribe QoS (1; the engine always subscribes with QoS 1)
  --step-seconds=S    load per step (6)
  --rates=R1,R2,...   offered msgs/s to step through (5000,10000,20000,30000,40000,60000)
  --steps-past=N      further steps past the last rate, by the last gap, while they pass (12)
  --rounds=N          raw/engine rounds, reported as medians (2)
  --publishers=N      load generator connections (1)
  --refine=N          bisection steps after the first failing rate (2)
  --lag-bound-ms=MS   backlog must drain within this after a step (2000)
  --quiet-wait-seconds=S  longest wait before a step for other work on the host to stop (60)
  --cpu-prof=DIR      write a V8 CPU profile of each engine process to DIR
  --write             update BENCHMARKS.md`;

/**
 * Reads the bench's flags.
 *
 * @throws {RangeError} naming the flag and the value it got.
 */
export function parseBenchOptions(args: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...args],
    options: {
      machines: { type: "string", default: "1000" },
      metrics: { type: "string", default: "4" },
      qos: { type: "string", default: "1" },
      "step-seconds": { type: "string", default: "6" },
      rates: { type: "string", default: "5000,10000,20000,30000,40000,60000" },
      "steps-past": { type: "string", default: "12" },
      rounds: { type: "string", default: "2" },
      publishers: { type: "string", default: "1" },
      refine: { type: "string", default: "2" },
      "lag-bound-ms": { type: "string", default: "2000" },
      "quiet-wait-seconds": { type: "string", default: "60" },
      "cpu-prof": { type: "string" },
      write: { type: "boolean", default: false },
    },
  });
  const integer = (name: string, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = values[name as keyof typeof values] as string;
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < min || n > max) {
      throw new RangeError(
        `Cannot run the bench: '--${name}' must be an integer from ${min} to ${max}: current value is '${raw}'`,
      );
    }
    return n;
  };
  const rates = values.rates.split(",").map((r) => Number(r.trim()));
  if (rates.some((r) => !Number.isInteger(r) || r <= 0)) {
    throw new RangeError(
      `Cannot run the bench: '--rates' must be positive integers separated by commas: current value is '${values.rates}'`,
    );
  }
  return {
    machines: integer("machines", 1, 100_000),
    metrics: integer("metrics", 1, 100),
    qos: integer("qos", 0, 1) as 0 | 1,
    stepSeconds: integer("step-seconds", 1, 600),
    rates: [...rates].sort((a, b) => a - b),
    stepsPast: integer("steps-past", 0, 100),
    rounds: integer("rounds", 1, 20),
    publishers: integer("publishers", 1, 64),
    refine: integer("refine", 0, 10),
    lagBoundMs: integer("lag-bound-ms", 0),
    quietWaitMs: integer("quiet-wait-seconds", 0, 3_600) * 1000,
    write: values.write,
    cpuProfDir: values["cpu-prof"],
  };
}
