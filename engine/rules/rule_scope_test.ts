import assert from "node:assert/strict";
import { machineTypeOf, ruleAppliesTo } from "./rule_scope.ts";

Deno.test("machineTypeOf strips a trailing -NN", () => {
  const table: Array<[string, string]> = [
    ["press-01", "press"],
    ["press-7", "press"],
    ["cnc-mill-12", "cnc-mill"],
    ["boiler", "boiler"],
    ["line-a", "line-a"],
    ["-01", "-01"],
  ];
  for (const [machine, type] of table) assert.equal(machineTypeOf(machine), type, machine);
});

Deno.test("ruleAppliesTo matches the factory, then listed machines or types", () => {
  const press = { factory: "f", machine: "press-01" };
  const table: Array<
    [Parameters<typeof ruleAppliesTo>[0], typeof press & { machineType?: string }, boolean]
  > = [
    [{ factory: "f" }, press, true],
    [{ factory: "g" }, press, false],
    [{ factory: "f", machineTypes: ["press"] }, press, true],
    [{ factory: "f", machineTypes: ["mill"] }, press, false],
    [{ factory: "f", machines: ["press-01"] }, press, true],
    [{ factory: "f", machines: ["press-02"] }, press, false],
    [{ factory: "f", machineTypes: ["mill"], machines: ["press-01"] }, press, true],
    [{ factory: "f", machineTypes: ["stamp"] }, { ...press, machineType: "stamp" }, true],
    [{ factory: "f", machineTypes: ["press"] }, { ...press, machineType: "stamp" }, false],
  ];
  for (const [scope, target, applies] of table) {
    assert.equal(ruleAppliesTo(scope, target), applies, JSON.stringify([scope, target]));
  }
});
