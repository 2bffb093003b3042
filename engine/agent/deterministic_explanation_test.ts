import assert from "node:assert/strict";
import { deterministicExplanation } from "./deterministic_explanation.ts";

const T0 = Date.UTC(2027, 0, 15, 8);
const MIN = 60_000;
const ALERT = {
  ruleName: "Oil too hot",
  severity: "high" as const,
  machine: "press-01",
  raisedAt: T0,
  explanation: "oil_temp 74.2 > 70 for 2 min",
  values: { oil_temp: 74.2, pressure: 4.25 },
  flapping: false,
};

Deno.test("deterministicExplanation says what was raised and that nothing led up to it", () => {
  assert.equal(
    deterministicExplanation(ALERT, []),
    "Oil too hot (high) on press-01, raised 2027-01-15T08:00:00.000Z: oil_temp 74.2 > 70 for 2 min. " +
      "Values when raised: oil_temp = 74.2, pressure = 4.25. " +
      "No anomaly was flagged on press-01 in the 15 min before.",
  );
});

Deno.test("deterministicExplanation summarises the anomalies of the quarter hour before", () => {
  const text = deterministicExplanation({ ...ALERT, flapping: true }, [
    { ts: T0 - 20 * MIN, machine: "press-01", metric: "oil_temp", reason: "sigma" },
    {
      ts: T0 - 9 * MIN,
      machine: "press-01",
      metric: "oil_temp",
      value: 70.4,
      reason: "sigma",
      score: 2.5,
    },
    {
      ts: T0 - 7 * MIN,
      machine: "press-01",
      metric: "oil_temp",
      value: 71.2,
      reason: "above_threshold",
      score: 3.1,
      expected: { low: 48, high: 70 },
    },
    { ts: T0 - 2 * MIN, machine: "press-02", metric: "oil_temp" },
    { ts: T0 - 1 * MIN, machine: "press-01", metric: "pressure" },
  ]);
  assert.equal(
    text,
    "Oil too hot (high) on press-01, raised 2027-01-15T08:00:00.000Z: oil_temp 74.2 > 70 for 2 min. " +
      "The rule is flapping: it raised and cleared repeatedly. " +
      "Values when raised: oil_temp = 74.2, pressure = 4.25. " +
      "Anomalies flagged in the 15 min before: " +
      "oil_temp ×2 since 9 min before (by sigma, above_threshold; expected 48–70; " +
      "peak-score value 71.2; score 3.1); pressure ×1 since 1 min before.",
  );
});
