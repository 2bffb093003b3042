import type { BenchOptions } from "./bench_options.ts";
import { median } from "./percentiles.ts";
import type { RampResult } from "./rate_ramp.ts";
import type { StepResult } from "./rate_step.ts";

/** What one raw-then-engine round measured. */
export interface BenchRound {
  readonly raw: RampResult;
  readonly engine: RampResult;
  /** Half the raw subscriber's sustained rate: where latency is compared. */
  readonly halfRate: number;
  readonly rawAtHalf: StepResult;
  readonly engineAtHalf: StepResult;
  /** Why the engine closed the bench's live WebSocket, if it did. */
  readonly liveClosedBy?: string;
}

/** The load generator's ceiling against the broker alone (no subscriber). */
export interface GeneratorCeiling {
  readonly rate: number;
  /** CPU % of one core of the generator and the broker while at it. */
  readonly generatorCpu: number;
  readonly brokerCpu: number;
}

/** The headline figures: medians over rounds. */
export interface BenchSummary {
  readonly rawRate: number;
  readonly engineRate: number;
  readonly ratio: number;
  readonly halfRate: number;
  readonly engineP50: number;
  readonly engineP99: number;
  readonly rawP50: number;
  readonly rawP99: number;
  readonly engineRssMiB: number;
  readonly enginePeakRssMiB: number;
  readonly rawRssMiB: number;
  readonly ratioMet: boolean;
  readonly latencyMet: boolean;
}

/** The issue's target: engine ≥ 0.6 × raw, p99 < 100 ms at half the raw rate. */
export const TARGET_RATIO = 0.6;
export const TARGET_P99_MS = 100;

export function summarize(rounds: readonly BenchRound[]): BenchSummary {
  const m = (f: (r: BenchRound) => number) => median(rounds.map(f));
  const rawRate = m((r) => r.raw.sustainedRate);
  const engineRate = m((r) => r.engine.sustainedRate);
  const ratio = rawRate > 0 ? engineRate / rawRate : NaN;
  const engineP99 = m((r) => r.engineAtHalf.latency.p99);
  return {
    rawRate,
    engineRate,
    ratio,
    halfRate: m((r) => r.halfRate),
    engineP50: m((r) => r.engineAtHalf.latency.p50),
    engineP99,
    rawP50: m((r) => r.rawAtHalf.latency.p50),
    rawP99: m((r) => r.rawAtHalf.latency.p99),
    engineRssMiB: m((r) => r.engineAtHalf.rssMiB),
    enginePeakRssMiB: Math.max(...rounds.flatMap((r) => r.engine.steps.map((s) => s.peakRssMiB))),
    rawRssMiB: m((r) => r.rawAtHalf.rssMiB),
    ratioMet: ratio >= TARGET_RATIO,
    latencyMet: engineP99 < TARGET_P99_MS &&
      rounds.every((r) => r.engineAtHalf.verdict === "ok"),
  };
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString("en-US") : "–");
const ms = (
  n: number,
) => (Number.isFinite(n) ? (n < 10 ? n.toFixed(1) : Math.round(n).toString()) : "–");
const mib = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "–");
const pct = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? "–" : Math.round(n).toString();

/** The processes whose CPU share the tables show, in order. */
export const CPU_COLUMNS = ["target", "broker", "generator", "bench", "others"] as const;

/** One markdown row per step of every round. */
export function renderSteps(rounds: readonly BenchRound[]): string {
  const rows = [
    "| round | target | offered msg/s | sent msg/s | received msg/s | lag at end | drain ms | lost | p50 ms | p99 ms | RSS MiB | disk MB/s | CPU % target (its main thread) / broker / generator / bench / others / stolen | verdict |",
    "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|",
  ];
  rounds.forEach((round, i) => {
    const steps: Array<[string, StepResult]> = [
      ...round.raw.steps.map((s): [string, StepResult] => ["", s]),
      ["half-raw latency step", round.rawAtHalf],
      ["half-raw latency step", round.engineAtHalf],
      ...round.engine.steps.map((s): [string, StepResult] => ["", s]),
    ];
    for (const [note, s] of steps) {
      const c = s.cpu;
      const drain = s.drainMs === null ? `> cap (${int(s.undrained)} left)` : int(s.drainMs);
      rows.push(
        `| ${i + 1} | ${s.target}${note ? ` (${note})` : ""} | ${int(s.offeredRate)} | ${
          int(s.sentRate)
        } | ${int(s.receivedRate)} | ${int(s.lagAtEnd)} | ${drain} | ${int(s.lost)} | ${
          ms(s.latency.p50)
        } | ${ms(s.latency.p99)} | ${mib(s.rssMiB)} | ${s.diskMBps.toFixed(1)} | ${
          CPU_COLUMNS.map((k) =>
            k === "target" && c.targetMain !== undefined
              ? `${pct(c.target)} (${pct(c.targetMain)})`
              : pct(c[k])
          ).join(" / ")
        } / ${pct(c.steal)} | ${s.verdict}${s.disturbed ? ", disturbed" : ""} |`,
      );
    }
  });
  return rows.join("\n");
}

/** The headline table and the verdict against the target. */
export function renderSummary(
  rounds: readonly BenchRound[],
  summary: BenchSummary,
  ceiling: GeneratorCeiling,
): string {
  const per = (f: (r: BenchRound) => number) => rounds.map((r) => int(f(r))).join(", ");
  const s = summary;
  const lines = [
    `| median of ${rounds.length} round(s) | raw subscriber (ceiling) | engine | engine / raw |`,
    "|---|--:|--:|--:|",
    `| sustained msgs/s (no loss, backlog drained ≤ lag bound) | ${int(s.rawRate)} | ${
      int(s.engineRate)
    } | **${ratioText(s.ratio)}** |`,
    `| sustained msgs/s per round | ${per((r) => r.raw.sustainedRate)} | ${
      per((r) => r.engine.sustainedRate)
    } | |`,
    `| publish→delivery p50 / p99 ms at half the raw rate (${int(s.halfRate)} msgs/s) | ${
      ms(s.rawP50)
    } / ${ms(s.rawP99)} | **${ms(s.engineP50)} / ${ms(s.engineP99)}** (WebSocket) | |`,
    `| RSS MiB at half the raw rate | ${mib(s.rawRssMiB)} | ${mib(s.engineRssMiB)} | |`,
    `| peak RSS MiB (whole ramp) | | ${mib(s.enginePeakRssMiB)} | |`,
    "",
    `Target (1,000 machines × 4 metrics): engine ≥ ${TARGET_RATIO} × raw — **${
      s.ratioMet ? "met" : "missed"
    }** (${
      ratioText(s.ratio)
    }); p99 publish→WebSocket < ${TARGET_P99_MS} ms at half the raw rate — **${
      s.latencyMet ? "met" : "missed"
    }** (${ms(s.engineP99)} ms).`,
    "",
    `Load generator ceiling against the broker alone (no subscriber): ${
      int(ceiling.rate)
    } msgs/s (generator ${pct(ceiling.generatorCpu)} % of a core, mosquitto ${
      pct(ceiling.brokerCpu)
    } %).`,
  ];
  const atSustained = (ramp: (r: BenchRound) => RampResult, key: string) =>
    pct(median(rounds.map((r) => ramp(r).sustainedStep?.cpu[key] ?? NaN)));
  const hostTotal = (ramp: (r: BenchRound) => RampResult) =>
    pct(median(rounds.map((r) => {
      const cpu = ramp(r).sustainedStep?.cpu;
      return cpu === undefined ? NaN : CPU_COLUMNS.reduce((sum, k) => sum + (cpu[k] ?? 0), 0);
    })));
  lines.push(
    "",
    `CPU at the sustained rates (% of one core; the host has ${navigator.hardwareConcurrency} cores): ` +
      `raw subscriber ${atSustained((r) => r.raw, "target")}, its mosquitto ${
        atSustained((r) => r.raw, "broker")
      }, host ${hostTotal((r) => r.raw)} in all; engine ${
        atSustained((r) => r.engine, "target")
      } (its main thread ${atSustained((r) => r.engine, "targetMain")}), ` +
      `its mosquitto ${atSustained((r) => r.engine, "broker")}, host ${
        hostTotal((r) => r.engine)
      } in all.`,
  );
  // Whether a ramp found the target's ceiling or the broker's: mosquitto is one thread.
  const brokerAtFailure = (ramp: (r: BenchRound) => RampResult) =>
    rounds.map((r) => {
      const failed = ramp(r).steps.find((step) => step.verdict !== "ok");
      return failed === undefined ? "none failed" : `${pct(failed.cpu.broker)} %`;
    }).join(", ");
  lines.push(
    "",
    `Mosquitto at each ramp's first failing step (a broker near 100 % of its one core, not the ` +
      `target, set the limit there): raw subscriber ${brokerAtFailure((r) => r.raw)}; engine ${
        brokerAtFailure((r) => r.engine)
      }.`,
  );
  const steps = rounds.flatMap((r) => [
    ...r.raw.steps,
    ...r.engine.steps,
    r.rawAtHalf,
    r.engineAtHalf,
  ]);
  const disturbed = steps.filter((step) => step.disturbed).length;
  lines.push(
    "",
    `Other work on the host during the steps: median ${
      pct(median(steps.map((step) => step.cpu.others ?? NaN)))
    } % of a core; stolen by the hypervisor (other virtual machines on the same cores): median ${
      pct(median(steps.map((step) => step.cpu.steal ?? NaN)))
    } %, at most ${pct(Math.max(0, ...steps.map((step) => step.cpu.steal ?? 0)))} % of a core; ` +
      `${disturbed} of ${steps.length} steps disturbed (either over 25 %).`,
  );
  const closed = rounds.map((r) => r.liveClosedBy).filter((c) => c !== undefined);
  if (closed.length > 0) {
    lines.push("", `The engine closed the bench's live WebSocket: ${closed.join("; ")}.`);
  }
  return lines.join("\n");
}

/** The BENCHMARKS.md section: when, where, the command, and the tables. */
export async function renderSection(
  options: BenchOptions,
  command: string,
  body: string,
): Promise<string> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo");
  const model = /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? "unknown CPU";
  const memKiB = Number(/^MemTotal:\s+(\d+)/m.exec(await Deno.readTextFile("/proc/meminfo"))?.[1]);
  const mosquitto = await new Deno.Command("/usr/sbin/mosquitto", { args: ["-h"], stdout: "piped" })
    .output();
  const mosquittoVersion = /version (\S+)/.exec(new TextDecoder().decode(mosquitto.stdout))?.[1];
  return [
    "## Ingest: engine vs raw subscriber",
    "",
    `Measured ${
      new Date().toISOString().slice(0, 16).replace("T", " ")
    } UTC on ${navigator.hardwareConcurrency} cores (${model}), ${
      Math.round(memKiB / 1024 / 1024)
    } GiB RAM; Deno ${Deno.version.deno}, mosquitto ${mosquittoVersion ?? "?"}.`,
    "",
    "```sh",
    command,
    "```",
    "",
    `${options.machines} machines × ${options.metrics} metrics, QoS ${options.qos}, ${options.stepSeconds} s per step, ` +
    `lag bound ${options.lagBoundMs} ms, ${options.publishers} publisher connection(s).`,
    "",
    METHOD,
    "",
    body,
    "",
    LEGEND,
  ].join("\n");
}

const METHOD = `How: one Debian mosquitto (tests/support/mosquitto.ts) for the whole run; a load
generator process (a lean MQTT 3.1.1 publisher, bench/mqtt_publisher.ts: mqtt.js itself needs a
whole core for ~50k QoS 1 publishes/s) sending \`{"ts": <publish ms>, "metrics": {…}}\` round-robin
over the machines; and, one at a time, the target process: the raw subscriber (npm mqtt, clean
session, \`factories/+/machines/+/telemetry\`, JSON.parse only) or the engine
(bench/engine_process.ts: SIMULATOR=off, fresh DATA_DIR, its own QoS 1 persistent session) with the
bench's WebSocket client on \`/api/v1/live?factory=bench&batch=1\` (frames of a turn's events,
as the live pages ask for) connected throughout. Each round runs the raw subscriber's ramp, then
the engine's; each ramp raises the rate (past the listed rates by their last gap, as long as steps
pass) until a step fails, then bisects between the last good and the first failing rate (twice by
default). Before its steps the engine is warmed up with 375 messages per machine (5,000 msgs/s
for 75 s; the raw subscriber: 2 s at 1,000), so that what every machine does once, early on (its
first isolation forest, its forecasts' first paths after 60 s of data, the store's first
compactions), is behind it as in a running engine, not inside a measured step. Before a step the
bench waits for the target to be idle and the host to be quiet; a step is ok with no loss, its
backlog drained within the lag bound, and at least 95 % of the sent rate taken in while
publishing. Latency is receive time minus the payload's \`ts\` (one clock): at the
WebSocket client for the engine, in the subscriber for raw. All processes share the host's cores.`;

const LEGEND =
  `Columns: *sent* = rate the generator achieved; *received* = rate the target took messages in
while publishing (engine: \`millwright_ingest_points_total\`); *lag at end* = sent − handled (plus
the engine's mailbox depth) when publishing stopped; *drain* = time until all was handled; *disk* =
the target's storage writes; *CPU* = % of one core per process, *others* = everything else busy on
the host (other tenants of a shared machine), *stolen* = time the hypervisor gave the host's
virtual cores to other machines. A failing step during which others used, or the hypervisor
stole, more than 25 % of a core is marked *disturbed* and re-run. *under-offered*: the generator
could not publish the offered rate; a broker near 100 % is what holds it back, and a ramp that
stops there measured the rig (generator and broker), not the target.`;

const BEGIN = "<!-- ingest-bench:begin -->";
const END = "<!-- ingest-bench:end -->";

/** Replaces the ingest section of BENCHMARKS.md (or creates the file), keeping the rest. */
export async function writeSection(path: string, section: string, howTo: string): Promise<void> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    text = `# Benchmarks\n\n${howTo}\n\n${BEGIN}\n${END}\n`;
  }
  const block = `${BEGIN}\n${section}\n${END}`;
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  text = begin >= 0 && end > begin
    ? text.slice(0, begin) + block + text.slice(end + END.length)
    : `${text.trimEnd()}\n\n${block}\n`;
  await Deno.writeTextFile(path, text);
}

/** engine / raw, or why there is none (a raw subscriber that sustained no rate). */
function ratioText(ratio: number): string {
  return Number.isNaN(ratio) ? "n/a (the raw subscriber sustained no rate)" : ratio.toFixed(2);
}
