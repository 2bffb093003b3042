import assert from "node:assert/strict";
import { MINUTE, SECOND, T0, TestMachine, testRule } from "./_rule_test_support.ts";
import type { Condition } from "./rule.ts";
import type { RuleSample } from "./rule_input.ts";

type Step =
  | { at: number; values: Record<string, number>; extras?: Partial<RuleSample> }
  | { tick: number; status?: RuleSample["status"] };

/** Runs steps through a fresh machine; returns whether an alert is active at the end. */
function activeAfter(condition: Condition, steps: Step[]): boolean {
  const machine = new TestMachine([testRule({ condition })]);
  for (const step of steps) {
    if ("tick" in step) machine.tick(step.tick, step.status);
    else machine.sample(step.at, step.values, step.extras);
  }
  return (machine.state.rules.r1?.active ?? null) !== null;
}

const one = (values: Record<string, number>, extras?: Partial<RuleSample>): Step[] => [
  { at: T0, values, extras },
];
/** A ramp of `perMinute` units per minute, one sample a second for `seconds`. */
const ramp = (metric: string, perMinute: number, seconds: number): Step[] =>
  Array.from({ length: seconds + 1 }, (_, i) => ({
    at: T0 + i * SECOND,
    values: { [metric]: 20 + perMinute * i / 60 },
  }));

const vib = (op: ">" | ">=" | "<" | "<=", value: number): Condition => ({
  kind: "metric",
  metric: "vibration",
  op,
  value,
});

const predicateCases: Array<
  { name: string; condition: Condition; steps: Step[]; active: boolean }
> = [
  { name: "> above", condition: vib(">", 7.1), steps: one({ vibration: 7.4 }), active: true },
  { name: "> equal", condition: vib(">", 7.1), steps: one({ vibration: 7.1 }), active: false },
  { name: ">= equal", condition: vib(">=", 7.1), steps: one({ vibration: 7.1 }), active: true },
  { name: ">= below", condition: vib(">=", 7.1), steps: one({ vibration: 7 }), active: false },
  { name: "< below", condition: vib("<", 2), steps: one({ vibration: 1.9 }), active: true },
  { name: "< equal", condition: vib("<", 2), steps: one({ vibration: 2 }), active: false },
  { name: "<= equal", condition: vib("<=", 2), steps: one({ vibration: 2 }), active: true },
  { name: "<= above", condition: vib("<=", 2), steps: one({ vibration: 2.1 }), active: false },
  {
    name: "metric never seen",
    condition: vib(">", 7.1),
    steps: one({ temp: 99 }),
    active: false,
  },
  ...([[50, true], [60, true], [55, true], [49.9, false], [60.1, false]] as const).map((
    [value, active],
  ) => ({
    name: `between [50, 60] at ${value}`,
    condition: { kind: "metric", metric: "temp", op: "between", value: [50, 60] } as Condition,
    steps: one({ temp: value }),
    active,
  })),
  ...([[49.9, true], [60.1, true], [50, false], [60, false]] as const).map((
    [value, active],
  ) => ({
    name: `outside [50, 60] at ${value}`,
    condition: { kind: "metric", metric: "temp", op: "outside", value: [50, 60] } as Condition,
    steps: one({ temp: value }),
    active,
  })),
  {
    name: "rate 60/min over 1 min > 50/min",
    condition: { kind: "rate", metric: "temp", windowMs: MINUTE, op: ">", value: 50 },
    steps: ramp("temp", 60, 60),
    active: true,
  },
  {
    name: "rate 40/min over 1 min > 50/min",
    condition: { kind: "rate", metric: "temp", windowMs: MINUTE, op: ">", value: 50 },
    steps: ramp("temp", 40, 60),
    active: false,
  },
  {
    name: "rate unknown before half the window (20 s of 60 s)",
    condition: { kind: "rate", metric: "temp", windowMs: MINUTE, op: ">", value: 50 },
    steps: ramp("temp", 600, 20),
    active: false,
  },
  {
    name: "falling rate -30/min < -20/min",
    condition: { kind: "rate", metric: "temp", windowMs: MINUTE, op: "<", value: -20 },
    steps: ramp("temp", -30, 90),
    active: true,
  },
  {
    name: "rate only counts the window: fast rise long ago, flat now",
    condition: { kind: "rate", metric: "temp", windowMs: MINUTE, op: ">", value: 5 },
    steps: [...ramp("temp", 600, 30), { at: T0 + 3 * MINUTE, values: { temp: 320 } }, {
      at: T0 + 4 * MINUTE,
      values: { temp: 320 },
    }],
    active: false,
  },
  {
    name: "anomaly flag on the metric",
    condition: { kind: "anomaly", metric: "vibration" },
    steps: one({ vibration: 9, temp: 20 }, { anomalous: ["vibration"] }),
    active: true,
  },
  {
    name: "anomaly flag on another metric",
    condition: { kind: "anomaly", metric: "vibration" },
    steps: one({ vibration: 9, temp: 20 }, { anomalous: ["temp"] }),
    active: false,
  },
  {
    name: "anomaly on any metric",
    condition: { kind: "anomaly" },
    steps: one({ vibration: 9, temp: 20 }, { anomalous: ["temp"] }),
    active: true,
  },
  {
    name: "anomaly flag only in an earlier point",
    condition: { kind: "anomaly", metric: "vibration" },
    steps: [
      { at: T0, values: { vibration: 9 }, extras: { anomalous: ["vibration"] } },
      { at: T0 + SECOND, values: { vibration: 5 } },
    ],
    active: false,
  },
  {
    name: "anomaly score ≥ 4 at 4.2",
    condition: { kind: "anomaly_score", metric: "vibration", value: 4 },
    steps: one({ vibration: 9 }, { scores: { vibration: 4.2 } }),
    active: true,
  },
  {
    name: "anomaly score ≥ 4 at 3.9",
    condition: { kind: "anomaly_score", metric: "vibration", value: 4 },
    steps: one({ vibration: 9 }, { scores: { vibration: 3.9 } }),
    active: false,
  },
  {
    name: "anomaly score of an earlier value does not linger",
    condition: { kind: "anomaly_score", metric: "vibration", value: 4 },
    steps: [
      { at: T0, values: { vibration: 9 }, extras: { scores: { vibration: 6 } } },
      { at: T0 + SECOND, values: { vibration: 5 } },
    ],
    active: false,
  },
  {
    name: "forecast crosses within the horizon",
    condition: {
      kind: "forecast_crosses",
      metric: "temp",
      op: ">",
      value: 90,
      withinMs: 15 * MINUTE,
    },
    steps: one({ temp: 80 }, {
      forecasts: [{
        metric: "temp",
        points: [{ ts: T0 + 5 * MINUTE, value: 85 }, { ts: T0 + 10 * MINUTE, value: 95 }],
      }],
    }),
    active: true,
  },
  {
    name: "forecast crosses only after the horizon",
    condition: {
      kind: "forecast_crosses",
      metric: "temp",
      op: ">",
      value: 90,
      withinMs: 5 * MINUTE,
    },
    steps: one({ temp: 80 }, {
      forecasts: [{
        metric: "temp",
        points: [{ ts: T0 + 5 * MINUTE, value: 85 }, { ts: T0 + 10 * MINUTE, value: 95 }],
      }],
    }),
    active: false,
  },
  {
    name: "no forecast at all",
    condition: {
      kind: "forecast_crosses",
      metric: "temp",
      op: ">",
      value: 90,
      withinMs: 15 * MINUTE,
    },
    steps: one({ temp: 95 }),
    active: false,
  },
  {
    name: "no_data for a metric the machine stopped sending",
    condition: { kind: "no_data", metric: "vibration", forMs: MINUTE },
    steps: [
      { at: T0, values: { vibration: 5, temp: 20 } },
      { at: T0 + 30 * SECOND, values: { temp: 20 } },
      { at: T0 + 61 * SECOND, values: { temp: 20 } },
    ],
    active: true,
  },
  {
    name: "no_data for a metric still arriving",
    condition: { kind: "no_data", metric: "vibration", forMs: MINUTE },
    steps: [
      { at: T0, values: { vibration: 5 } },
      { at: T0 + 50 * SECOND, values: { vibration: 5 } },
      { tick: T0 + 61 * SECOND },
    ],
    active: false,
  },
  {
    name: "no_data for any metric, driven by ticks",
    condition: { kind: "no_data", forMs: MINUTE },
    steps: [{ at: T0, values: { vibration: 5 } }, { tick: T0 + 60 * SECOND }],
    active: true,
  },
  {
    name: "no_data for any metric, 59 s",
    condition: { kind: "no_data", forMs: MINUTE },
    steps: [{ at: T0, values: { vibration: 5 } }, { tick: T0 + 59 * SECOND }],
    active: false,
  },
  {
    name: "status equals stale",
    condition: { kind: "status", value: "stale" },
    steps: [{ at: T0, values: { vibration: 5 } }, { tick: T0 + 40 * SECOND, status: "stale" }],
    active: true,
  },
  {
    name: "status is normal, not stale",
    condition: { kind: "status", value: "stale" },
    steps: [{ at: T0, values: { vibration: 5 } }, { tick: T0 + 40 * SECOND }],
    active: false,
  },
  {
    name: "all: both hold",
    condition: { all: [vib(">", 7), { kind: "metric", metric: "temp", op: ">", value: 80 }] },
    steps: one({ vibration: 8, temp: 81 }),
    active: true,
  },
  {
    name: "all: one fails",
    condition: { all: [vib(">", 7), { kind: "metric", metric: "temp", op: ">", value: 80 }] },
    steps: one({ vibration: 8, temp: 79 }),
    active: false,
  },
  {
    name: "any: one holds",
    condition: { any: [vib(">", 7), { kind: "metric", metric: "temp", op: ">", value: 80 }] },
    steps: one({ vibration: 6, temp: 81 }),
    active: true,
  },
  {
    name: "any: none holds",
    condition: { any: [vib(">", 7), { kind: "metric", metric: "temp", op: ">", value: 80 }] },
    steps: one({ vibration: 6, temp: 79 }),
    active: false,
  },
  {
    name: "not",
    condition: { not: { kind: "status", value: "normal" } },
    steps: one({ vibration: 6 }, { status: "anomalous" }),
    active: true,
  },
  {
    name: "not of a holding predicate",
    condition: { not: vib(">", 7) },
    steps: one({ vibration: 8 }),
    active: false,
  },
];

for (const { name, condition, steps, active } of predicateCases) {
  Deno.test(`evaluateRules predicate: ${name}`, () => {
    assert.equal(activeAfter(condition, steps), active);
  });
}

Deno.test("evaluateRules explains a raise with values and the for duration", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7.1), forMs: 2 * MINUTE })]);
  machine.sample(T0, { vibration: 7.3, temp: 20 });
  const [raised] = machine.sample(T0 + 2 * MINUTE, { vibration: 7.4, temp: 21 });
  assert.equal(raised.type, "raised");
  assert.equal(raised.explanation, "vibration 7.4 > 7.1 for 2 min");
  assert.deepEqual(raised.values, { vibration: 7.4 });
  assert.equal(raised.type === "raised" && raised.alertId, `r1:press-01:${T0 + 2 * MINUTE}`);
  assert.equal(raised.severity, "high");
  assert.equal(raised.ruleVersion, 1);
});

Deno.test("evaluateRules explains the branch of a tree that decided", () => {
  const condition: Condition = {
    all: [
      { any: [vib(">", 7.1), { kind: "anomaly", metric: "vibration" }] },
      { not: { kind: "status", value: "stale" } },
    ],
  };
  const machine = new TestMachine([testRule({ condition })]);
  const [raised] = machine.sample(T0, { vibration: 5 }, { anomalous: ["vibration"] });
  assert.equal(raised.explanation, "vibration anomalous and status normal, not stale");
  const [cleared] = machine.sample(T0 + SECOND, { vibration: 5 });
  assert.equal(cleared.type, "cleared");
  assert.equal(cleared.explanation, "vibration 5 ≤ 7.1 and vibration not anomalous");
});

Deno.test("evaluateRules raises only after the for duration and restarts it on a break", () => {
  // [seconds after T0, vibration, raised at this step?]
  const table: Array<[number, number, boolean]> = [
    [0, 8, false], // timer starts
    [60, 8, false],
    [90, 6, false], // breaks: timer reset
    [100, 8, false], // restarts at 100
    [219, 8, false], // 119 s
    [220, 8, true], // 120 s
    [221, 8, false], // already active: no second alert
    [300, 8, false],
  ];
  const machine = new TestMachine([testRule({ condition: vib(">", 7), forMs: 2 * MINUTE })]);
  for (const [seconds, vibration, raises] of table) {
    const transitions = machine.sample(T0 + seconds * SECOND, { vibration });
    assert.equal(transitions.some((t) => t.type === "raised"), raises, `at ${seconds} s`);
  }
  assert.deepEqual(machine.types(), ["raised"]);
});

Deno.test("evaluateRules completes a for timer on ticks between sparse samples", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7), forMs: 2 * MINUTE })]);
  machine.sample(T0, { vibration: 8 });
  assert.deepEqual(machine.tick(T0 + 119 * SECOND), []);
  assert.equal(machine.tick(T0 + 120 * SECOND)[0]?.type, "raised");
});

Deno.test("evaluateRules hysteresis does not flap between the clear and raise thresholds", () => {
  const condition: Condition = {
    kind: "metric",
    metric: "temp",
    op: ">",
    value: 90,
    clearValue: 85,
  };
  const values = [80, 91, 88, 86, 89, 90.5, 85, 84.9, 88, 89.9, 90.1];
  const expected = ["", "raised", "", "", "", "", "", "cleared", "", "", "raised"];
  const machine = new TestMachine([testRule({ condition })]);
  const seen = values.map((temp, i) =>
    machine.sample(T0 + i * SECOND, { temp }).map((t) => t.type).join()
  );
  assert.deepEqual(seen, expected);
  assert.equal(machine.log[1].explanation, "temp 84.9 < 85");
});

Deno.test("evaluateRules hysteresis on a band and on a falling threshold", () => {
  const band = new TestMachine([testRule({
    condition: {
      kind: "metric",
      metric: "p",
      op: "outside",
      value: [10, 20],
      clearValue: [12, 18],
    },
  })]);
  const bandSeen = [21, 19, 18.5, 18, 25, 11, 12].map((p, i) =>
    band.sample(T0 + i * SECOND, { p }).map((t) => t.type).join()
  );
  assert.deepEqual(bandSeen, ["raised", "", "", "cleared", "raised", "", "cleared"]);

  const low = new TestMachine([testRule({
    condition: { kind: "metric", metric: "oil", op: "<", value: 10, clearValue: 15 },
  })]);
  const lowSeen = [9, 12, 15, 15.1].map((oil, i) =>
    low.sample(T0 + i * SECOND, { oil }).map((t) => t.type).join()
  );
  assert.deepEqual(lowSeen, ["raised", "", "", "cleared"]);
});

Deno.test("evaluateRules clears by an explicit clear condition", () => {
  const machine = new TestMachine([testRule({
    condition: { kind: "anomaly", metric: "vibration" },
    clear: { kind: "metric", metric: "vibration", op: "<", value: 3 },
  })]);
  const seen = [[9, true], [5, false], [4, false], [2.5, false]].map(([vibration, flagged], i) =>
    machine.sample(T0 + i * SECOND, { vibration: vibration as number }, {
      anomalous: flagged ? ["vibration"] : [],
    }).map((t) => `${t.type}: ${t.explanation}`).join()
  );
  assert.deepEqual(seen, ["raised: vibration anomalous", "", "", "cleared: vibration 2.5 < 3"]);
});

Deno.test("evaluateRules keeps a cooldown after a clear, said once, then raises", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7), cooldownMs: 5 * MINUTE })]);
  machine.sample(T0, { vibration: 8 });
  machine.sample(T0 + MINUTE, { vibration: 6 }); // cleared
  const during = [2, 3, 4].map((m) => machine.sample(T0 + m * MINUTE, { vibration: 8 }));
  assert.equal(during[0][0]?.type, "suppressed");
  assert.equal(during[0][0].type === "suppressed" && during[0][0].until, T0 + 6 * MINUTE);
  assert.deepEqual([during[1], during[2]], [[], []]);
  assert.deepEqual(machine.sample(T0 + 6 * MINUTE - 1, { vibration: 8 }), []);
  assert.equal(machine.sample(T0 + 6 * MINUTE, { vibration: 8 })[0]?.type, "raised");
  assert.deepEqual(machine.types(), ["raised", "cleared", "suppressed", "raised"]);
});

Deno.test("evaluateRules raises each (rule, machine) alert once while its condition holds", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7) })]);
  for (let i = 0; i < 100; i++) machine.sample(T0 + i * SECOND, { vibration: 8 + (i % 3) });
  for (let i = 0; i < 100; i++) machine.tick(T0 + 100 * SECOND + i * SECOND);
  assert.deepEqual(machine.types(), ["raised"]);
});

Deno.test("evaluateRules ignores a redelivered sample: one alert", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7) })]);
  const high = { vibration: 8 };
  assert.equal(machine.sample(T0, high)[0]?.type, "raised");
  assert.deepEqual(machine.sample(T0, high), []);
  assert.equal(machine.sample(T0 + SECOND, { vibration: 5 })[0]?.type, "cleared");
  // QoS 1 redelivers the first point after the clear: it must not raise again.
  assert.deepEqual(machine.sample(T0, high, { receivedAt: T0 + 2 * SECOND }), []);
  // …nor leave its stale value behind for the next tick to raise on.
  assert.deepEqual(machine.tick(T0 + 3 * SECOND), []);
  assert.deepEqual(machine.types(), ["raised", "cleared"]);
});

Deno.test("evaluateRules takes new metrics of a point with an already seen timestamp", () => {
  const machine = new TestMachine([testRule({
    condition: { kind: "metric", metric: "temp", op: ">", value: 80 },
  })]);
  machine.sample(T0, { vibration: 5 });
  assert.equal(machine.sample(T0, { temp: 90 })[0]?.type, "raised");
});

Deno.test("evaluateRules restored mid-for keeps the elapsed time", () => {
  const rule = testRule({ condition: vib(">", 7), forMs: 10 * MINUTE });
  const machine = new TestMachine([rule]);
  for (let m = 0; m <= 6; m++) machine.sample(T0 + m * MINUTE, { vibration: 8 });
  machine.restart();
  assert.equal(machine.state.rules.r1.pendingSince, T0);
  for (let m = 7; m < 10; m++) {
    assert.deepEqual(machine.sample(T0 + m * MINUTE, { vibration: 8 }), []);
  }
  assert.equal(machine.sample(T0 + 10 * MINUTE, { vibration: 8 })[0]?.type, "raised");
});

Deno.test("evaluateRules restored with an active alert does not raise it again", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7) })]);
  machine.sample(T0, { vibration: 8 });
  const snapshot = JSON.stringify(machine.state);
  assert.deepEqual(JSON.parse(snapshot), machine.state, "the state is plain JSON");
  machine.restart();
  machine.sample(T0 + SECOND, { vibration: 9 });
  machine.tick(T0 + 5 * SECOND);
  machine.sample(T0, { vibration: 8 }); // redelivered after the restart
  assert.deepEqual(machine.types(), ["raised"]);
  const [cleared] = machine.sample(T0 + 10 * SECOND, { vibration: 1 });
  assert.equal(cleared.type === "cleared" && cleared.alertId, `r1:press-01:${T0}`);
});

Deno.test("evaluateRules during a schedule only: raises inside, holds the alert after", () => {
  // Mon–Fri 08:00–18:00 Berlin (CEST, UTC+2 in May): 06:00–16:00 UTC.
  const rule = testRule({
    condition: vib(">", 7),
    forMs: 10 * MINUTE,
    schedule: {
      weekdays: ["mon", "tue", "wed", "thu", "fri"],
      hours: [{ from: "08:00", to: "18:00" }],
    },
  });
  const machine = new TestMachine([rule], {
    factory: "f",
    machine: "press-01",
    timeZone: "Europe/Berlin",
  });
  const monday = Date.parse("2026-05-04T00:00:00Z");
  const at = (hhmm: string) =>
    monday + Number(hhmm.slice(0, 2)) * 3_600_000 + Number(hhmm.slice(3)) * MINUTE;
  // Condition true from 05:50 UTC: the timer may start only at 06:00 UTC.
  for (let t = at("05:50"); t < at("06:10"); t += MINUTE) {
    assert.deepEqual(machine.sample(t, { vibration: 8 }), [], new Date(t).toISOString());
  }
  assert.equal(machine.sample(at("06:10"), { vibration: 8 })[0]?.type, "raised");
  // Past 16:00 UTC the alert stays until the condition clears.
  assert.deepEqual(machine.sample(at("16:30"), { vibration: 8 }), []);
  assert.equal(machine.sample(at("16:31"), { vibration: 6 })[0]?.type, "cleared");
  // A timer started at 15:55 UTC does not run on past the schedule's end.
  machine.sample(at("15:55") + 86_400_000, { vibration: 8 });
  for (let t = at("16:00") + 86_400_000; t <= at("16:30") + 86_400_000; t += MINUTE) {
    assert.deepEqual(machine.sample(t, { vibration: 8 }), []);
  }
  assert.equal(machine.state.rules.r1.pendingSince, null);
});

Deno.test("evaluateRules flapping: one flapping alert, held transitions, then calm", () => {
  const rule = testRule({
    condition: vib(">", 7),
    flapping: { transitions: 4, windowMs: 5 * MINUTE },
  });
  const machine = new TestMachine([rule]);
  const seen = [8, 6, 8, 6, 8, 6].map((vibration, i) =>
    machine.sample(T0 + i * 10 * SECOND, { vibration }).map((t) =>
      `${t.type}${"held" in t && t.held ? " (held)" : ""}`
    ).join(", ")
  );
  assert.deepEqual(seen, [
    "raised",
    "cleared",
    "raised",
    "flapping, cleared (held)",
    "raised (held)",
    "cleared (held)",
  ]);
  const flapping = machine.log.find((t) => t.type === "flapping")!;
  assert.equal(flapping.alertId, `r1:press-01:${T0 + 30 * SECOND}:flapping`);
  // Calm means no transition for the window: 50 s + 5 min.
  assert.deepEqual(machine.tick(T0 + 50 * SECOND + 5 * MINUTE - 1), []);
  const [ended] = machine.tick(T0 + 50 * SECOND + 5 * MINUTE);
  assert.equal(ended.type, "flapping_ended");
  assert.equal(ended.alertId, flapping.alertId);
  const [raised] = machine.sample(T0 + 10 * MINUTE, { vibration: 8 });
  assert.equal(raised.type === "raised" && raised.held, false);
});

Deno.test("evaluateRules flapping ends naming the alert still active", () => {
  const rule = testRule({
    condition: vib(">", 7),
    flapping: { transitions: 3, windowMs: MINUTE },
  });
  const machine = new TestMachine([rule]);
  [8, 6, 8].forEach((vibration, i) => machine.sample(T0 + i * SECOND, { vibration }));
  const [ended] = machine.tick(T0 + 2 * SECOND + MINUTE);
  assert.equal(
    ended.type === "flapping_ended" && ended.activeAlertId,
    `r1:press-01:${T0 + 2 * SECOND}`,
  );
});

Deno.test("evaluateRules spread-out transitions are not flapping", () => {
  const rule = testRule({ condition: vib(">", 7), flapping: { transitions: 4, windowMs: MINUTE } });
  const machine = new TestMachine([rule]);
  [8, 6, 8, 6, 8, 6].forEach((vibration, i) => machine.sample(T0 + i * 30 * SECOND, { vibration }));
  assert.ok(!machine.types().includes("flapping"));
});

Deno.test("evaluateRules clears alerts of rules disabled, deleted or out of scope", () => {
  const a = testRule({ id: "a", condition: vib(">", 7) });
  const b = testRule({ id: "b", condition: vib(">", 7) });
  const c = testRule({ id: "c", condition: vib(">", 7) });
  const machine = new TestMachine([a, b, c]);
  machine.sample(T0, { vibration: 8 });
  machine.rules = [
    { ...a, version: 2, enabled: false },
    { ...c, version: 2, scope: { factory: "f", machineTypes: ["mill"] } },
  ];
  const transitions = machine.sample(T0 + SECOND, { vibration: 8 });
  const reasons = transitions.map((t) => t.type === "cleared" ? `${t.ruleId} ${t.reason}` : t.type);
  assert.deepEqual(reasons.sort(), ["a rule_disabled", "b rule_deleted", "c out_of_scope"]);
  assert.deepEqual(Object.keys(machine.state.rules), []);
});

Deno.test("evaluateRules restarts the for timer when a new version changes the condition", () => {
  const v1 = testRule({ condition: vib(">", 7), forMs: 5 * MINUTE });
  const machine = new TestMachine([v1]);
  machine.sample(T0, { vibration: 8 });
  machine.sample(T0 + 4 * MINUTE, { vibration: 8 });
  machine.rules = [{ ...v1, version: 2, condition: vib(">", 7.5) }];
  assert.deepEqual(machine.sample(T0 + 5 * MINUTE, { vibration: 8 }), []);
  assert.equal(machine.sample(T0 + 10 * MINUTE, { vibration: 8 })[0]?.ruleVersion, 2);
});

Deno.test("evaluateRules keeps the for timer when a new version changes only the severity", () => {
  const v1 = testRule({ condition: vib(">", 7), forMs: 5 * MINUTE });
  const machine = new TestMachine([v1]);
  machine.sample(T0, { vibration: 8 });
  machine.rules = [{ ...v1, version: 2, severity: "critical" }];
  const [raised] = machine.sample(T0 + 5 * MINUTE, { vibration: 8 });
  assert.equal(raised?.severity, "critical");
});

Deno.test("evaluateRules runs ticks on the device's time axis", () => {
  // The device clock is 10 min behind the engine: no_data must not fire while it sends.
  const rule = testRule({ condition: { kind: "no_data", forMs: MINUTE } });
  const machine = new TestMachine([rule]);
  const skew = 10 * MINUTE;
  for (let s = 0; s < 120; s++) {
    machine.sample(T0 + s * SECOND, { vibration: 5 }, { receivedAt: T0 + skew + s * SECOND });
    machine.tick(T0 + skew + s * SECOND + 500);
  }
  assert.deepEqual(machine.types(), []);
  assert.equal(machine.tick(T0 + skew + 179 * SECOND)[0]?.type, "raised");
});

Deno.test("evaluateRules applies only rules whose scope includes the machine", () => {
  const machine = new TestMachine([
    testRule({
      id: "presses",
      condition: vib(">", 7),
      scope: { factory: "f", machineTypes: ["press"] },
    }),
    testRule({
      id: "mills",
      condition: vib(">", 7),
      scope: { factory: "f", machineTypes: ["mill"] },
    }),
    testRule({
      id: "listed",
      condition: vib(">", 7),
      scope: { factory: "f", machines: ["press-01"] },
    }),
    testRule({ id: "other", condition: vib(">", 7), scope: { factory: "g" } }),
  ]);
  machine.sample(T0, { vibration: 8 });
  assert.deepEqual(machine.log.map((t) => t.ruleId).sort(), ["listed", "presses"]);
});

Deno.test("evaluateRules raises at 08:00 Berlin time on both sides of the spring DST change", () => {
  const rule = testRule({
    condition: vib(">", 7),
    schedule: {
      weekdays: ["mon", "tue", "wed", "thu", "fri"],
      hours: [{ from: "08:00", to: "18:00" }],
    },
  });
  const machine = new TestMachine([rule], {
    factory: "f",
    machine: "press-01",
    timeZone: "Europe/Berlin",
  });
  const days = ["2026-03-27", "2026-03-28", "2026-03-29", "2026-03-30"];
  for (const day of days) {
    const start = Date.parse(`${day}T04:00:00Z`);
    for (let t = start; t < start + 4 * 3_600_000; t += MINUTE) machine.sample(t, { vibration: 8 });
    machine.sample(Date.parse(`${day}T20:00:00Z`), { vibration: 0 });
  }
  const raised = machine.log.filter((t) => t.type === "raised").map((t) =>
    new Date(t.at).toISOString()
  );
  assert.deepEqual(raised, ["2026-03-27T07:00:00.000Z", "2026-03-30T06:00:00.000Z"]);
});

Deno.test("evaluateRules neither crashes on nor pollutes through a metric named constructor", () => {
  const machine = new TestMachine([testRule({ condition: vib(">", 7) })]);
  const values = JSON.parse('{"__proto__": 1, "constructor": 2, "vibration": 8}');
  machine.sample(T0, values, { anomalous: ["constructor"], scores: { constructor: 9 } });
  machine.sample(T0 + SECOND, { constructor: 3, vibration: 9 });
  assert.deepEqual(machine.types(), ["raised"]);
  assert.equal(Object.getPrototypeOf(machine.state.metrics), Object.prototype);
  for (const name of ["ts", "value", "anomalous", "score"]) {
    assert.equal(Object.hasOwn(Object, name), false, `Object.${name} was written`);
  }
});
