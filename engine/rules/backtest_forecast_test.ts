import assert from "node:assert/strict";
import { MINUTE, SECOND, T0, TestMachine, testRule } from "./_rule_test_support.ts";
import { backtestRule, type BacktestSample } from "./backtest.ts";

const target = { factory: "f", machine: "oven-01" };
const rule = testRule({
  id: "hot-soon",
  condition: { kind: "forecast_crosses", metric: "temp", op: ">", value: 90, withinMs: 5 * MINUTE },
});

/** 1 Hz temperature rising 0.1 per second from 20: it reaches 90 at 700 s. */
function ramp(seconds: number): BacktestSample[] {
  return Array.from({ length: seconds }, (_, s) => ({
    ts: T0 + s * SECOND,
    values: { temp: 20 + 0.1 * s },
  }));
}

Deno.test("backtestRule replays the forecaster for forecast_crosses", () => {
  const transitions = backtestRule(rule, ramp(650), { target });
  const raised = transitions.filter((t) => t.type === "raised");
  assert.equal(raised.length, 1);
  // 90 is 5 min ahead at 400 s; the forecast starts at the latest full 7.5 s
  // step and is refreshed every 5 s, so the raise comes at most ~13 s late.
  const at = (raised[0].at - T0) / SECOND;
  assert.ok(at >= 400 && at <= 413, `raised at ${at} s`);
  assert.match(
    raised[0].explanation,
    /^temp reaches 90 in about (4\.\d|5) min \(80 % \d(\.\d)?–\d(\.\d)? min\)$/,
  );
});

Deno.test("backtestRule without replay leaves forecast_crosses false", () => {
  const transitions = backtestRule(rule, ramp(650), { target, forecast: false });
  assert.deepEqual(transitions, []);
});

Deno.test("forecast_crosses explains with the interval's bounds", () => {
  const machine = new TestMachine([rule]);
  const points = Array.from({ length: 30 }, (_, i) => {
    const h = i + 1;
    // 80 + h per minute; bounds ±0.25 h.
    return { ts: T0 + h * MINUTE, value: 80 + h, low: 80 + 0.75 * h, high: 80 + 1.25 * h };
  });
  // From +6 min the path starts at its first point ahead (87 at +7 min, the
  // bounds too): mean 90 at +10 min, high (+1.25/min) at +8, low (+0.75/min) at +13.3.
  const out = machine.sample(T0, { temp: 80 }, { forecasts: [{ metric: "temp", points }] });
  assert.equal(out.length, 0); // 10 min is not within 5 min
  const later = machine.sample(T0 + 6 * MINUTE, { temp: 86 });
  assert.equal(later.length, 1);
  assert.equal(later[0].explanation, "temp reaches 90 in about 4 min (80 % 2–7.3 min)");
});
