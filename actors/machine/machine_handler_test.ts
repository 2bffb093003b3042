import assert from "node:assert/strict";
import type { EngineEvent } from "../../engine/events.ts";
import { handleMachineMessage, type MachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineOptions,
  newMachineState,
  restoreMachine,
  snapshotMachine,
} from "./machine_state.ts";

const ref = { factory: "demo", machine: "press-01" };
const options: MachineOptions = {
  ...DEFAULT_MACHINE_OPTIONS,
  detector: { sigma: 3, minSamples: 10 },
  staleAfterMs: 5_000,
  anomalyHoldMs: 3_000,
};

function telemetry(ts: number, metrics: Record<string, number>): MachineMessage {
  return { kind: "telemetry", ts, metrics };
}

function types(events: EngineEvent[]) {
  return events.map((e) => e.type);
}

/** Feeds `n` ordinary values one second apart starting at `start`. */
function warmUp(state: ReturnType<typeof newMachineState>, start: number, n: number) {
  for (let i = 0; i < n; i++) {
    const ts = start + i * 1000;
    handleMachineMessage(state, telemetry(ts, { temp: 20 + (i % 2) }), ts, options);
  }
}

Deno.test("handleMachineMessage registers a new machine and its metrics on first contact", () => {
  const state = newMachineState(ref);
  const { row, events } = handleMachineMessage(
    state,
    telemetry(1_000, { temp: 20, rpm: 1500 }),
    1_000,
    options,
  );
  assert.deepEqual(row, { ts: 1_000, metrics: ["temp", "rpm"], values: [20, 1500] });
  assert.deepEqual(types(events), ["registered", "registered", "telemetry"]);
  assert.deepEqual((events[1] as { readonly metrics: readonly string[] }).metrics, ["temp", "rpm"]);
  const next = handleMachineMessage(state, telemetry(2_000, { temp: 21, vib: 1 }), 2_000, options);
  assert.deepEqual(types(next.events), ["registered", "telemetry"]);
  assert.deepEqual((next.events[0] as { readonly metrics: readonly string[] }).metrics, ["vib"]);
});

Deno.test("handleMachineMessage flags a lone spike without flipping the machine", () => {
  const state = newMachineState(ref);
  warmUp(state, 0, 30);
  const spike = handleMachineMessage(state, telemetry(30_000, { temp: 40 }), 30_000, options);
  assert.deepEqual(types(spike.events), ["telemetry", "anomaly"]);
  const anomaly = spike.events[1] as Extract<EngineEvent, { type: "anomaly" }>;
  assert.equal(anomaly.metric, "temp");
  assert.equal(anomaly.reason, "sigma");
  assert.ok(anomaly.score > 3);
  assert.deepEqual((spike.events[0] as { readonly anomalous: readonly string[] }).anomalous, [
    "temp",
  ]);
  assert.equal(state.status, "normal");
});

Deno.test("handleMachineMessage marks repeated spikes anomalous, then recovers after the hold", () => {
  const state = newMachineState(ref);
  warmUp(state, 0, 30);
  handleMachineMessage(state, telemetry(30_000, { temp: 40 }), 30_000, options);
  // The detection stack flags one incident once per metric: the second spike right after
  // the first is the same incident (no second anomaly event) and confirms the status.
  const second = handleMachineMessage(state, telemetry(31_000, { temp: 45 }), 31_000, options);
  assert.deepEqual(types(second.events), ["telemetry", "status"]);
  assert.equal(state.status, "anomalous");
  // Still within the hold: no flapping back to normal on the next ordinary point.
  const calm = handleMachineMessage(state, telemetry(32_000, { temp: 20 }), 32_000, options);
  assert.deepEqual(types(calm.events), ["telemetry"]);
  assert.equal(state.status, "anomalous");
  const later = handleMachineMessage(state, { kind: "tick" }, 34_001, options);
  assert.equal(state.status, "normal");
  assert.deepEqual(types(later.events), ["status"]);
});

Deno.test("handleMachineMessage turns a machine anomalous on one threshold breach", () => {
  const state = newMachineState(ref, { thresholds: { temp: { high: 30 } }, rules: [] });
  warmUp(state, 0, 5);
  const breach = handleMachineMessage(state, telemetry(5_000, { temp: 31 }), 5_000, options);
  assert.deepEqual(types(breach.events), ["telemetry", "anomaly", "status"]);
  assert.equal(state.status, "anomalous");
});

Deno.test("handleMachineMessage applies configured thresholds from the first value", () => {
  const state = newMachineState(ref, { thresholds: { temp: { high: 80 } }, rules: [] });
  const { events } = handleMachineMessage(state, telemetry(1_000, { temp: 85 }), 1_000, options);
  const anomaly = events.find((e) => e.type === "anomaly") as Extract<
    EngineEvent,
    { type: "anomaly" }
  >;
  assert.equal(anomaly.reason, "above_threshold");
  handleMachineMessage(
    state,
    { kind: "thresholds", thresholds: { temp: { high: 90 } } },
    2_000,
    options,
  );
  const after = handleMachineMessage(state, telemetry(2_000, { temp: 85 }), 2_000, options);
  assert.equal(after.events.filter((e) => e.type === "anomaly").length, 0);
});

Deno.test("handleMachineMessage stores but does not judge a redelivered or late point", () => {
  const state = newMachineState(ref);
  warmUp(state, 0, 30);
  const spikeAt = 30_000;
  const first = handleMachineMessage(state, telemetry(spikeAt, { temp: 40 }), spikeAt, options);
  assert.equal(first.events.filter((e) => e.type === "anomaly").length, 1);
  const countBefore = state.metrics.get("temp")!.window.count;
  const again = handleMachineMessage(
    state,
    telemetry(spikeAt, { temp: 40 }),
    spikeAt + 10,
    options,
  );
  assert.deepEqual(
    again.row,
    { ts: spikeAt, metrics: ["temp"], values: [40] },
    "the store still gets the (idempotent) write",
  );
  assert.deepEqual(types(again.events), [], "no second anomaly, no telemetry event");
  const late = handleMachineMessage(state, telemetry(5_000, { temp: 99 }), spikeAt + 20, options);
  assert.deepEqual(types(late.events), []);
  assert.equal(state.metrics.get("temp")!.window.count, countBefore);
});

Deno.test("handleMachineMessage turns a silent machine stale and back", () => {
  const state = newMachineState(ref);
  handleMachineMessage(state, telemetry(0, { temp: 20 }), 0, options);
  assert.deepEqual(types(handleMachineMessage(state, { kind: "tick" }, 5_000, options).events), []);
  const stale = handleMachineMessage(state, { kind: "tick" }, 5_001, options);
  assert.equal(state.status, "stale");
  assert.equal((stale.events[0] as { previous: string }).previous, "normal");
  const back = handleMachineMessage(state, telemetry(6_000, { temp: 20 }), 6_000, options);
  assert.equal(state.status, "normal");
  assert.deepEqual(types(back.events), ["telemetry", "status"]);
});

Deno.test("handleMachineMessage never judges a boolean metric by sigma", () => {
  const state = newMachineState(ref);
  for (let i = 0; i < 40; i++) {
    handleMachineMessage(state, telemetry(i * 1000, { running: 1 }), i * 1000, options);
  }
  const off = handleMachineMessage(state, telemetry(40_000, { running: 0 }), 40_000, options);
  assert.equal(off.events.filter((e) => e.type === "anomaly").length, 0);
});

Deno.test("machine snapshot restores windows, status and anomaly hold", () => {
  const state = newMachineState(ref);
  warmUp(state, 0, 30);
  handleMachineMessage(state, telemetry(29_500, { temp: 40 }), 29_500, options);
  handleMachineMessage(state, telemetry(30_000, { temp: 45 }), 30_000, options);
  const snapshot = JSON.parse(JSON.stringify(snapshotMachine(state)));
  const restored = restoreMachine(ref, snapshot, { thresholds: {}, rules: [] }, options);
  assert.equal(restored.status, "anomalous");
  assert.deepEqual(
    restored.metrics.get("temp")!.window.stats(),
    state.metrics.get("temp")!.window.stats(),
  );
  // The redelivered spike after a restore is still recognised as already seen.
  const again = handleMachineMessage(restored, telemetry(30_000, { temp: 45 }), 30_100, options);
  assert.deepEqual(types(again.events), []);
  // And the hold runs out on the original schedule, not from the restore.
  handleMachineMessage(restored, { kind: "tick" }, 33_001, options);
  assert.equal(restored.status, "normal");
});

Deno.test("a partial machine snapshot leaves out windows, detectors and forecasts", () => {
  const state = newMachineState(ref);
  warmUp(state, 0, 30);
  const full = JSON.parse(JSON.stringify(snapshotMachine(state, true)));
  const partial = JSON.parse(JSON.stringify(snapshotMachine(state, false)));
  assert.deepEqual(Object.keys(full).filter((k) => !(k in partial)).sort(), [
    "detectors",
    "forecasts",
    "windows",
  ]);
  assert.ok(
    JSON.stringify(partial).length * 10 < JSON.stringify(full).length,
    `partial ${JSON.stringify(partial).length} B, full ${JSON.stringify(full).length} B`,
  );

  // Laid over an older full snapshot (as the snapshot store does): the newer
  // latest values and status, the older windows and models.
  const older = JSON.parse(JSON.stringify(snapshotMachine(state, true)));
  handleMachineMessage(state, telemetry(29_500, { temp: 40 }), 29_500, options);
  handleMachineMessage(state, telemetry(30_000, { temp: 45 }), 30_000, options);
  const newer = JSON.parse(JSON.stringify(snapshotMachine(state, false)));
  const restored = restoreMachine(
    ref,
    { ...older, ...newer },
    { thresholds: {}, rules: [] },
    options,
  );
  assert.equal(restored.status, "anomalous");
  assert.equal(restored.metrics.get("temp")!.lastTs, 30_000);
  assert.equal(restored.metrics.get("temp")!.window.count, older.windows.temp.length);
});

Deno.test("a machine snapshot from before `windows` keeps each metric's window", () => {
  const state = newMachineState(ref);
  warmUp(state, 0, 30);
  const { windows, ...rest } = JSON.parse(JSON.stringify(snapshotMachine(state)));
  const old = {
    ...rest,
    metrics: Object.fromEntries(
      Object.entries(rest.metrics).map((
        [name, m],
      ) => [name, { ...m as object, window: windows[name] }]),
    ),
  };
  const restored = restoreMachine(ref, old, { thresholds: {}, rules: [] }, options);
  assert.deepEqual(
    restored.metrics.get("temp")!.window.stats(),
    state.metrics.get("temp")!.window.stats(),
  );
});
