import assert from "node:assert/strict";
import { MINUTE, SECOND, T0, TestMachine, testRule } from "./_rule_test_support.ts";
import { applyRuleChange } from "./apply_rule_change.ts";
import type { Rule } from "./rule.ts";

const v1: Rule = testRule({
  condition: { kind: "metric", metric: "temp", op: ">", value: 90 },
  forMs: 5 * MINUTE,
});

function activeMachine(): TestMachine {
  const machine = new TestMachine([v1]);
  machine.sample(T0, { temp: 95 });
  machine.sample(T0 + 5 * MINUTE, { temp: 95 });
  assert.deepEqual(machine.types(), ["raised"]);
  return machine;
}

Deno.test("applyRuleChange clears the active alert of a disabled rule at once", () => {
  const machine = activeMachine();
  const disabled = { ...v1, version: 2, enabled: false };
  const { transitions } = applyRuleChange(
    machine.state,
    { kind: "upsert", rule: disabled },
    T0 + 6 * MINUTE,
  );
  assert.equal(transitions.length, 1);
  const [cleared] = transitions;
  assert.ok(cleared.type === "cleared");
  assert.deepEqual(
    [cleared.alertId, cleared.reason, cleared.explanation, cleared.held, cleared.at],
    [`r1:press-01:${T0 + 5 * MINUTE}`, "rule_disabled", "rule disabled", false, T0 + 6 * MINUTE],
  );
  assert.equal(machine.state.rules.r1, undefined);
  machine.rules = [disabled];
  assert.deepEqual(machine.sample(T0 + 7 * MINUTE, { temp: 99 }), []);
});

Deno.test("applyRuleChange clears the active alert of a deleted rule", () => {
  const machine = activeMachine();
  const { transitions } = applyRuleChange(
    machine.state,
    { kind: "delete", ruleId: "r1" },
    T0 + 6 * MINUTE,
  );
  assert.deepEqual(transitions.map((t) => t.type === "cleared" && t.reason), ["rule_deleted"]);
});

Deno.test("applyRuleChange keeps an active alert through a threshold change and clears it by the new condition", () => {
  const machine = activeMachine();
  const v2: Rule = {
    ...v1,
    version: 2,
    condition: { kind: "metric", metric: "temp", op: ">", value: 80 },
  };
  assert.deepEqual(
    applyRuleChange(machine.state, { kind: "upsert", rule: v2 }, T0 + 6 * MINUTE).transitions,
    [],
  );
  machine.rules = [v2];
  // 85 would clear under v1 (> 90) but holds under v2 (> 80): still active, not raised again.
  assert.deepEqual(machine.sample(T0 + 7 * MINUTE, { temp: 85 }), []);
  const [cleared] = machine.sample(T0 + 8 * MINUTE, { temp: 79 });
  assert.ok(cleared.type === "cleared");
  assert.equal(cleared.alertId, `r1:press-01:${T0 + 5 * MINUTE}`);
  assert.equal(cleared.ruleVersion, 1, "an alert keeps the version that raised it");
  assert.equal(cleared.explanation, "temp 79 ≤ 80");
});

Deno.test("applyRuleChange restarts a running for timer when the condition changes", () => {
  const machine = new TestMachine([v1]);
  machine.sample(T0, { temp: 95 });
  machine.sample(T0 + 4 * MINUTE, { temp: 95 });
  const v2: Rule = {
    ...v1,
    version: 2,
    condition: { kind: "metric", metric: "temp", op: ">", value: 92 },
  };
  applyRuleChange(machine.state, { kind: "upsert", rule: v2 }, T0 + 4 * MINUTE + 30 * SECOND);
  assert.equal(machine.state.rules.r1.pendingSince, null);
  machine.rules = [v2];
  assert.deepEqual(machine.sample(T0 + 5 * MINUTE, { temp: 95 }), []);
  assert.deepEqual(machine.sample(T0 + 9 * MINUTE, { temp: 95 }), []);
  assert.equal(machine.sample(T0 + 10 * MINUTE, { temp: 95 })[0]?.type, "raised");
});

Deno.test("applyRuleChange keeps the timer, cooldown and alert when only the name or severity changes", () => {
  const machine = new TestMachine([v1]);
  machine.sample(T0, { temp: 95 });
  const v2: Rule = { ...v1, version: 2, name: "Oil hot", severity: "critical" };
  applyRuleChange(machine.state, { kind: "upsert", rule: v2 }, T0 + MINUTE);
  assert.equal(machine.state.rules.r1.pendingSince, T0);
  assert.equal(machine.state.rules.r1.version, 2);
  machine.rules = [v2];
  const [raised] = machine.sample(T0 + 5 * MINUTE, { temp: 95 });
  assert.deepEqual([raised.type, raised.ruleName, raised.severity], [
    "raised",
    "Oil hot",
    "critical",
  ]);
});

Deno.test("applyRuleChange drops rate windows the new condition no longer reads", () => {
  const rate = (windowMs: number): Rule =>
    testRule({ condition: { kind: "rate", metric: "temp", windowMs, op: ">", value: 100 } });
  const machine = new TestMachine([rate(MINUTE)]);
  for (let s = 0; s < 10; s++) machine.sample(T0 + s * SECOND, { temp: 20 });
  assert.deepEqual(Object.keys(machine.state.rules.r1.rates), [`temp|${MINUTE}`]);
  applyRuleChange(
    machine.state,
    { kind: "upsert", rule: { ...rate(2 * MINUTE), version: 2 } },
    T0 + 10 * SECOND,
  );
  assert.deepEqual(Object.keys(machine.state.rules.r1.rates), []);
});

Deno.test("applyRuleChange clears when the machine leaves the rule's scope", () => {
  const machine = activeMachine();
  const narrowed = { ...v1, version: 2, scope: { factory: "f", machines: ["press-02"] } };
  const { transitions } = applyRuleChange(
    machine.state,
    { kind: "upsert", rule: narrowed },
    T0 + 6 * MINUTE,
  );
  assert.deepEqual(transitions.map((t) => t.type === "cleared" && t.reason), ["out_of_scope"]);
});

Deno.test("applyRuleChange of a rule the machine never ran changes nothing", () => {
  const machine = new TestMachine([]);
  const before = JSON.stringify(machine.state);
  assert.deepEqual(
    applyRuleChange(machine.state, { kind: "upsert", rule: v1 }, T0).transitions,
    [],
  );
  assert.equal(JSON.stringify(machine.state), before);
});
