import assert from "node:assert/strict";
import { handleMachineMessage } from "./machine_handler.ts";
import { DEFAULT_MACHINE_OPTIONS, newMachineState } from "./machine_state.ts";
import { machineWindowStats } from "./window_stats.ts";

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
