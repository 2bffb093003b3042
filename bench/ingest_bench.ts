/**
 * The ingest benchmark (`deno task bench`): offers rising MQTT telemetry
 * rates from a load generator, through one Debian mosquitto, alternately to
 * a raw subscriber that only parses JSON (the ceiling) and to the engine,
 * each in its own process and never both at once; reports the highest
 * sustained rate of each (no loss, bounded lag), publish→WebSocket latency
 * at half the raw rate, CPU and RSS. `--write` records it in BENCHMARKS.md.
 * See {@link BENCH_USAGE} for the flags.
 */
import { startMosquitto } from "../tests/support/mosquitto.ts";
import { BENCH_USAGE, type BenchOptions, parseBenchOptions } from "./bench_options.ts";
import {
  type BenchRound,
  CPU_COLUMNS,
  type GeneratorCeiling,
  renderSection,
  renderSteps,
  renderSummary,
  summarize,
  writeSection,
} from "./bench_report.ts";
import type { BenchTarget } from "./bench_target.ts";
import { EngineTarget } from "./engine_target.ts";
import { GeneratorChild } from "./generator_child.ts";
import { MqttPublisher } from "./mqtt_publisher.ts";
import { CpuMeter, findMosquittoPid } from "./process_stats.ts";
import { rampRate, runFairStep } from "./rate_ramp.ts";
import { runRateStep, type StepResult, type StepRig } from "./rate_step.ts";
import { RawTarget } from "./raw_target.ts";

const FACTORY = "bench";
const WARM_UP = { rate: 1_000, ms: 2_000 };
/**
 * The engine's warm-up: 375 messages per machine (of 1,000) over 75 s, so that
 * the measured steps see a running engine, not its first minute, which has
 * three bursts of once-only work: every machine grows its first isolation
 * forest (one row kept in four, trained from 32–63 rows: its 152nd–276th
 * message); every metric's forecasts publish their first paths once they
 * have 8 steps of 7.5 s (60 s of data; the metrics' phases spread them over
 * one step); and the store runs its first compactions. A restarted engine
 * gets forests and forecasts back from its snapshots. At 80 messages (16 s)
 * all three fell into the half-raw step, the engine's first; at 60 s, the
 * forecasts' start did.
 */
const ENGINE_WARM_UP = { rate: 5_000, ms: 75_000 };
const BENCHMARKS_MD = new URL("../BENCHMARKS.md", import.meta.url).pathname;
const HOW_TO = "Figures measured by the scripts in `bench/`; each section names its command. " +
  "Re-run with `--write` to update a section.";

/** Things to stop, newest first, on the way out (also on Ctrl-C). */
const cleanups: Array<() => Promise<void>> = [];
async function cleanUp(): Promise<void> {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()!();
    } catch (error) {
      console.error("Clean-up step failed:", error);
    }
  }
}

/** Runs `use` with a started target and stops it afterwards, whatever happens. */
async function withTarget<T extends BenchTarget, R>(
  start: () => Promise<T>,
  use: (target: T) => Promise<R>,
  after?: (target: T) => Promise<void>,
): Promise<R> {
  const target = await start();
  const stop = async () => {
    await target.stop();
    await after?.(target);
  };
  cleanups.push(stop);
  try {
    return await use(target);
  } finally {
    cleanups.splice(cleanups.indexOf(stop), 1);
    await stop();
  }
}

/** Drops the broker's session of a stopped engine, so the broker stops queueing for it. */
async function clearSession(brokerUrl: string, clientId: string): Promise<void> {
  const publisher = await MqttPublisher.connect(brokerUrl, { clientId, qos: 0 });
  await publisher.close();
}

function describe(step: StepResult, note = ""): string {
  const drain = step.drainMs === null ? "not drained" : `drained in ${Math.round(step.drainMs)} ms`;
  return `${step.target.padEnd(6)} ${String(step.offeredRate).padStart(6)} msg/s${note}: ` +
    `sent ${Math.round(step.sentRate)}/s, received ${Math.round(step.receivedRate)}/s, ` +
    `lag ${step.lagAtEnd}, ${drain}, lost ${step.lost}, p50/p99 ${step.latency.p50}/${step.latency.p99} ms, ` +
    `RSS ${step.rssMiB.toFixed(0)} MiB, CPU % target/broker/generator/bench/others/stolen ${
      CPU_COLUMNS.map((k) => Math.round(step.cpu[k])).join("/")
    }/${Math.round(step.cpu.steal ?? 0)} → ${step.verdict}${
      step.disturbed ? " (disturbed by other work on the host)" : ""
    }`;
}

async function measureCeiling(
  generator: GeneratorChild,
  brokerPid: number,
): Promise<GeneratorCeiling> {
  const cpu = new CpuMeter(new Map([["generator", generator.pid], ["broker", brokerPid]]));
  await cpu.start();
  let shares: Record<string, number> = {};
  const run = await generator.run(Infinity, 3_000, async () => {
    shares = await cpu.stop();
  });
  return {
    rate: run.acked / (run.publishMs / 1000),
    generatorCpu: shares.generator,
    brokerCpu: shares.broker,
  };
}

async function runRound(
  options: BenchOptions,
  brokerUrl: string,
  rig: StepRig,
  round: number,
): Promise<BenchRound> {
  const ramp = {
    rates: options.rates,
    stepsPast: options.stepsPast,
    stepMs: options.stepSeconds * 1000,
    refine: options.refine,
    onStep: (step: StepResult) => console.log(`  ${describe(step)}`),
  };
  console.log(`Round ${round}: raw subscriber`);
  const { raw, rawAtHalf } = await withTarget(
    () => RawTarget.start(brokerUrl, { qos: options.qos }),
    async (target) => {
      await runRateStep(target, rig, WARM_UP);
      const raw = await rampRate(target, rig, ramp);
      const rate = halfOf(raw.sustainedRate, options);
      const rawAtHalf = await halfRateStep(target, rig, rate, ramp.stepMs);
      return { raw, rawAtHalf };
    },
  );
  const halfRate = rawAtHalf.offeredRate;
  console.log(`Round ${round}: engine`);
  const denoFlags = options.cpuProfDir === undefined
    ? []
    : ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfDir}`];
  const engineRun = await withTarget(
    () => EngineTarget.start(brokerUrl, { factory: FACTORY, denoFlags }),
    async (target) => {
      await runRateStep(target, rig, ENGINE_WARM_UP);
      const engineAtHalf = await halfRateStep(target, rig, halfRate, ramp.stepMs);
      const engine = await rampRate(target, rig, ramp);
      return { engine, engineAtHalf, liveClosedBy: target.liveClosedBy };
    },
    (target) => clearSession(brokerUrl, target.clientId),
  );
  return { raw, rawAtHalf, halfRate, ...engineRun };
}

async function halfRateStep(
  target: BenchTarget,
  rig: StepRig,
  rate: number,
  ms: number,
): Promise<StepResult> {
  const attempts = await runFairStep(
    target,
    rig,
    { rate, ms },
    (step) => console.log(`  ${describe(step, " (half the raw rate)")}`),
  );
  return attempts.at(-1)!;
}

function halfOf(rate: number, options: BenchOptions): number {
  // A raw subscriber that sustained nothing still gets a latency step, at half the lowest rate.
  return Math.max(1, Math.round((rate > 0 ? rate : options.rates[0]) / 2));
}

async function main(): Promise<void> {
  if (Deno.args.includes("--help")) {
    console.log(BENCH_USAGE);
    return;
  }
  let options: BenchOptions;
  try {
    options = parseBenchOptions(Deno.args);
  } catch (error) {
    if (!(error instanceof RangeError || error instanceof TypeError)) throw error;
    console.error(`${error.message}\n\n${BENCH_USAGE}`);
    Deno.exit(2);
  }
  const command = `deno task bench${Deno.args.length > 0 ? ` ${Deno.args.join(" ")}` : ""}`;
  const startedAt = performance.now();
  Deno.addSignalListener("SIGINT", async () => {
    console.error("Interrupted: stopping everything the bench started");
    await cleanUp();
    Deno.exit(130);
  });
  try {
    const broker = await startMosquitto();
    cleanups.push(() => broker.stop());
    const brokerPid = await findMosquittoPid(broker.port);
    if (brokerPid === undefined) {
      throw new Error(`Cannot find the mosquitto on port ${broker.port}`);
    }
    const generator = await GeneratorChild.start({
      brokerUrl: broker.url,
      machines: options.machines,
      metrics: options.metrics,
      qos: options.qos,
      publishers: options.publishers,
    });
    cleanups.push(() => generator.stop());
    console.log(`mosquitto ${broker.url} (pid ${brokerPid}), load generator pid ${generator.pid}`);
    const ceiling = await measureCeiling(generator, brokerPid);
    console.log(`Load generator ceiling (broker alone): ${Math.round(ceiling.rate)} msgs/s`);

    const rig: StepRig = {
      generator,
      pids: new Map([["broker", brokerPid], ["generator", generator.pid], ["bench", Deno.pid]]),
      limits: {
        lagBoundMs: options.lagBoundMs,
        drainCapMs: 30_000,
        quietBusyPercent: 30,
        quietWaitMs: options.quietWaitMs,
        disturbedPercent: 25,
        minOfferedShare: 0.95,
        minReceivedShare: 0.95,
      },
    };
    const rounds: BenchRound[] = [];
    for (let i = 1; i <= options.rounds; i++) {
      rounds.push(await runRound(options, broker.url, rig, i));
    }

    const summary = summarize(rounds);
    const body = `${renderSummary(rounds, summary, ceiling)}\n\nEvery step:\n\n${
      renderSteps(rounds)
    }`;
    console.log(`\n${body}\n`);
    console.log(`Total time ${Math.round((performance.now() - startedAt) / 1000)} s`);
    if (options.write) {
      await writeSection(BENCHMARKS_MD, await renderSection(options, command, body), HOW_TO);
      console.log(`Updated ${BENCHMARKS_MD}`);
    }
  } finally {
    await cleanUp();
  }
}

if (import.meta.main) await main();
