import assert from "node:assert/strict";
import { AlertStore } from "../engine/alerts/alert_store.ts";
import { EventBus } from "../engine/bus.ts";
import type { AlertEvent } from "../engine/events.ts";
import { FakeClock } from "../engine/fake_clock.ts";
import { LiveDirectory } from "../engine/live_directory.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { createPages } from "./pages.ts";

const NOW = 1_800_000_000_000;
const cacheDir = await Deno.makeTempDir({ prefix: "millwright-alert-pages-test-" });
globalThis.addEventListener("unload", () => Deno.removeSync(cacheDir, { recursive: true }));

function raised(machine: string, ts: number, factory = "plant-1"): AlertEvent {
  return {
    type: "alert",
    factory,
    machine,
    ts,
    action: "raised",
    alertId: `oil-hot:${machine}:${ts}`,
    ruleId: "oil-hot",
    ruleName: "Oil too hot",
    ruleVersion: 4,
    severity: "high",
    explanation: "oil_temp 82.5 > 80 for 2 min",
    values: { oil_temp: 82.5 },
  };
}

/** The props of the first island named `name` in a page. */
function islandProps(html: string, name: string): Record<string, unknown> {
  const marker = new RegExp(`data-island="${name}" data-island-props="([^"]+)"`).exec(html);
  assert.ok(marker, `no island ${name} in the page`);
  const script = new RegExp(`<script type="application/json" id="${marker[1]}">(.*?)</script>`)
    .exec(html);
  assert.ok(script, `no props of island ${name}`);
  return JSON.parse(script[1]);
}

async function setup() {
  const clock = new FakeClock(NOW);
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const directory = new LiveDirectory(db, bus, { clock });
  const alerts = new AlertStore(db, bus, { clock });
  const store = new SqliteStore({ path: ":memory:" });
  for (const [factory, machine] of [["plant-1", "press-01"], ["plant-1", "press-02"], ["x", "m"]]) {
    bus.publish({
      type: "telemetry",
      factory,
      machine,
      ts: NOW,
      values: { oil_temp: 70 },
      anomalous: [],
    });
  }
  const app = await createPages({ directory, store, alerts, cacheDir, clock });
  return {
    app,
    bus,
    alerts,
    close: async () => {
      alerts.close();
      directory.close();
      await store.close();
      db.close();
    },
  };
}

Deno.test("alert pages render the filtered list, the detail, and open alerts on live pages", async () => {
  const { app, bus, alerts, close } = await setup();
  try {
    bus.publish(raised("press-01", NOW - 60_000));
    bus.publish(raised("press-02", NOW - 30_000));
    alerts.acknowledge(`oil-hot:press-02:${NOW - 30_000}`, { by: "ana" });

    const page = await app.request("/factories/plant-1/alerts?machine=press-02&state=open");
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /<h1 class="page-title">Alerts<\/h1>/);
    const list = islandProps(html, "AlertList") as {
      filter: { machine: string };
      machines: string[];
      alerts: Array<{ machine: string; state: string }>;
    };
    assert.equal(list.filter.machine, "press-02");
    assert.deepEqual(list.machines, ["press-01", "press-02"]);
    assert.deepEqual(list.alerts.map((a) => `${a.machine}/${a.state}`), ["press-02/acknowledged"]);

    const id = encodeURIComponent(`oil-hot:press-01:${NOW - 60_000}`);
    const detail = await app.request(`/factories/plant-1/alerts/${id}`);
    assert.equal(detail.status, 200);
    const view = islandProps(await detail.text(), "AlertDetailView") as {
      alert: { ruleName: string; audit: unknown[] };
    };
    assert.equal(view.alert.ruleName, "Oil too hot");
    assert.equal(view.alert.audit.length, 1);

    const machine = islandProps(
      await (await app.request("/factories/plant-1/machines/press-01")).text(),
      "MachineLive",
    ) as { alerts: Array<{ machine: string }> };
    assert.deepEqual(machine.alerts.map((a) => a.machine), ["press-01"]);
    const overviewHtml = await (await app.request("/factories/plant-1")).text();
    assert.match(
      overviewHtml,
      /href="\/factories\/plant-1\/alerts"/,
      "the header links the alerts page",
    );
    const overview = islandProps(overviewHtml, "FactoryOverview") as { alerts: unknown[] };
    assert.equal(overview.alerts.length, 2);
  } finally {
    await close();
  }
});

Deno.test("alert pages answer unknown factories, unknown alerts and other factories' alerts with 404", async () => {
  const { app, bus, close } = await setup();
  try {
    bus.publish(raised("m", NOW, "x"));
    for (
      const path of [
        "/factories/plant-9/alerts",
        "/factories/plant-1/alerts/nope",
        `/factories/plant-1/alerts/${encodeURIComponent(`oil-hot:m:${NOW}`)}`,
      ]
    ) {
      const response = await app.request(path);
      assert.equal(response.status, 404, path);
      await response.body?.cancel();
    }
  } finally {
    await close();
  }
});
