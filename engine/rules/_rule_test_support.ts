// Helpers for this folder's tests only.
import type { RuleTransition } from "./alert_transition.ts";
import { evaluateRules } from "./evaluate_rules.ts";
import type { Rule } from "./rule.ts";
import type { RuleSample } from "./rule_input.ts";
import type { RuleTarget } from "./rule_scope.ts";
import { newRuleEngineState, type RuleEngineState } from "./rule_state.ts";

export const T0 = Date.parse("2026-05-04T10:00:00Z");
export const SECOND = 1_000;
export const MINUTE = 60_000;

/** A valid rule with quiet defaults; override what the test is about. */
export function testRule(overrides: Partial<Rule> & Pick<Rule, "condition">): Rule {
  return {
    id: "r1",
    name: "Test rule",
    version: 1,
    enabled: true,
    scope: { factory: "f" },
    forMs: 0,
    severity: "high",
    cooldownMs: 0,
    flapping: false,
    ...overrides,
  };
}

type SampleExtras = Partial<Omit<RuleSample, "kind" | "ts" | "values">> & { receivedAt?: number };

/** Drives one machine's rule state the way the machine actor will. */
export class TestMachine {
  state: RuleEngineState;
  rules: Rule[];
  readonly log: RuleTransition[] = [];

  constructor(rules: Rule[], target: RuleTarget = { factory: "f", machine: "press-01" }) {
    this.rules = rules;
    this.state = newRuleEngineState(target);
  }

  sample(ts: number, values: Record<string, number>, extras: SampleExtras = {}) {
    const { receivedAt, ...rest } = extras;
    const input: RuleSample = {
      kind: "sample",
      ts,
      values,
      anomalous: [],
      status: "normal",
      ...rest,
    };
    return this.#record(evaluateRules(this.state, this.rules, input, receivedAt ?? ts).transitions);
  }

  tick(now: number, status: RuleSample["status"] = "normal") {
    return this.#record(
      evaluateRules(this.state, this.rules, { kind: "tick", status }, now).transitions,
    );
  }

  /** Snapshot to JSON text and back, as passivation does. */
  restart(): void {
    this.state = JSON.parse(JSON.stringify(this.state));
  }

  types(): string[] {
    return this.log.map((t) => t.type);
  }

  #record(transitions: readonly RuleTransition[]): readonly RuleTransition[] {
    this.log.push(...transitions);
    return transitions;
  }
}
