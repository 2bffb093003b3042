import assert from "node:assert/strict";
import { describePath, RuleProblems } from "./rule_problems.ts";

Deno.test("RuleProblems finds messages at a path and below it, minus the paths shown elsewhere", () => {
  const problems = new RuleProblems([
    { path: "/condition/any/1/value", message: "must be a finite number" },
    { path: "/condition/any/1/value/1", message: "high must be a number" },
    { path: "/condition/any/1", message: "nests too deep" },
    { path: "/severity", message: "must be one of low, medium, high, critical" },
  ]);
  assert.deepEqual(problems.at("/condition/any/1/value"), ["must be a finite number"]);
  assert.deepEqual(
    problems.within("/condition/any/1", ["/condition/any/1/value"]).map((p) => p.message),
    ["nests too deep"],
  );
  assert.equal(problems.within("/condition").length, 3);
  assert.equal(new RuleProblems().empty, true);
});

Deno.test("describePath names a JSON pointer in words", () => {
  assert.equal(describePath("/condition/any/1/value"), "Condition › any #2 › value");
  assert.equal(describePath("/schedule/hours/0/from"), "Schedule › hours #1 › from");
  assert.equal(describePath(""), "Rule");
});
