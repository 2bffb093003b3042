// Per-point cost of the machine handler (telemetry messages of 4 metrics),
// run with `deno run -A bench/handler_point_bench.ts [messages] [--no-forecast]`.
// Used to compare the σ-only handler with the detection stack; `--no-forecast`
// turns the forecasts (another module) off to isolate the detectors' cost.
import { handleMachineMessage } from "../actors/machine/machine_handler.ts";
import { DEFAULT_MACHINE_OPTIONS, newMachineState } from "../actors/machine/machine_state.ts";
import { seededRandom } from "../engine/detect/prng.ts";

const machines = 100;
const messages = Number(Deno.args.find((a) => !a.startsWith("--")) ?? 2_000);
const options = Deno.args.includes("--no-forecast")
  ? { ...DEFAULT_MACHINE_OPTIONS, forecast: false as const }
  : DEFAULT_MACHINE_OPTIONS;
const random = seededRandom(3);
const states = Array.from(
  { length: machines },
  (_, i) => newMachineState({ factory: "f", machine: `m${i}` }),
);
let ts = 0;
const run = (n: number) => {
  for (let k = 0; k < n; k++) {
    ts += 1000;
    for (const state of states) {
      handleMachineMessage(
        state,
        {
          kind: "telemetry",
          ts,
          metrics: {
            temp: 60 + 5 * random(),
            rpm: 1500 + 20 * random(),
            vibration: 2 + random(),
            power: 30 + 3 * random(),
          },
        },
        ts,
        options,
      );
    }
  }
};
run(200); // warm up
const start = performance.now();
run(messages);
const ms = performance.now() - start;
const points = messages * machines * 4;
console.log(
  `handler: ${(ms * 1e6 / points).toFixed(0)} ns/point, ${
    (ms * 1e3 / (messages * machines)).toFixed(2)
  } µs/message (${points} points in ${ms.toFixed(0)} ms)`,
);
