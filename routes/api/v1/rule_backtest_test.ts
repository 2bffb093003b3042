import assert from "node:assert/strict";
import { RuleTable } from "../../../engine/alerts/rule_table.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { backtestRule, type BacktestSample, type Rule } from "../../../engine/rules/mod.ts";
import { NOW, routeFixture } from "./_route_fixture.ts";
import { ruleBacktestApi } from "./rule_backtest.ts";

const HOUR = 3_600_000;
const FROM = NOW - 2 * HOUR;

/** Oven temperature every 10 s: 90 for the 5 minutes after each 30-minute mark, else 70. */
const ovenTemp = (i: number) => (i * 10) % 1_800 < 300 ? 90 : 70;

const hot = {
  name: "Oven hot",
  scope: { factory: "bakery", machineTypes: ["oven"] },
  condition: { kind: "metric", metric: "temp", op: ">", value: 80 },
  forMs: 60_000,
  severity: "high",
};

async function setup() {
  const fixture = routeFixture();
  const db = openMetadataDb(":memory:");
  const rules = new RuleTable(db, fixture.clock);
  for (const machine of ["oven-1", "oven-2", "mixer-1"]) fixture.seen("bakery", machine);
  await fixture.fill(
    { factory: "bakery", machine: "oven-1", metric: "temp" },
    FROM,
    10_000,
    720,
    ovenTemp,
  );
  await fixture.fill(
    { factory: "bakery", machine: "oven-2", metric: "temp" },
    FROM,
    10_000,
    720,
    () => 70,
  );
  await fixture.fill(
    { factory: "bakery", machine: "mixer-1", metric: "temp" },
    FROM,
    10_000,
    720,
    () => 95,
  );
  // History imported for an oven the engine has never heard live.
  await fixture.fill(
    { factory: "bakery", machine: "oven-9", metric: "temp" },
    FROM,
    10_000,
    10,
    () => 99,
  );
  const app = fixture.mount(ruleBacktestApi({ ...fixture, rules }));
  const post = async (body: unknown) => {
    const response = await app.request("/api/v1/rules/backtest", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  const get = async (path: string) => {
    const response = await app.request(`/api/v1${path}`);
    return { status: response.status, body: await response.json() };
  };
  return {
    rules,
    post,
    get,
    close: () => {
      fixture.close();
      db.close();
    },
  };
}

Deno.test("POST /rules/backtest equals backtestRule on the stored samples and finds the raises", async () => {
  const { post, close } = await setup();
  const answer = await post({ rule: hot, from: FROM, to: new Date(NOW).toISOString() });
  assert.equal(answer.status, 200);
  const { body } = answer;
  assert.deepEqual(
    body.machines.map((m: { machine: string }) => m.machine),
    ["oven-1", "oven-2", "oven-9"],
    "the ovens in scope, live or only stored; not the mixer",
  );
  const samples: BacktestSample[] = Array.from({ length: 720 }, (_, i) => ({
    ts: FROM + i * 10_000,
    values: { temp: ovenTemp(i) },
  }));
  const rule: Rule = {
    ...hot,
    id: "draft",
    version: 1,
    enabled: true,
    scope: { factory: "bakery", machineTypes: ["oven"] },
    condition: { kind: "metric", metric: "temp", op: ">", value: 80 },
    severity: "high",
    cooldownMs: 0,
  };
  const expected = backtestRule(rule, samples, {
    target: { factory: "bakery", machine: "oven-1" },
    until: NOW,
  });
  const oven1 = body.machines[0];
  assert.deepEqual(oven1.transitions, JSON.parse(JSON.stringify(expected)));
  assert.deepEqual(
    oven1.transitions.map((t: { type: string; at: number }) => [t.type, (t.at - FROM) / 60_000]),
    [
      ["raised", 1],
      ["cleared", 5],
      ["raised", 31],
      ["cleared", 35],
      ["raised", 61],
      [
        "cleared",
        65,
      ],
      ["raised", 91],
      ["cleared", 95],
    ],
  );
  assert.match(oven1.transitions[0].explanation, /temp/);
  assert.equal(oven1.raises, 4);
  assert.equal(oven1.activeMs, 4 * 4 * 60_000);
  assert.equal(body.machines[1].raises, 0);
  assert.equal(body.machines[2].raises, 1, "imported history is replayed too");
  assert.equal(body.summary.raises, 5);
  assert.equal(body.summary.machinesRaised, 2);
  assert.equal(body.from, FROM);
  assert.equal(body.to, NOW);
  close();
});

Deno.test("POST /rules/backtest answers problems with 400s that point into the body", async () => {
  const { post, close } = await setup();
  const invalid = await post({
    rule: { ...hot, condition: { all: [{ kind: "metric", metric: "temp", op: "≥", value: 80 }] } },
  });
  assert.equal(invalid.status, 400);
  assert.deepEqual(invalid.body.error.details.map((d: { path: string }) => d.path), [
    "/rule/condition/all/0/op",
  ]);
  const outside = await post({ rule: hot, machines: ["oven-1", "mixer-1"] });
  assert.equal(outside.status, 400);
  assert.match(outside.body.error.message, /'mixer-1' is not one the rule watches/);
  assert.deepEqual(outside.body.error.details[0].path, "/machines/1");
  const long = await post({ rule: hot, from: NOW - 30 * 24 * HOUR });
  assert.equal(long.status, 400);
  assert.match(long.body.error.message, /at most 7 d at a time; choose a shorter range/);
  const backwards = await post({ rule: hot, from: NOW, to: NOW - 1 });
  assert.equal(backwards.status, 400);
  const unknown = await post({ rule: hot, range: "1d" });
  assert.equal(unknown.status, 400);
  assert.deepEqual(unknown.body.error.details, [{
    path: "/range",
    message: "is not a known field",
  }]);
  const listed = await post({ rule: hot, machines: ["oven-2"], from: FROM });
  assert.deepEqual(listed.body.machines.map((m: { machine: string }) => m.machine), ["oven-2"]);
  close();
});

Deno.test("GET /factories/{f}/rules/{id}/preview backtests the saved rule over the last 24 h", async () => {
  const { rules, get, close } = await setup();
  rules.save({
    ...hot,
    id: "oven-hot",
    version: 1,
    enabled: false,
    cooldownMs: 0,
    scope: { factory: "bakery", machines: ["oven-1"] },
    condition: { kind: "metric", metric: "temp", op: ">", value: 80 },
    severity: "high",
  }, "test");
  const preview = await get("/factories/bakery/rules/oven-hot/preview");
  assert.equal(preview.status, 200);
  assert.equal(preview.body.to - preview.body.from, 24 * HOUR);
  assert.equal(preview.body.summary.raises, 4, "a disabled rule is previewed as if enabled");
  assert.equal((await get("/factories/bakery/rules/nope/preview")).status, 404);
  assert.equal((await get("/factories/brewery/rules/oven-hot/preview")).status, 404);
  close();
});
