import assert from "node:assert/strict";
import { type Rule, SEVERITIES, validateRule, WEEKDAYS } from "../../engine/rules/mod.ts";
import {
  childPath,
  conditionToDraft,
  draftToRuleJson,
  durationDraft,
  type GroupDraft,
  machinesInScope,
  newPredicate,
  newRuleDraft,
  nodePath,
  ruleToDraft,
  SEVERITY_OPTIONS,
  updateNode,
  WEEKDAY_OPTIONS,
} from "./rule_draft.ts";

const rule: Rule = {
  id: "press-vibration",
  name: "Press vibration",
  version: 4,
  enabled: false,
  scope: { factory: "plant-1", machineTypes: ["press"], machines: ["cnc-01"] },
  condition: {
    all: [
      { kind: "metric", metric: "vibration", op: ">", value: 7.1, clearValue: 6.5 },
      {
        any: [
          { kind: "metric", metric: "temp", op: "outside", value: [10, 80], clearValue: [12, 78] },
          { kind: "rate", metric: "temp", windowMs: 300_000, op: ">=", value: 2 },
          { not: { kind: "status", value: "stale" } },
          { kind: "anomaly" },
          { kind: "anomaly_score", metric: "temp", value: 4, clearValue: 3 },
          { kind: "no_data", metric: "rpm", forMs: 90_000 },
          { kind: "forecast_crosses", metric: "temp", op: ">", value: 90, withinMs: 7_200_000 },
        ],
      },
    ],
  },
  forMs: 120_000,
  severity: "high",
  cooldownMs: 600_000,
  schedule: {
    timeZone: "Europe/Berlin",
    weekdays: ["mon", "fri"],
    hours: [{ from: "22:00", to: "06:00" }],
    dates: [{ from: "2027-01-01", to: "2027-03-31" }],
  },
  flapping: { transitions: 4, windowMs: 300_000 },
};

Deno.test("ruleToDraft and draftToRuleJson round-trip every predicate and setting", () => {
  const json = draftToRuleJson(ruleToDraft(rule), "plant-1");
  const checked = validateRule({ ...json, version: 4 });
  assert.ok(checked.ok, JSON.stringify(!checked.ok && checked.errors));
  assert.deepEqual(checked.rule, rule);
  const { flapping: _, schedule: __, ...plain } = rule;
  const off = draftToRuleJson(ruleToDraft({ ...plain, flapping: false }), "plant-1");
  assert.equal(off.flapping, false);
  assert.equal(off.schedule, undefined);
});

Deno.test("draftToRuleJson sends text that is not a number as typed, for validation to name", () => {
  const draft = newRuleDraft({ metric: "temp" });
  const json = draftToRuleJson({
    ...draft,
    name: "Hot",
    condition: { ...newPredicate("temp"), value: "8o", clearValue: " 75 " },
    forDuration: { amount: "1.5", unit: "min" },
    cooldown: { amount: "soon", unit: "min" },
  }, "f");
  assert.deepEqual(json.condition, {
    kind: "metric",
    metric: "temp",
    op: ">",
    value: "8o",
    clearValue: 75,
  });
  assert.equal(json.forMs, 90_000);
  assert.equal(json.cooldownMs, "soon");
  assert.deepEqual(json.scope, { factory: "f" });
  assert.equal("id" in json, false, "a new rule's id is made by the server");
  const result = validateRule({ ...json, id: "x", version: 1 });
  assert.ok(!result.ok);
  assert.deepEqual(result.errors.map((e) => e.path), ["/condition/value", "/cooldownMs"]);
});

Deno.test("draftToRuleJson sends hysteresis only where a rule may have it", () => {
  const hot = { ...newPredicate("temp"), value: "80", clearValue: "75" };
  const draft = { ...newRuleDraft(), name: "Hot" };
  const plain = draftToRuleJson({ ...draft, condition: hot }, "f");
  assert.deepEqual((plain.condition as { clearValue?: number }).clearValue, 75);
  const negated = draftToRuleJson({ ...draft, condition: { ...hot, negated: true } }, "f");
  assert.deepEqual(negated.condition, {
    not: { kind: "metric", metric: "temp", op: ">", value: 80 },
  });
  const explicit = draftToRuleJson({ ...draft, condition: hot, useClear: true, clear: hot }, "f");
  assert.equal("clearValue" in (explicit.condition as object), false);
  assert.equal("clearValue" in (explicit.clear as object), false);
});

Deno.test("nodePath and childPath give the JSON pointers validation uses", () => {
  const draft = conditionToDraft(rule.condition) as GroupDraft;
  const inner = draft.children[1] as GroupDraft;
  assert.equal(childPath("/condition", draft, 1), "/condition/all/1");
  const statusAt = childPath("/condition/all/1", inner, 2);
  assert.equal(statusAt, "/condition/all/1/any/2");
  assert.equal(nodePath(statusAt, inner.children[2]), "/condition/all/1/any/2/not");
});

Deno.test("updateNode replaces or removes one node and keeps the others", () => {
  const draft = conditionToDraft(rule.condition) as GroupDraft;
  const target = (draft.children[1] as GroupDraft).children[0];
  const removed = updateNode(draft, target.key, () => null) as GroupDraft;
  assert.equal((removed.children[1] as GroupDraft).children.length, 6);
  assert.equal(removed.children[0], draft.children[0], "untouched nodes are the same objects");
  const negated = updateNode(draft, target.key, (n) => ({ ...n, negated: true })) as GroupDraft;
  assert.equal((negated.children[1] as GroupDraft).children[0].negated, true);
  assert.equal(updateNode(draft, "nope", () => null), draft);
});

Deno.test("durationDraft picks the largest whole unit", () => {
  assert.deepEqual(durationDraft(0), { amount: "0", unit: "s" });
  assert.deepEqual(durationDraft(90_000), { amount: "90", unit: "s" });
  assert.deepEqual(durationDraft(7_200_000), { amount: "2", unit: "h" });
  assert.deepEqual(durationDraft(1_500), { amount: "1.5", unit: "s" });
});

Deno.test("machinesInScope matches listed machines and types, or all without a list", () => {
  const machines = [
    { machine: "press-01", type: "press" },
    { machine: "press-02", type: "press" },
    { machine: "cnc-01", type: "cnc" },
  ];
  assert.equal(machinesInScope(machines, { machineTypes: [], machines: [] }).length, 3);
  assert.deepEqual(
    machinesInScope(machines, { machineTypes: ["press"], machines: ["cnc-01"] }).length,
    3,
  );
  assert.deepEqual(
    machinesInScope(machines, { machineTypes: [], machines: ["press-02"] }).map((m) => m.machine),
    ["press-02"],
  );
});

Deno.test("the editor's option lists match the engine's", () => {
  assert.deepEqual([...SEVERITY_OPTIONS], [...SEVERITIES]);
  assert.deepEqual([...WEEKDAY_OPTIONS], [...WEEKDAYS]);
});
