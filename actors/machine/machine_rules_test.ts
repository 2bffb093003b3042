import assert from "node:assert/strict";
import type { AlertEvent, EngineEvent } from "../../engine/events.ts";
import type { Rule } from "../../engine/rules/mod.ts";
import { OVEN_HOT } from "./_oven_rule.ts";
import { handleMachineMessage, type MachineMessage } from "./machine_handler.ts";
import {
  DEFAULT_MACHINE_OPTIONS,
  newMachineState,
  restoreMachine,
  snapshotMachine,
} from "./machine_state.ts";

const ref = { factory: "plant-1", machine: "oven-01" };
const options = DEFAULT_MACHINE_OPTIONS;
const hot = OVEN_HOT;

const sample = (ts: number, temp: number): MachineMessage => ({
  kind: "telemetry",
  ts,
  metrics: { temp },
});
const alerts = (events: EngineEvent[]) =>
  events.filter((e): e is AlertEvent => e.type === "alert").map((e) => `${e.action}@${e.ts}`);

function feed(state: ReturnType<typeof newMachineState>, from: number, to: number, temp: number) {
  const out: string[] = [];
  for (let ts = from; ts <= to; ts += 10_000) {
    out.push(...alerts(handleMachineMessage(state, sample(ts, temp), ts, options).events));
  }
  return out;
}

Deno.test("machine rules raise after 'for', clear with hysteresis, as alert events", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [hot] });
  assert.deepEqual(feed(state, 0, 50_000, 260), [], "not before 60 s");
  assert.deepEqual(feed(state, 60_000, 60_000, 260), ["raised@60000"]);
  assert.deepEqual(feed(state, 70_000, 90_000, 245), [], "between clear and raise: stays");
  assert.deepEqual(feed(state, 100_000, 100_000, 239), ["cleared@100000"]);
  const raised = handleMachineMessage(state, sample(200_000, 300), 200_000, options);
  assert.deepEqual(alerts(raised.events), []);
});

Deno.test("machine rules: a redelivered point raises no second alert", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [{ ...hot, forMs: 0 }] });
  const first = handleMachineMessage(state, sample(1_000, 300), 1_000, options);
  const again = handleMachineMessage(state, sample(1_000, 300), 1_050, options);
  assert.deepEqual(alerts(first.events), ["raised@1000"]);
  assert.deepEqual(alerts(again.events), []);
});

Deno.test("machine rules survive a snapshot: 'for' keeps its elapsed time, active alerts stay", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [hot] });
  feed(state, 0, 40_000, 260);
  const restored = restoreMachine(
    ref,
    JSON.parse(JSON.stringify(snapshotMachine(state))),
    { thresholds: {}, rules: [hot] },
    options,
  );
  assert.deepEqual(
    feed(restored, 50_000, 60_000, 260),
    ["raised@60000"],
    "raised on the original schedule",
  );
  const again = restoreMachine(
    ref,
    JSON.parse(JSON.stringify(snapshotMachine(restored))),
    { thresholds: {}, rules: [hot] },
    options,
  );
  assert.deepEqual(feed(again, 70_000, 200_000, 260), [], "the active alert is not raised again");
});

Deno.test("machine rules follow rule messages for their own factory only", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [{ ...hot, forMs: 0 }] });
  feed(state, 0, 0, 300);
  const other = handleMachineMessage(
    state,
    { kind: "rules", factory: "plant-2", rules: [] },
    1_000,
    options,
  );
  assert.deepEqual(alerts(other.events), []);
  const deleted = handleMachineMessage(
    state,
    { kind: "rules", factory: "plant-1", rules: [] },
    1_000,
    options,
  );
  const cleared = deleted.events.find((e): e is AlertEvent => e.type === "alert")!;
  assert.equal(cleared.action, "cleared");
  assert.equal(cleared.reason, "rule_deleted");
});

/** Only between 08:00 and 09:00 local time. */
const morning: Rule = {
  ...hot,
  forMs: 0,
  schedule: { hours: [{ from: "08:00", to: "09:00" }] },
};
/** 07:30 UTC: 08:30 in Berlin (winter), inside `morning` there but not in UTC. */
const at = Date.UTC(2027, 0, 15, 7, 30);

Deno.test("machine rules' schedules without a zone of their own are in the factory's zone", () => {
  const berlin = newMachineState(ref, {
    thresholds: {},
    rules: [morning],
    timeZone: "Europe/Berlin",
  });
  assert.deepEqual(alerts(handleMachineMessage(berlin, sample(at, 300), at, options).events), [
    `raised@${at}`,
  ]);
  const utc = newMachineState(ref, { thresholds: {}, rules: [morning] });
  assert.deepEqual(alerts(handleMachineMessage(utc, sample(at, 300), at, options).events), []);
  // A snapshot taken in UTC restored in Berlin follows the factory's zone.
  const restored = restoreMachine(ref, snapshotMachine(utc), {
    thresholds: {},
    rules: [morning],
    timeZone: "Europe/Berlin",
  }, options);
  assert.equal(restored.ruleState.target.timeZone, "Europe/Berlin");
});

Deno.test("machine rules follow a factory's new time zone at once", () => {
  const state = newMachineState(ref, { thresholds: {}, rules: [morning] });
  assert.deepEqual(alerts(handleMachineMessage(state, sample(at, 300), at, options).events), []);
  const elsewhere = handleMachineMessage(
    state,
    { kind: "timeZone", factory: "plant-2", timeZone: "Europe/Berlin" },
    at + 100,
    options,
  );
  assert.deepEqual(alerts(elsewhere.events), [], "another factory's zone changes nothing");
  assert.equal(state.ruleState.target.timeZone, "UTC");
  // Berlin: the window is open now, and the hot value seen is judged at once.
  const moved = handleMachineMessage(
    state,
    { kind: "timeZone", factory: "plant-1", timeZone: "Europe/Berlin" },
    at + 200,
    options,
  );
  assert.equal(state.ruleState.target.timeZone, "Europe/Berlin");
  assert.equal(alerts(moved.events).length, 1);
  assert.match(alerts(moved.events)[0], /^raised@/);
});
