import assert from "node:assert/strict";
import type { MetricWindowStats } from "../actors/machine/window_stats.ts";
import { AlertStore } from "../engine/alerts/alert_store.ts";
import { RuleTable } from "../engine/alerts/rule_table.ts";
import { EventBus } from "../engine/bus.ts";
import { EventLog } from "../engine/event_log/mod.ts";
import { FakeClock } from "../engine/fake_clock.ts";
import type { HttpIngestRequest, IngestReport } from "../engine/ingestor.ts";
import { LiveDirectory } from "../engine/live_directory.ts";
import { openMetadataDb } from "../engine/metadata/metadata_db.ts";
import { ThresholdTable } from "../engine/metadata/threshold_table.ts";
import { EngineMetrics } from "../engine/metrics.ts";
import {
  ChannelConfigTable,
  ConfiguredDispatcher,
  NotificationLog,
  readChannelConfig,
} from "../engine/notify/mod.ts";
import { SqliteStore } from "../engine/store/sqlite_store.ts";
import { SUPER_ADMIN_AUTH } from "./_test_auth.ts";
import { createApp } from "./app.ts";
import type { AppDeps } from "./app_deps.ts";
import { LiveHub } from "./live_hub.ts";

const ALERT_ID = "oil-hot:press-01:1800000000000";
const RULE_ID = "oil-hot";
const CHANNEL_ID = "ops-hook";

function setup() {
  const clock = new FakeClock(1_800_000_000_000);
  const bus = new EventBus();
  const metrics = new EngineMetrics();
  const db = openMetadataDb(":memory:");
  const directory = new LiveDirectory(db, bus, { clock });
  const store = new SqliteStore({ path: ":memory:" });
  const eventLog = new EventLog(db, bus, { clock });
  const table = new ThresholdTable(db);
  const ingested: HttpIngestRequest[] = [];
  const applied: unknown[] = [];
  const released: string[] = [];
  let report: IngestReport = { accepted: 1, rejected: [] };
  const rules = new RuleTable(db, clock);
  rules.save({
    id: RULE_ID,
    name: "Oil too hot",
    version: 1,
    enabled: true,
    scope: { factory: "demo" },
    condition: { kind: "metric", metric: "oil", op: ">", value: 80 },
    forMs: 0,
    severity: "high",
    cooldownMs: 0,
  }, "test");
  const notifications = new ConfiguredDispatcher({
    table: new ChannelConfigTable(db, clock),
    log: new NotificationLog(db),
    metrics,
    clock,
    warn: () => {},
  });
  // Port 9 (discard) refuses at once: a test message fails fast, without leaving the machine.
  notifications.settings.saveChannel(
    "demo",
    readChannelConfig(CHANNEL_ID, {
      kind: "webhook",
      settings: { url: "http://127.0.0.1:9/hook", secret: "whsec-0123456789abcdef" },
    }),
  );
  notifications.start();
  let windows: Record<string, MetricWindowStats> | undefined = {
    oil: { count: 2, mean: 41, stddev: 1.5, min: 40, max: 42, from: 1_000, to: 2_000 },
  };
  const deps: AppDeps = {
    auth: SUPER_ADMIN_AUTH,
    clock,
    metrics,
    directory,
    store,
    eventLog,
    rules,
    alerts: new AlertStore(db, bus, { clock }),
    hub: new LiveHub(bus, { clock, metrics }),
    notifications,
    ingest: (request) => {
      ingested.push(request);
      return report;
    },
    actorState: () => "running",
    windowStats: (ref) => ref.machine === "press-01" ? windows : undefined,
    release: (ref) => {
      released.push(ref.machine);
      return ref.machine === "press-01" && released.length === 1;
    },
    thresholds: {
      get: (ref) => table.get(ref),
      set: (ref, t) => {
        table.set(ref, t);
        applied.push(t);
      },
    },
    health: () => ({ status: "ok", checks: {} }),
    cacheDir: "/nonexistent",
  };
  bus.publish({
    type: "telemetry",
    factory: "demo",
    machine: "press-01",
    ts: clock.now(),
    values: { oil: 40 },
    anomalous: [],
  });
  bus.publish({
    type: "alert",
    factory: "demo",
    machine: "press-01",
    ts: clock.now(),
    action: "raised",
    alertId: ALERT_ID,
    ruleId: "oil-hot",
    ruleName: "Oil too hot",
    ruleVersion: 1,
    severity: "high",
    explanation: "oil 90 > 80",
    values: { oil: 90 },
  });
  const app = createApp(deps);
  return {
    app,
    store,
    ingested,
    applied,
    released,
    setReport: (r: IngestReport) => report = r,
    setWindows: (w: typeof windows) => windows = w,
    clock,
    close: () => {
      void notifications.close();
      eventLog.close();
      directory.close();
    },
  };
}

Deno.test("GET machines lists a factory's machines with status and latest values", async () => {
  const { app, close } = setup();
  const response = await app.request("/api/v1/factories/demo/machines");
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.machines.length, 1);
  assert.equal(body.machines[0].machine, "press-01");
  assert.equal(body.machines[0].latest.oil.value, 40);
  assert.equal(body.machines[0].actor, "running");
  assert.equal((await app.request("/api/v1/factories/nowhere/machines")).status, 404);
  close();
});

Deno.test("GET machine answers with its actor's window statistics, null without an actor", async () => {
  const { app, setWindows, close } = setup();
  const url = "/api/v1/factories/demo/machines/press-01";
  const body = await (await app.request(url)).json();
  assert.equal(body.actor, "running");
  assert.deepEqual(body.window, {
    oil: { count: 2, mean: 41, stddev: 1.5, min: 40, max: 42, from: 1_000, to: 2_000 },
  });
  setWindows(undefined); // e.g. passivated
  assert.equal((await (await app.request(url)).json()).window, null);
  // The list stays lean: window statistics are in the one-machine answer only.
  const list = await (await app.request("/api/v1/factories/demo/machines")).json();
  assert.equal(list.machines[0].window, undefined);
  close();
});

Deno.test("GET machine answers 404 with a message for an unknown machine", async () => {
  const { app, close } = setup();
  const response = await app.request("/api/v1/factories/demo/machines/nope");
  assert.equal(response.status, 404);
  assert.match((await response.json()).error.message, /No machine 'nope' in factory 'demo'/);
  close();
});

Deno.test("GET history returns raw points and buckets, and names a bad parameter", async () => {
  const { app, store, clock, close } = setup();
  const t0 = clock.now() - 10_000;
  await store.write([0, 1, 2, 3].map((i) => ({
    factory: "demo",
    machine: "press-01",
    metric: "oil",
    ts: t0 + i * 1000,
    value: i,
  })));
  const raw =
    await (await app.request(`/api/v1/factories/demo/machines/press-01/history?metric=oil`)).json();
  assert.deepEqual(raw.series[0].points, [[t0, 0], [t0 + 1000, 1], [t0 + 2000, 2], [t0 + 3000, 3]]);
  const iso = new Date(t0 + 1000).toISOString();
  const ranged = await (await app.request(
    `/api/v1/factories/demo/machines/press-01/history?metric=oil&from=${iso}&to=${t0 + 2000}`,
  )).json();
  assert.deepEqual(ranged.series[0].points, [[t0 + 1000, 1], [t0 + 2000, 2]]);
  const bucketed = await (await app.request(
    `/api/v1/factories/demo/machines/press-01/history?metric=oil&every=1h&agg=max`,
  )).json();
  assert.equal(bucketed.series[0].points.length, 1);
  assert.equal(bucketed.series[0].points[0][1], 3);
  assert.deepEqual(bucketed.series[0].envelope, [[bucketed.series[0].points[0][0], 0, 3]]);
  const csv = await app.request(`/api/v1/factories/demo/machines/press-01/history.csv?metric=oil`);
  assert.equal(csv.headers.get("x-content-type-options"), "nosniff");
  assert.match(csv.headers.get("content-disposition")!, /^attachment; filename="demo_press-01_/);
  assert.equal((await csv.text()).split("\n").length, 6, "header, 4 rows, final newline");
  for (
    const [query, expected] of [
      ["from=yesterday", /'from'.*'yesterday'/],
      ["agg=median&every=1m", /'agg' must be one of/],
      ["maxPoints=0", /'maxPoints'/],
      ["every=soon", /'every'/],
      ["metric=bad%20name", /'metric'/],
      [`from=${t0}&to=${t0 - 1}`, /is after/],
    ] as const
  ) {
    const response = await app.request(`/api/v1/factories/demo/machines/press-01/history?${query}`);
    assert.equal(response.status, 400, query);
    assert.match((await response.json()).error.message, expected);
  }
  close();
});

Deno.test("PUT thresholds validates, saves and applies to the actor", async () => {
  const { app, applied, close } = setup();
  const put = (body: unknown) =>
    app.request("/api/v1/factories/demo/machines/press-01/thresholds", {
      method: "PUT",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
  assert.equal((await put({ oil: { low: 10, high: 70 } })).status, 200);
  assert.deepEqual(applied, [{ oil: { low: 10, high: 70 } }]);
  const saved = await (await app.request("/api/v1/factories/demo/machines/press-01/thresholds"))
    .json();
  assert.deepEqual(saved, { oil: { low: 10, high: 70 } });
  for (
    const [body, expected] of [
      [{ oil: { low: 80, high: 70 } }, /is above/],
      [{ oil: { high: "hot" } }, /'oil.high' must be a finite number/],
      [{ oil: { max: 1 } }, /unknown fields: max/],
      [[1], /must be an object/],
    ] as const
  ) {
    const response = await put(body);
    assert.equal(response.status, 400);
    assert.match((await response.json()).error.message, expected);
  }
  assert.equal(applied.length, 1, "refused bodies change nothing");
  close();
});

Deno.test("POST ingest passes the body and machine parameters, and answers per point", async () => {
  const { app, ingested, setReport, close } = setup();
  const ok = await app.request("/api/v1/ingest?factory=demo&machine=press-01", {
    method: "POST",
    body: '{"metrics":{"oil":41}}',
    headers: { "content-type": "application/json" },
  });
  assert.equal(ok.status, 200);
  assert.deepEqual(ingested[0].defaults, { factory: "demo", machine: "press-01" });
  assert.equal(ingested[0].body, '{"metrics":{"oil":41}}');
  setReport({ accepted: 0, rejected: [{ reason: "bad_json", message: "not JSON" }] });
  const none = await app.request("/api/v1/ingest", { method: "POST", body: "{" });
  assert.equal(none.status, 422);
  assert.equal((await none.json()).rejected[0].reason, "bad_json");
  const badQuery = await app.request("/api/v1/ingest?factory=a/b", { method: "POST", body: "" });
  assert.equal(badQuery.status, 400);
  const badPrecision = await app.request("/api/v1/ingest?precision=h", {
    method: "POST",
    body: "",
  });
  assert.equal(badPrecision.status, 400);
  close();
});

Deno.test("POST release lifts a quarantine once and says when there is none", async () => {
  const { app, released, close } = setup();
  const url = "/api/v1/factories/demo/machines/press-01/release";
  assert.equal((await app.request(url, { method: "POST" })).status, 200);
  const again = await app.request(url, { method: "POST" });
  assert.equal(again.status, 409);
  assert.match((await again.json()).error.message, /not quarantined/);
  assert.deepEqual(released, ["press-01", "press-01"]);
  close();
});

Deno.test("health, metrics, docs and unknown API paths answer as documented", async () => {
  const { app, close } = setup();
  assert.equal((await app.request("/api/v1/health")).status, 200);
  const metrics = await app.request("/api/v1/metrics");
  assert.match(metrics.headers.get("content-type")!, /text\/plain/);
  assert.match(await metrics.text(), /millwright_ingest_rejected_total/);
  const docs = await (await app.request("/api/docs")).json();
  assert.equal(docs.openapi, "3.1.0");
  const missing = await app.request("/api/v1/nope");
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error.message, /see \/api\/docs/);
  const live = await app.request("/api/v1/live?factory=demo");
  assert.equal(live.status, 400, "plain GET on the WebSocket endpoint");
  close();
});
