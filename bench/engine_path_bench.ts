/**
 * Main-thread CPU per telemetry message past ingest, in-process: the
 * machine actors (registry, detectors, forecasts, rules), the bus, the live
 * directory, the live hub sending every event to one WebSocket client that
 * keeps up (in batch mode, as the live pages do), and the store writer
 * handing points to the store's write worker. 1,000 machines × 4 metrics
 * (`BENCH_MACHINES` to change; `BENCH_ROUNDS` rounds, 7 by default), each
 * machine at 17.5 Hz as in the ingest bench at 17,500 msgs/s:
 *
 *   deno run -A bench/engine_path_bench.ts [warm-up messages per machine]
 *
 * The warm-up (300 per machine by default) takes each machine past its
 * first forest and forecasts; then rounds of 20 messages per machine are
 * timed. Prints the fastest and the median round's µs per message.
 */
import process from "node:process";
import { machineBehavior } from "../actors/machine/machine_actor.ts";
import type { MachineMessage } from "../actors/machine/machine_handler.ts";
import type { MachineSnapshot, MachineState } from "../actors/machine/machine_state.ts";
import { ActorRegistry } from "../engine/actor/registry.ts";
import { EventBus } from "../engine/bus.ts";
import { systemClock } from "../engine/clock.ts";
import { LiveDirectory } from "../engine/live_directory.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import { SnapshotTable } from "../engine/metadata/snapshot_table.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { StoreWriter } from "../engine/store/store_writer.ts";
import { LiveHub } from "../web/live_hub.ts";
import { metricNames } from "./telemetry_payload.ts";

const MACHINES = Number(Deno.env.get("BENCH_MACHINES") ?? 1_000);
const warmUp = Number(Deno.args[0] ?? 300);
const PER_ROUND = 20;
const ROUNDS = Number(Deno.env.get("BENCH_ROUNDS") ?? 7);
const STEP_MS = 1_000 / 17.5;

const dir = await Deno.makeTempDir({ prefix: "engine-path-bench-" });
const clock = systemClock;
const metrics = new EngineMetrics();
const bus = new EventBus();
const db = openMetadataDb(`${dir}/millwright.db`);
const directory = new LiveDirectory(db, bus, { clock });
const hub = new LiveHub(bus, { clock, metrics });
let sentBytes = 0;
hub.connect({
  send: (text) => {
    sentBytes += text.length;
  },
  close: () => {},
  bufferedAmount: 0,
}, { factory: "bench", batch: true });
const store = new SqliteStore({ path: `${dir}/timeseries.db`, metrics });
const writer = new StoreWriter(store, { clock, metrics });
const registry = new ActorRegistry<MachineState, MachineMessage, MachineSnapshot>(
  machineBehavior({ sink: writer, bus, metrics, thresholds: () => ({}) }),
  { clock, bus, metrics, snapshots: new SnapshotTable<MachineSnapshot>(db, clock) },
);

const names = metricNames(4);
const refs = Array.from(
  { length: MACHINES },
  (_, i) => ({ factory: "bench", machine: `m-${String(i).padStart(4, "0")}` }),
);
const start = Date.now() - (warmUp + PER_ROUND * ROUNDS) * STEP_MS;
let sequence = 0;

/** One message per machine, then a turn for the actors, store writer and timers. */
async function sweep(): Promise<void> {
  const ts = Math.round(start + sequence * STEP_MS);
  for (let m = 0; m < MACHINES; m++) {
    const values: Record<string, number> = {};
    for (let k = 0; k < names.length; k++) {
      values[names[k]] = 50 + 10 * Math.sin((sequence + m) / 97 + k) + Math.sin(sequence * 7.3 + m);
    }
    registry.tell(refs[m], { kind: "telemetry", ts, metrics: values });
  }
  sequence++;
  await new Promise((resolve) => setTimeout(resolve, 0));
}

for (let i = 0; i < warmUp; i++) await sweep();
const wallUs: number[] = [];
const cpuUs: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await sweep();
  wallUs.push((performance.now() - started) * 1e3 / (PER_ROUND * MACHINES));
  const cpu = process.cpuUsage(cpuBefore);
  cpuUs.push((cpu.user + cpu.system) / (PER_ROUND * MACHINES));
}
const summary = (us: number[]) => {
  const sorted = [...us].sort((a, b) => a - b);
  return `${sorted[0].toFixed(1)} at best, ${sorted[ROUNDS >> 1].toFixed(1)} median`;
};
console.log(
  `engine path, µs per message: main thread (wall) ${summary(wallUs)}; ` +
    `process CPU (all threads) ${summary(cpuUs)} ` +
    `(${ROUNDS} rounds of ${PER_ROUND * MACHINES}; ${
      (sentBytes / 1e6).toFixed(0)
    } MB to the live client)`,
);
await registry.drain();
hub.close();
await writer.close();
await store.close();
directory.close();
db.close();
await Deno.remove(dir, { recursive: true });
