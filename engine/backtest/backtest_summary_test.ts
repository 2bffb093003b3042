import assert from "node:assert/strict";
import type { RuleTransition } from "../rules/mod.ts";
import { summarizeBacktest } from "./backtest_summary.ts";

const base = {
  factory: "f",
  machine: "m",
  ruleId: "r",
  ruleName: "R",
  ruleVersion: 1,
  severity: "high" as const,
  explanation: "",
  values: {},
};
const raised = (at: number, held = false): RuleTransition => ({
  ...base,
  type: "raised",
  at,
  alertId: `r:m:${at}`,
  held,
});
const cleared = (at: number, from: number): RuleTransition => ({
  ...base,
  type: "cleared",
  at,
  alertId: `r:m:${from}`,
  reason: "condition",
  held: false,
});

Deno.test("summarizeBacktest counts raises and adds active time, open alerts up to the end", () => {
  assert.deepEqual(
    summarizeBacktest([
      raised(1_000),
      cleared(4_000, 1_000),
      { ...base, type: "suppressed", at: 5_000, reason: "cooldown", until: 9_000 },
      raised(10_000, true),
    ], 12_500),
    { raises: 2, heldRaises: 1, suppressed: 1, flapping: 0, activeMs: 5_500, activeAtEnd: true },
  );
  assert.deepEqual(summarizeBacktest([], 1), {
    raises: 0,
    heldRaises: 0,
    suppressed: 0,
    flapping: 0,
    activeMs: 0,
    activeAtEnd: false,
  });
});
