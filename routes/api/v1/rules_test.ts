import assert from "node:assert/strict";
import { RuleTable, type RuleTableChange } from "../../../engine/alerts/rule_table.ts";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { Hono } from "hono";
import { handleError } from "../../../web/http_error.ts";
import { rulesApi } from "./rules.ts";

const NOW = Date.UTC(2027, 0, 15, 8);

function setup() {
  const clock = new FakeClock(NOW);
  const db = openMetadataDb(":memory:");
  const rules = new RuleTable(db, clock);
  const changes: RuleTableChange[] = [];
  rules.onChange((change) => changes.push(change));
  const app = new Hono();
  app.onError(handleError);
  app.route("/api/v1", rulesApi({ rules }));
  const send = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(`/api/v1${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  return { clock, rules, changes, send, close: () => db.close() };
}

const hot = {
  name: "Oven hot",
  scope: { factory: "bakery", machineTypes: ["oven"] },
  condition: { kind: "metric", metric: "temp", op: ">", value: 80, clearValue: 75 },
  forMs: 30_000,
  severity: "high",
};

Deno.test("rules API creates, edits, disables and deletes a rule, keeping every version", async () => {
  const { clock, changes, send, close } = setup();
  const created = await send("POST", "/factories/bakery/rules", hot);
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("location"), "/api/v1/factories/bakery/rules/oven-hot");
  assert.equal(created.body.rule.id, "oven-hot", "id made from the name");
  assert.equal(created.body.rule.version, 1);
  assert.equal(created.body.rule.enabled, true);
  assert.equal(created.body.changedBy, "engineer");
  assert.equal(created.body.changedAt, NOW);

  clock.tick(60_000);
  const edited = await send("PUT", "/factories/bakery/rules/oven-hot", {
    ...hot,
    condition: { ...hot.condition, value: 85 },
    version: 1,
    by: "ana",
  });
  assert.equal(edited.status, 200);
  assert.equal(edited.body.rule.version, 2);
  assert.equal(edited.body.rule.condition.value, 85);
  assert.equal(edited.body.changedBy, "ana");

  const stale = await send("PUT", "/factories/bakery/rules/oven-hot", { ...hot, version: 1 });
  assert.equal(stale.status, 409);
  assert.match(stale.body.error.message, /at version 2 \(saved by ana/);

  const disabled = await send("POST", "/factories/bakery/rules/oven-hot/disable", { by: "bo" });
  assert.equal(disabled.body.rule.version, 3);
  assert.equal(disabled.body.rule.enabled, false);
  const again = await send("POST", "/factories/bakery/rules/oven-hot/disable");
  assert.equal(again.body.rule.version, 3, "no new version when nothing changes");

  const list = await send("GET", "/factories/bakery/rules");
  assert.deepEqual(list.body.rules.map((r: { rule: { id: string } }) => r.rule.id), ["oven-hot"]);
  assert.equal(list.body.rules[0].changedBy, "bo");

  const withVersions = await send("GET", "/factories/bakery/rules/oven-hot?versions=1");
  assert.deepEqual(
    withVersions.body.versions.map((v: { version: number; changedBy: string }) => [
      v.version,
      v.changedBy,
    ]),
    [[3, "bo"], [2, "ana"], [1, "engineer"]],
  );

  const deleted = await send("DELETE", "/factories/bakery/rules/oven-hot?by=cy");
  assert.deepEqual(deleted.body, { id: "oven-hot", factory: "bakery", deleted: true });
  const gone = await send("GET", "/factories/bakery/rules/oven-hot");
  assert.equal(gone.status, 404);
  assert.match(gone.body.error.message, /was deleted by cy/);
  const versions = await send("GET", "/factories/bakery/rules/oven-hot/versions");
  assert.deepEqual(
    versions.body.versions.map((v: { version: number; deleted: boolean }) => [
      v.version,
      v.deleted,
    ]),
    [[4, true], [3, false], [2, false], [1, false]],
  );
  assert.deepEqual((await send("GET", "/factories/bakery/rules")).body.rules, []);
  assert.deepEqual(
    changes.map((c) => c.kind === "upsert" ? `upsert v${c.rule.version}` : c.kind),
    ["upsert v1", "upsert v2", "upsert v3", "delete"],
    "every save and delete reaches the table's listeners (the running actors)",
  );
  close();
});

Deno.test("rules API points validation errors at the offending part of the condition", async () => {
  const { send, close } = setup();
  const bad = await send("POST", "/factories/bakery/rules", {
    ...hot,
    condition: {
      any: [
        { kind: "metric", metric: "temp", op: ">", value: 80 },
        { kind: "metric", metric: "temp", op: ">", value: "90" },
        { kind: "rate", metric: "temp", windowMs: 60_000, op: ">", value: 2, clearvalue: 1 },
      ],
    },
    severity: "urgent",
  });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.status, 400);
  assert.match(bad.body.error.message, /^The rule has 3 problems: \/condition\/any\/1\/value/);
  assert.deepEqual(bad.body.error.details.map((d: { path: string }) => d.path), [
    "/condition/any/1/value",
    "/condition/any/2/clearvalue",
    "/severity",
  ]);
  assert.match(bad.body.error.details[0].message, /must be a finite number: got "90"/);

  const missing = await send("POST", "/factories/bakery/rules", { name: "Empty" });
  assert.deepEqual(missing.body.error.details.map((d: { path: string }) => d.path), [
    "/scope",
    "/condition",
    "/severity",
  ]);
  assert.equal((await send("POST", "/factories/bakery/rules", "{nope")).status, 400);
  assert.equal((await send("GET", "/factories/bakery/rules")).body.rules.length, 0);
  close();
});

Deno.test("rules API refuses a scope of another factory and ids that are taken", async () => {
  const { send, close } = setup();
  const elsewhere = await send("POST", "/factories/bakery/rules", {
    ...hot,
    scope: { factory: "brewery" },
  });
  assert.equal(elsewhere.status, 400);
  assert.match(
    elsewhere.body.error.message,
    /scope\.factory "brewery" is not the factory in the path 'bakery'/,
  );
  assert.deepEqual(elsewhere.body.error.details.map((d: { path: string }) => d.path), [
    "/scope/factory",
  ]);

  assert.equal((await send("POST", "/factories/bakery/rules", { ...hot, id: "hot" })).status, 201);
  const twice = await send("POST", "/factories/bakery/rules", { ...hot, id: "hot" });
  assert.equal(twice.status, 409);
  assert.match(twice.body.error.message, /exists already.*PUT/);
  const named = await send("POST", "/factories/bakery/rules", hot);
  assert.equal(named.body.rule.id, "oven-hot");
  const renamed = await send("POST", "/factories/bakery/rules", hot);
  assert.equal(renamed.body.rule.id, "oven-hot-2", "a generated id never reuses one");

  const other = await send("POST", "/factories/brewery/rules", {
    ...hot,
    id: "hot",
    scope: { factory: "brewery" },
  });
  assert.equal(other.status, 409);
  assert.match(other.body.error.message, /taken by factory 'bakery'/);
  assert.equal((await send("GET", "/factories/brewery/rules/hot")).status, 404);
  assert.equal((await send("DELETE", "/factories/brewery/rules/hot")).status, 404);
  const reserved = await send("POST", "/factories/bakery/rules", { ...hot, id: "new" });
  assert.equal(reserved.status, 400, "'new' is the builder's page");
  const fromNew = await send("POST", "/factories/bakery/rules", { ...hot, name: "New" });
  assert.equal(fromNew.body.rule.id, "new-rule");
  const moved = await send("PUT", "/factories/bakery/rules/hot", { ...hot, id: "cold" });
  assert.equal(moved.status, 400);
  assert.deepEqual(moved.body.error.details, [{ path: "/id", message: "must be 'hot' or absent" }]);
  close();
});
