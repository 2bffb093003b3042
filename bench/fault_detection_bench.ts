/**
 * Time from a simulated fault's start to the machine actor's first flag on
 * the faulty metric, over the simulator's own fault model:
 *
 *   deno task bench:faults [--hours 6] [--seeds 4] [--write]
 *
 * Each demo profile (press, CNC spindle, fermenter) runs at 1 Hz for the
 * given simulated hours per seed through the actors' pure handler
 * (`handleMachineMessage`, default options: detector stack, thresholds
 * unset, forecasts on). A fault counts as detected when an `anomaly` event
 * names its metric between its start and 60 s after its end. Dropouts leave
 * a metric out (no value to judge) and are reported apart. Flags outside any
 * fault window are counted as false flags per machine-hour; detections whose
 * first flag came within 60 s after a boolean metric flipped (a stop or a
 * start, often flagged for itself) are counted apart. `--write`
 * replaces the section between `<!-- faults:start -->` and
 * `<!-- faults:end -->` in BENCHMARKS.md.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { handleMachineMessage } from "../actors/machine/machine_handler.ts";
import { DEFAULT_MACHINE_OPTIONS, newMachineState } from "../actors/machine/machine_state.ts";
import { machineProfiles } from "../simulator/machine_profiles.ts";
import { TelemetryGenerator } from "../simulator/telemetry_generator.ts";
import { percentile } from "./percentiles.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    hours: { type: "string", default: "6" },
    seeds: { type: "string", default: "4" },
    write: { type: "boolean", default: false },
  },
});
const hours = Number(values.hours);
const seeds = Number(values.seeds);
if (!(hours > 0) || !Number.isInteger(seeds) || seeds < 1) {
  throw new RangeError("--hours must be > 0 and --seeds a positive integer");
}

const GRACE_MS = 60_000;
const START = Date.UTC(2026, 0, 5, 6);

interface FaultRecord {
  readonly type: string;
  readonly kind: string;
  readonly metric: string;
  readonly startedAt: number;
  readonly endsAt: number;
  firstFlagAt?: number;
  /** The first flag came within 60 s after a boolean metric flipped (a stop or start). */
  atSwitch?: boolean;
}

const faults: FaultRecord[] = [];
let falseFlags = 0;
let machineHours = 0;
const started = performance.now();

for (const [type, profile] of Object.entries(machineProfiles)) {
  for (let seed = 1; seed <= seeds; seed++) {
    const generator = new TelemetryGenerator(profile, seed * 7_919);
    const state = newMachineState({ factory: "bench", machine: `${type}-${seed}` });
    let current: FaultRecord | undefined;
    const mine: FaultRecord[] = [];
    const booleans: Record<string, boolean> = {};
    let switchedAt = -Infinity;
    for (let ts = START; ts < START + hours * 3_600_000; ts += 1_000) {
      const readings = generator.next(ts);
      const fault = generator.activeFault;
      if (fault !== undefined && fault.startedAt !== current?.startedAt) {
        current = { type, ...fault };
        mine.push(current);
      }
      const metrics: Record<string, number> = {};
      for (const [name, value] of Object.entries(readings)) {
        if (typeof value === "boolean") {
          if (booleans[name] !== undefined && booleans[name] !== value) switchedAt = ts;
          booleans[name] = value;
        }
        metrics[name] = typeof value === "boolean" ? (value ? 1 : 0) : value;
      }
      const effects = handleMachineMessage(
        state,
        { kind: "telemetry", ts, metrics },
        ts,
        DEFAULT_MACHINE_OPTIONS,
      );
      for (const event of effects.events) {
        if (event.type !== "anomaly") continue;
        const hit = mine.find((f) =>
          f.metric === event.metric && event.ts >= f.startedAt && event.ts <= f.endsAt + GRACE_MS
        );
        if (hit === undefined) falseFlags++;
        else if (hit.firstFlagAt === undefined) {
          hit.firstFlagAt = event.ts;
          hit.atSwitch = event.ts - switchedAt <= GRACE_MS;
        }
      }
    }
    faults.push(...mine);
    machineHours += hours;
  }
}

const seconds = (performance.now() - started) / 1_000;
const rows: string[] = [];
for (const kind of ["spike", "drift", "stuck", "dropout"]) {
  const ofKind = faults.filter((f) => f.kind === kind);
  const found = ofKind.filter((f) => f.firstFlagAt !== undefined);
  const atSwitch = found.filter((f) => f.atSwitch).length;
  const delays = found.map((f) => (f.firstFlagAt! - f.startedAt) / 1_000).sort((a, b) => a - b);
  rows.push(
    `| ${kind} | ${ofKind.length} | ${found.length} (${
      ofKind.length === 0 ? "–" : `${Math.round(100 * found.length / ofKind.length)} %`
    }) | ${atSwitch} | ${delays.length === 0 ? "–" : percentile(delays, 50).toFixed(0)} | ${
      delays.length === 0 ? "–" : percentile(delays, 90).toFixed(0)
    } |`,
  );
}
const section = [
  "<!-- faults:start -->",
  "## Fault start → first flag (simulator faults)",
  "",
  `Command: \`deno task bench:faults --hours ${hours} --seeds ${seeds}${
    values.write ? " --write" : ""
  }\` (${
    new Date().toISOString().slice(0, 10)
  }). The demo profiles (press, CNC spindle, fermenter) × ${seeds} seeds × ${hours} h at 1 Hz through the actors' handler with default options (detector stack, no thresholds, forecasts on); a fault is detected when an anomaly names its metric from its start to 60 s after its end; a first flag within 60 s after a boolean metric flipped may be the machine's stop or start rather than the fault. ${
    seconds.toFixed(1)
  } s of CPU for ${machineHours} machine-hours.`,
  "",
  "| fault | faults | detected | of which first flag ≤ 60 s after a boolean flipped | median s to first flag | p90 s |",
  "|---|--:|--:|--:|--:|--:|",
  ...rows,
  "",
  `False flags (outside every fault window): ${falseFlags} in ${machineHours} machine-hours = ${
    (falseFlags / machineHours).toFixed(2)
  } per machine-hour. Dropouts leave the metric out, so there is no value to flag; the machine turns \`stale\` only when all telemetry stops.`,
  "<!-- faults:end -->",
].join("\n");
console.log(section);

if (values.write) {
  const path = new URL("../BENCHMARKS.md", import.meta.url);
  const text = await Deno.readTextFile(path);
  const begin = text.indexOf("<!-- faults:start -->");
  const end = text.indexOf("<!-- faults:end -->");
  const next = begin >= 0 && end > begin
    ? text.slice(0, begin) + section + text.slice(end + "<!-- faults:end -->".length)
    : `${text.trimEnd()}\n\n${section}\n`;
  await Deno.writeTextFile(path, next);
}
