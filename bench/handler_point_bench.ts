// Per-point cost of the machine handler (telemetry messages of 4 metrics at
// 1 Hz), run with `deno run -A bench/handler_point_bench.ts [messages] [--no-forecast]`.
// Runs the handler with forecasts, without them, and the forecast feeds
// alone on the same data, interleaved in chunks (a busy machine slows all
// three alike), and prints each one's CPU ns per point, then the size of a
// metric's forecast snapshot at the end. `--no-forecast` runs only the
// handler without forecasts (the detectors' cost).
import process from "node:process";
import { handleMachineMessage } from "../actors/machine/machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineState,
  newMachineState,
  snapshotMachine,
} from "../actors/machine/machine_state.ts";
import { seededRandom } from "../engine/detect/prng.ts";
import { ForecastFeed } from "../engine/forecast/mod.ts";

const machines = 100;
const messages = Number(Deno.args.find((a) => !a.startsWith("--")) ?? 2_000);
const onlyOff = Deno.args.includes("--no-forecast");
const METRICS = ["temp", "rpm", "vibration", "power"] as const;

/** One way of handling the messages, fed the same seeded data as the others. */
interface Mode {
  readonly name: string;
  readonly random: () => number;
  readonly handle: (machine: number, ts: number, metrics: Record<string, number>) => void;
  ms: number;
}

function handlerMode(name: string, forecast: boolean): Mode & { states: MachineState[] } {
  const options = forecast
    ? DEFAULT_MACHINE_OPTIONS
    : { ...DEFAULT_MACHINE_OPTIONS, forecast: false as const };
  const states = Array.from(
    { length: machines },
    (_, i) => newMachineState({ factory: "f", machine: `m${i}` }),
  );
  return {
    name,
    random: seededRandom(3),
    states,
    ms: 0,
    handle: (machine, ts, metrics) =>
      handleMachineMessage(states[machine], { kind: "telemetry", ts, metrics }, ts, options),
  };
}

function feedMode(): Mode {
  const feeds = Array.from({ length: machines * METRICS.length }, () => new ForecastFeed());
  return {
    name: "forecast feeds alone",
    random: seededRandom(3),
    ms: 0,
    handle: (machine, ts, metrics) => {
      for (let k = 0; k < METRICS.length; k++) {
        feeds[machine * METRICS.length + k].push(ts, metrics[METRICS[k]]);
      }
    },
  };
}

const on = handlerMode("handler with forecasts", true);
const off = handlerMode("handler without forecasts", false);
const modes: Mode[] = onlyOff ? [off] : [on, off, feedMode()];

/** CPU time of this process (user + system, ms): steadier than wall time on a shared machine. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

let ts = 0;
const run = (n: number, timed: boolean) => {
  for (let k = 0; k < n; k++) {
    ts += 1_000;
    for (const mode of modes) {
      const start = cpuMs();
      for (let m = 0; m < machines; m++) {
        const r = mode.random;
        mode.handle(m, ts, {
          temp: 60 + 5 * r(),
          rpm: 1500 + 20 * r(),
          vibration: 2 + r(),
          power: 30 + 3 * r(),
        });
      }
      if (timed) mode.ms += cpuMs() - start;
    }
  }
};
run(200, false); // warm up
run(messages, true);
const points = messages * machines * METRICS.length;
for (const mode of modes) {
  console.log(
    `${mode.name}: ${(mode.ms * 1e6 / points).toFixed(0)} ns/point, ${
      (mode.ms * 1e3 / (messages * machines)).toFixed(2)
    } µs/message (${points} points in ${mode.ms.toFixed(0)} ms)`,
  );
}
if (!onlyOff) {
  console.log(`forecasts in the handler: ${((on.ms - off.ms) * 1e6 / points).toFixed(0)} ns/point`);
  const snapshot = snapshotMachine(on.states[0]);
  const sizes = Object.entries(snapshot.forecasts ?? {}).map(([metric, s]) =>
    `${metric} ${JSON.stringify(s).length}`
  );
  console.log(
    `forecast snapshot after ${messages + 200} s, JSON characters per metric: ${sizes.join(", ")}`,
  );
}
