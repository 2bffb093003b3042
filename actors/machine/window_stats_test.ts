import assert from "node:assert/strict";
import { handleMachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  type MachineSnapshot,
  type MachineState,
  newMachineState,
  snapshotMachine,
} from "./machine_state.ts";
import { currentWindowStats, machineWindowStats, storedWindowStats } from "./window_stats.ts";

const ref = { factory: "demo", machine: "press-01" };
const options = { ...DEFAULT_MACHINE_OPTIONS, window: { maxCount: 5, maxAgeMs: 60_000 } };

function feed(
  state: ReturnType<typeof newMachineState>,
  ts: number,
  metrics: Record<string, number>,
) {
  handleMachineMessage(state, { kind: "telemetry", ts, metrics }, ts, options);
}

Deno.test("machineWindowStats summarises each metric's window as the actor holds it", () => {
  const state = newMachineState(ref);
  assert.deepEqual(machineWindowStats(state), {});
  const temps = [20, 22, 19, 25, 21, 23, 18];
  temps.forEach((temp, i) => feed(state, 1_000 * (i + 1), { temp, rpm: 1_500 }));
  // A redelivered (not newer) value is stored but kept out of the window.
  feed(state, 7_000, { temp: 500 });
  const stats = machineWindowStats(state);
  assert.deepEqual(Object.keys(stats), ["temp", "rpm"]);
  // maxCount 5: the last five temperatures, from the 3rd second to the 7th.
  const last = temps.slice(-5);
  const mean = last.reduce((a, b) => a + b, 0) / 5;
  const variance = last.reduce((a, v) => a + (v - mean) ** 2, 0) / 4;
  assert.equal(stats.temp.count, 5);
  assert.ok(Math.abs(stats.temp.mean! - mean) < 1e-9);
  assert.ok(Math.abs(stats.temp.stddev - Math.sqrt(variance)) < 1e-9);
  assert.equal(stats.temp.min, 18);
  assert.equal(stats.temp.max, 25);
  assert.equal(stats.temp.from, 3_000);
  assert.equal(stats.temp.to, 7_000);
  assert.deepEqual(stats.rpm, {
    count: 5,
    mean: 1_500,
    stddev: 0,
    min: 1_500,
    max: 1_500,
    from: 3_000,
    to: 7_000,
  });
});

Deno.test("machineWindowStats drops values past the window's age and copies what it reads", () => {
  const state = newMachineState(ref);
  feed(state, 0, { temp: 1 });
  feed(state, 30_000, { temp: 2 });
  feed(state, 90_000, { temp: 4 }); // the value at 0 is over 60 s older: evicted
  const stats = machineWindowStats(state);
  const { stddev, ...rest } = stats.temp;
  assert.deepEqual(rest, { count: 2, mean: 3, min: 2, max: 4, from: 30_000, to: 90_000 });
  assert.ok(Math.abs(stddev - Math.SQRT2) < 1e-12, `σ of 2 and 4: ${stddev}`);
  // The answer is a copy: the next value changes the window, not the answer given.
  feed(state, 91_000, { temp: 10 });
  assert.equal(stats.temp.max, 4);
  assert.equal(machineWindowStats(state).temp.max, 10);
});

Deno.test("machineWindowStats keeps a metric named __proto__ as an own key", () => {
  const state = newMachineState(ref);
  feed(state, 1_000, { ["__proto__"]: 7 } as Record<string, number>);
  const stats = machineWindowStats(state);
  assert.ok(Object.hasOwn(stats, "__proto__"));
  assert.equal(JSON.parse(JSON.stringify(stats))["__proto__"].mean, 7);
});

Deno.test("storedWindowStats gives a snapshot's windows as the actor held them", () => {
  const state = newMachineState(ref);
  [20, 22, 19, 25, 21, 23, 18].forEach((temp, i) =>
    feed(state, 1_000 * (i + 1), { temp, ["__proto__"]: i })
  );
  const snapshot: MachineSnapshot = JSON.parse(JSON.stringify(snapshotMachine(state)));
  const stored = storedWindowStats(snapshot, options.window);
  assert.deepEqual(stored, machineWindowStats(state));
  assert.deepEqual(Object.keys(stored), ["temp", "__proto__"]);
  assert.equal(stored.temp.count, 5);
  // Rebuilt with the bounds given, as a restore would: a shorter window keeps the newest values.
  const shorter = storedWindowStats(snapshot, { maxCount: 2, maxAgeMs: 60_000 });
  assert.deepEqual([shorter.temp.count, shorter.temp.min, shorter.temp.from], [2, 18, 6_000]);
});

Deno.test("storedWindowStats reads older snapshots and metrics saved without a window", () => {
  const metric = { lastTs: 2_000, lastValue: 4, lastAnomalous: false, twoState: false };
  const snapshot: MachineSnapshot = {
    version: 1,
    status: "normal",
    lastReceivedAt: 2_000,
    lastBreachAt: null,
    sigmaAnomalyTimes: [],
    // Before `windows` existed, each metric carried its own; a partial snapshot carries none.
    metrics: { temp: { ...metric, window: [[1_000, 2], [2_000, 4]] }, rpm: metric },
  };
  const stats = storedWindowStats(snapshot, options.window);
  assert.deepEqual(stats.temp, {
    count: 2,
    mean: 3,
    stddev: Math.SQRT2,
    min: 2,
    max: 4,
    from: 1_000,
    to: 2_000,
  });
  assert.deepEqual(stats.rpm, {
    count: 0,
    mean: null,
    stddev: 0,
    min: null,
    max: null,
    from: null,
    to: null,
  });
});

Deno.test("currentWindowStats prefers the live actor, then its last snapshot, else nothing", () => {
  const state = newMachineState(ref);
  feed(state, 1_000, { temp: 20 });
  const snapshot = snapshotMachine(state);
  feed(state, 2_000, { temp: 30 });
  const registry = (live: boolean, stored: boolean) => ({
    inspect: <T>(_ref: unknown, read: (s: Readonly<MachineState>) => T) =>
      live ? read(state) : undefined,
    stored: () => stored ? snapshot : undefined,
  });
  assert.equal(currentWindowStats(registry(true, true), ref)?.temp.count, 2, "the live actor");
  assert.equal(currentWindowStats(registry(false, true), ref)?.temp.count, 1, "its snapshot");
  assert.equal(currentWindowStats(registry(false, false), ref), undefined);
});
