import assert from "node:assert/strict";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import type { Rule } from "../rules/mod.ts";
import { RuleTable, type RuleTableChange } from "./rule_table.ts";

const rule = (id: string, factory = "plant-1", value = 90): Rule => ({
  id,
  name: `Rule ${id}`,
  version: 0,
  enabled: true,
  scope: { factory },
  condition: { kind: "metric", metric: "temp", op: ">", value },
  forMs: 0,
  severity: "high",
  cooldownMs: 0,
});

Deno.test("RuleTable numbers versions, keeps history and lists current rules per factory", () => {
  const clock = new FakeClock(1_000);
  const table = new RuleTable(openMetadataDb(":memory:"), clock);
  const changes: RuleTableChange[] = [];
  table.onChange((c) => changes.push(c));
  assert.equal(table.save(rule("hot"), "ann").version, 1);
  clock.tick(10);
  assert.equal(table.save(rule("hot", "plant-1", 95), "bob").version, 2);
  table.save(rule("other", "plant-2"), "ann");
  const current = table.current("plant-1");
  assert.deepEqual(current.map((r) => [r.id, r.version]), [["hot", 2]]);
  assert.equal(table.current("plant-1"), current, "same objects until a change");
  assert.deepEqual(
    table.history("hot").map((v) => [v.rule.version, v.changedBy, v.changedAt]),
    [[2, "bob", 1_010], [1, "ann", 1_000]],
  );
  assert.deepEqual(changes.map((c) => c.kind), ["upsert", "upsert", "upsert"]);
});

Deno.test("RuleTable deletes with a tombstone and refuses a move to another factory", () => {
  const db = openMetadataDb(":memory:");
  const table = new RuleTable(db, new FakeClock());
  table.save(rule("hot"), "ann");
  assert.throws(() => table.save(rule("hot", "plant-9"), "ann"), /belongs to factory 'plant-1'/);
  const changes: RuleTableChange[] = [];
  table.onChange((c) => changes.push(c));
  assert.equal(table.delete("hot", "bob"), true);
  assert.equal(table.delete("hot", "bob"), false);
  assert.equal(table.get("hot"), undefined);
  assert.deepEqual(table.current("plant-1"), []);
  assert.deepEqual(changes, [{ kind: "delete", ruleId: "hot", factory: "plant-1" }]);
  assert.deepEqual(table.history("hot").map((v) => v.deleted), [true, false]);
  // A rule saved again after a delete continues the numbering.
  assert.equal(table.save(rule("hot"), "ann").version, 3);
  assert.deepEqual(new RuleTable(db, new FakeClock()).current("plant-1").map((r) => r.version), [
    3,
  ]);
});
