import assert from "node:assert/strict";
import { RuleTable } from "../engine/alerts/rule_table.ts";
import { FakeClock } from "../engine/fake_clock.ts";
import type { MachineDirectory, MachineView } from "../engine/machine_view.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import type { Rule } from "../engine/rules/mod.ts";
import type { TimeSeriesStore } from "../engine/store/time_series_store.ts";
import { createPages, PAGE_CSP } from "./pages.ts";

const NOW = 1_800_000_000_000;
const cacheDir = await Deno.makeTempDir({ prefix: "millwright-rule-pages-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

function view(machine: string, metrics: string[]): MachineView {
  return {
    factory: "plant-1",
    machine,
    status: "normal",
    firstSeen: NOW - 60_000,
    lastSeen: NOW,
    metrics,
    latest: {},
    anomaliesLastHour: 0,
  };
}

const views = [view("press-01", ["oil_temp", "force"]), view("cnc-mill-12", ["spindle"])];
const directory: MachineDirectory = {
  factories: () => ["plant-1"],
  machines: (factory) => factory === "plant-1" ? views : [],
  machine: (_f, machine) => views.find((v) => v.machine === machine),
  recent: () => [],
};
const store: TimeSeriesStore = {
  write: () => Promise.resolve(),
  queryRange: () => Promise.resolve([]),
  listSeries: () => Promise.resolve([]),
  latest: () => Promise.resolve({}),
  close: () => Promise.resolve(),
};

const oilHot: Rule = {
  id: "oil-hot",
  name: "Oil <too> hot",
  version: 1,
  enabled: true,
  scope: { factory: "plant-1", machineTypes: ["press"] },
  condition: { kind: "metric", metric: "oil_temp", op: ">", value: 80, clearValue: 75 },
  forMs: 120_000,
  severity: "critical",
  cooldownMs: 0,
};

async function setup() {
  const clock = new FakeClock(NOW - 3_600_000);
  const db = openMetadataDb(":memory:");
  const rules = new RuleTable(db, clock);
  rules.save(oilHot, "ana");
  clock.set(NOW - 60_000);
  rules.save({ ...oilHot, enabled: false }, "bo");
  rules.save({ ...oilHot, id: "gone", name: "Gone" }, "ana");
  rules.delete("gone", "cy");
  clock.set(NOW);
  const app = await createPages({ directory, store, rules, cacheDir, clock });
  return { app, close: () => db.close() };
}

function islandProps(html: string, name: string): Record<string, unknown> {
  const marker = new RegExp(`data-island="${name}" data-island-props="([^"]+)"`).exec(html);
  assert.ok(marker, `no island ${name} in the page`);
  const script = new RegExp(`<script type="application/json" id="${marker[1]}">(.*?)</script>`)
    .exec(html);
  assert.ok(script, `no props of island ${name}`);
  return JSON.parse(script[1]);
}

Deno.test("the rules page lists each rule with its state, severity, version and last change", async () => {
  const { app, close } = await setup();
  const response = await app.request("/factories/plant-1/rules");
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-security-policy"), PAGE_CSP);
  const html = await response.text();
  assert.match(html, /<tr data-rule="oil-hot" class="is-disabled">/);
  assert.match(html, /href="\/factories\/plant-1\/rules\/oil-hot">Oil &lt;too> hot<\/a>/);
  assert.match(html, /rule-state--off">disabled/);
  assert.match(html, /severity--critical">critical/);
  assert.match(html, /press machines/);
  assert.match(html, /oil_temp > 80<span class="muted">for 2 min<\/span>/);
  assert.match(html, /v2/);
  assert.match(html, /1m ago.*by bo/s);
  assert.doesNotMatch(html, /data-rule="gone"/, "deleted rules are not listed");
  assert.match(html, /href="\/factories\/plant-1\/rules\/new"/);
  assert.doesNotMatch(html, /<script>(?!<\/script>)/, "no inline script");
  close();
});

Deno.test("the rule builder pages hand the island the rule, its versions and the machines", async () => {
  const { app, close } = await setup();
  const edit = await app.request("/factories/plant-1/rules/oil-hot");
  assert.equal(edit.status, 200);
  const props = islandProps(await edit.text(), "RuleEditor");
  assert.equal((props.saved as { rule: Rule }).rule.version, 2);
  assert.deepEqual(
    (props.versions as Array<{ version: number; changedBy: string }>).map((v) => [
      v.version,
      v.changedBy,
    ]),
    [[2, "bo"], [1, "ana"]],
  );
  assert.deepEqual(props.machines, [
    { machine: "cnc-mill-12", type: "cnc-mill", metrics: ["spindle"] },
    { machine: "press-01", type: "press", metrics: ["oil_temp", "force"] },
  ]);
  const fresh = await app.request("/factories/plant-1/rules/new");
  assert.equal(fresh.status, 200);
  assert.equal(islandProps(await fresh.text(), "RuleEditor").saved, null);

  const deleted = await app.request("/factories/plant-1/rules/gone");
  assert.equal(deleted.status, 404);
  assert.match(
    await deleted.text(),
    /Rule 'gone' was deleted by cy\./,
  );
  assert.equal((await app.request("/factories/plant-1/rules/nope")).status, 404);
  assert.equal((await app.request("/factories/plant-9/rules")).status, 404);
  assert.equal((await app.request("/factories/plant-9/rules/new")).status, 404);
  assert.equal((await app.request("/factories/plant-9/rules/oil-hot")).status, 404);
  close();
});
