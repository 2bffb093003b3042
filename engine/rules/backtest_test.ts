import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { MINUTE, SECOND, T0, TestMachine, testRule } from "./_rule_test_support.ts";
import { backtestRule, type BacktestSample } from "./backtest.ts";
import type { Rule } from "./rule.ts";

const target = { factory: "f", machine: "press-01" };

/** 30 min of 1 Hz vibration: a spike, a slow rise held for minutes, a gap, jitter around the thresholds. */
function history(): BacktestSample[] {
  const samples: BacktestSample[] = [];
  for (let s = 0; s < 30 * 60; s++) {
    if (s >= 840 && s < 960) continue; // two minutes without data
    const minute = Math.floor(s / 60);
    const base = minute >= 5 && minute < 12 ? 8 : minute >= 20 && minute < 25 ? 7 + (s % 7) / 5 : 5;
    const spike = s === 100 ? 4 : 0;
    samples.push({
      ts: T0 + s * SECOND,
      values: { vibration: base + spike },
      anomalous: spike > 0 ? ["vibration"] : [],
    });
  }
  return samples;
}

const rules: Rule[] = [
  testRule({
    id: "vib",
    condition: { kind: "metric", metric: "vibration", op: ">", value: 7.1, clearValue: 6.5 },
    forMs: MINUTE,
    cooldownMs: 2 * MINUTE,
  }),
  testRule({ id: "silent", condition: { kind: "no_data", forMs: 30 * SECOND } }),
  testRule({
    id: "jitter",
    condition: { kind: "metric", metric: "vibration", op: ">", value: 7.5 },
    flapping: { transitions: 4, windowMs: 2 * MINUTE },
  }),
  testRule({ id: "spike", condition: { kind: "anomaly", metric: "vibration" } }),
];

/**
 * The live path: the machine actor receives each point 40 ms after its
 * timestamp (once more as a QoS 1 redelivery now and then), ticks once a
 * second on the engine clock, and is passivated and restored midway.
 */
function live(rule: Rule, samples: BacktestSample[]): unknown[] {
  const clock = new FakeClock(T0);
  const machine = new TestMachine([rule], target);
  const latency = 40;
  let next = T0 + SECOND + latency;
  for (const [i, sample] of samples.entries()) {
    while (next < sample.ts + latency) {
      clock.set(next);
      machine.tick(clock.now());
      next += SECOND;
    }
    clock.set(sample.ts + latency);
    machine.sample(sample.ts, sample.values, {
      anomalous: sample.anomalous,
      receivedAt: clock.now(),
    });
    if (i % 97 === 0) machine.sample(sample.ts, sample.values, { receivedAt: clock.now() + 5 });
    if (i === 700) machine.restart();
  }
  return machine.log;
}

for (const rule of rules) {
  Deno.test(`backtestRule equals live evaluation on the same data: ${rule.id}`, () => {
    const samples = history();
    const backtest = backtestRule(rule, samples, { target, tickMs: SECOND });
    const lived = live(rule, samples);
    assert.ok(backtest.length >= 2, `the data must exercise the rule: ${backtest.length}`);
    assert.deepEqual(backtest, lived);
  });
}

Deno.test("backtestRule reports when the rule would have raised and cleared", () => {
  const transitions = backtestRule(rules[0], history(), { target });
  assert.deepEqual(
    transitions.map((t) => [t.type, (t.at - T0) / SECOND]),
    // Minutes 20–25 jitter down to 7.0 every 7 s, which keeps restarting the `for` timer.
    [["raised", 6 * 60], ["cleared", 12 * 60]],
  );
});

Deno.test("backtestRule ticks past the last sample until asked to", () => {
  const samples = [{ ts: T0, values: { vibration: 5 } }];
  const silent = rules[1];
  assert.deepEqual(backtestRule(silent, samples, { target }), []);
  const [raised] = backtestRule(silent, samples, { target, until: T0 + MINUTE });
  assert.deepEqual([raised.type, raised.at], ["raised", T0 + 30 * SECOND]);
});

Deno.test("backtestRule rejects a tick step that is not a positive integer", () => {
  assert.throws(
    () => backtestRule(rules[0], [], { target, tickMs: 0 }),
    {
      name: "RangeError",
      message: "Cannot backtest: 'tickMs' must be a positive integer: current value is 0",
    },
  );
});
