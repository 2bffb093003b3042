import assert from "node:assert/strict";
import { Hono } from "hono";
import { AlertStore } from "../../../engine/alerts/alert_store.ts";
import { EventBus } from "../../../engine/bus.ts";
import type { AlertEvent, AlertSeverity } from "../../../engine/events.ts";
import { FakeClock } from "../../../engine/fake_clock.ts";
import { LiveDirectory } from "../../../engine/live_directory.ts";
import { openMetadataDb } from "../../../engine/metadata/metadata_db.ts";
import { handleError } from "../../../web/http_error.ts";
import { alertsApi } from "./alerts.ts";

const NOW = Date.UTC(2027, 0, 15, 8);
const MIN = 60_000;

function raised(machine: string, at: number, severity: AlertSeverity = "high"): AlertEvent {
  return {
    type: "alert",
    factory: "demo",
    machine,
    ts: at,
    action: "raised",
    alertId: `oil-hot:${machine}:${at}`,
    ruleId: "oil-hot",
    ruleName: "Oil too hot",
    ruleVersion: 1,
    severity,
    explanation: "oil_temp 82.5 > 80",
    values: { oil_temp: 82.5 },
  };
}

function setup() {
  const clock = new FakeClock(NOW);
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const directory = new LiveDirectory(db, bus, { clock });
  const alerts = new AlertStore(db, bus, { clock });
  for (const factory of ["demo", "other"]) {
    bus.publish({
      type: "telemetry",
      factory,
      machine: "press-01",
      ts: NOW - 60 * MIN,
      values: {},
      anomalous: [],
    });
  }
  const published: AlertEvent[] = [];
  bus.subscribe((e) => e.type === "alert" && published.push(e));
  const app = new Hono();
  app.onError(handleError);
  app.route("/api/v1", alertsApi({ clock, directory, alerts }));
  const post = (path: string, body?: unknown) =>
    app.request(`/api/v1/factories/demo/alerts/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  return {
    app,
    bus,
    clock,
    alerts,
    published,
    post,
    close: () => {
      alerts.close();
      directory.close();
      db.close();
    },
  };
}

async function errorOf(response: Response): Promise<[number, string]> {
  return [response.status, (await response.json()).error.message];
}

Deno.test("GET alerts lists a factory's alerts with filters and a cursor", async () => {
  const { app, bus, alerts, close } = setup();
  bus.publish(raised("press-01", NOW - 30 * MIN, "low"));
  bus.publish(raised("press-02", NOW - 20 * MIN, "critical"));
  bus.publish(raised("press-03", NOW - 10 * MIN, "high"));
  alerts.acknowledge(`oil-hot:press-02:${NOW - 20 * MIN}`, { by: "ana" });
  const list = async (query: string) => {
    const response = await app.request(`/api/v1/factories/demo/alerts${query}`);
    assert.equal(response.status, 200, query);
    return await response.json();
  };
  const all = await list("");
  assert.deepEqual(all.alerts.map((a: { machine: string }) => a.machine), [
    "press-03",
    "press-02",
    "press-01",
  ]);
  assert.equal(all.next, null);
  assert.equal(all.alerts[0].explanation, "oil_temp 82.5 > 80");
  const pick = async (query: string) =>
    (await list(query)).alerts.map((a: { machine: string }) => a.machine);
  assert.deepEqual(await pick("?state=acknowledged"), ["press-02"]);
  assert.deepEqual(await pick("?state=open"), ["press-03", "press-02", "press-01"]);
  assert.deepEqual(await pick("?state=active&severity=low,critical"), ["press-01"]);
  assert.deepEqual(await pick("?severity=high&severity=critical"), ["press-03", "press-02"]);
  assert.deepEqual(await pick("?machine=press-01"), ["press-01"]);
  assert.deepEqual(
    await pick(`?from=${new Date(NOW - 25 * MIN).toISOString()}&to=${NOW - 15 * MIN}`),
    ["press-02"],
  );
  const first = await list("?limit=2");
  assert.equal(first.alerts.length, 2);
  const rest = await list(`?limit=2&before=${encodeURIComponent(first.next)}`);
  assert.deepEqual(rest.alerts.map((a: { machine: string }) => a.machine), ["press-01"]);
  close();
});

Deno.test("GET alerts names the bad parameter and its value", async () => {
  const { app, close } = setup();
  const cases: Array<[string, number, RegExp]> = [
    ["?state=open,gone", 400, /'state' must be active, acknowledged, cleared, open.*'gone'/],
    ["?severity=urgent", 400, /'severity' must be low, medium, high, critical.*'urgent'/],
    ["?machine=a%20b", 400, /'machine' must match.*'a b'/],
    ["?from=yesterday", 400, /'from' must be epoch milliseconds or ISO-8601.*'yesterday'/],
    ["?from=10&to=5", 400, /'from' \(10\) is after 'to' \(5\)/],
    ["?limit=0", 400, /'limit' must be an integer from 1 to 1000: current value is '0'/],
    ["?colour=red", 400, /Unknown parameter 'colour'/],
    ["?before=nope", 404, /No alert 'nope' in factory 'demo'/],
  ];
  for (const [query, status, message] of cases) {
    const [got, text] = await errorOf(await app.request(`/api/v1/factories/demo/alerts${query}`));
    assert.equal(got, status, query);
    assert.match(text, message, query);
  }
  const [status, text] = await errorOf(await app.request("/api/v1/factories/nowhere/alerts"));
  assert.deepEqual([status, text], [404, "No factory 'nowhere' is known"]);
  close();
});

Deno.test("GET an alert returns its audit trail; another factory's alert is 404", async () => {
  const { app, bus, close } = setup();
  const event = raised("press-01", NOW - MIN);
  bus.publish(event);
  bus.publish({ ...event, factory: "other", alertId: "other-alert" });
  const response = await app.request(
    `/api/v1/factories/demo/alerts/${encodeURIComponent(event.alertId!)}`,
  );
  assert.equal(response.status, 200);
  const alert = await response.json();
  assert.equal(alert.state, "active");
  assert.deepEqual(alert.audit.map((e: { action: string }) => e.action), ["raised"]);
  const [status, text] = await errorOf(
    await app.request("/api/v1/factories/demo/alerts/other-alert"),
  );
  assert.deepEqual([status, text], [404, "No alert 'other-alert' in factory 'demo' is known"]);
  close();
});

Deno.test("POST acknowledge, shelve, unshelve and clear act and publish; 409 when not applicable", async () => {
  const { bus, clock, post, published, close } = setup();
  const id = encodeURIComponent(raised("press-01", NOW - MIN).alertId!);
  bus.publish(raised("press-01", NOW - MIN));

  const acked = await post(`${id}/acknowledge`);
  assert.equal(acked.status, 200);
  const body = await acked.json();
  assert.equal(body.state, "acknowledged");
  assert.equal(body.acknowledgedBy, "operator", "`by` defaults to operator");
  assert.deepEqual(body.audit.map((e: { action: string }) => e.action), [
    "raised",
    "acknowledged",
  ]);
  assert.deepEqual(
    await errorOf(await post(`${id}/acknowledge`, { by: "ben" })),
    [
      409,
      `Alert 'oil-hot:press-01:${NOW - MIN}' was already acknowledged by operator at ${
        new Date(NOW).toISOString()
      }`,
    ],
  );

  const shelved = await (await post(`${id}/shelve`, { by: "ana", durationMs: 30 * MIN })).json();
  assert.equal(shelved.shelvedUntil, NOW + 30 * MIN);
  const until = new Date(NOW + 60 * MIN).toISOString();
  const again = await (await post(`${id}/shelve`, { by: "ana", until })).json();
  assert.equal(again.shelvedUntil, NOW + 60 * MIN, "a second shelve replaces the first");
  const unshelved = await post(`${id}/unshelve`, { by: "ana", note: "done" });
  assert.equal((await unshelved.json()).shelvedUntil, null);
  assert.equal((await post(`${id}/unshelve`)).status, 409);

  clock.tick(MIN);
  const cleared = await (await post(`${id}/clear`, { by: "ana", note: "valve replaced" })).json();
  assert.equal(cleared.state, "cleared");
  assert.equal(cleared.clearReason, "manual");
  assert.equal(cleared.clearNote, "valve replaced");
  const last = published.at(-1)!;
  assert.deepEqual([last.action, last.reason, last.by, last.note, last.ts], [
    "cleared",
    "manual",
    "ana",
    "valve replaced",
    NOW + MIN,
  ]);
  const [status, text] = await errorOf(await post(`${id}/acknowledge`));
  assert.equal(status, 409);
  assert.match(text, /Cannot acknowledge alert .*: it was cleared by ana/);
  assert.equal((await post(`${id}/shelve`, { durationMs: 1000 })).status, 409);
  assert.equal((await post("nope/acknowledge")).status, 404);
  close();
});

Deno.test("POST actions check their body and name the field and value", async () => {
  const { app, bus, post, close } = setup();
  const event = raised("press-01", NOW - MIN);
  bus.publish(event);
  const id = encodeURIComponent(event.alertId!);
  const cases: Array<[string, unknown, RegExp]> = [
    ["acknowledge", { by: 7 }, /'by' must be a string: current value is 7/],
    ["acknowledge", { note: "x".repeat(2_001) }, /'note' must be at most 2000 characters/],
    ["acknowledge", { colour: "red" }, /Unknown field 'colour'; acknowledge takes by, note/],
    ["acknowledge", { until: NOW + MIN }, /'until' applies only to shelve, not acknowledge/],
    ["acknowledge", [1], /must be a JSON object/],
    ["clear", { by: "ana" }, /'note' is required to clear an alert by hand/],
    ["shelve", {}, /shelve needs exactly one of 'until'.*or 'durationMs'/],
    ["shelve", { until: NOW, durationMs: 5 }, /exactly one of/],
    ["shelve", { durationMs: -5 }, /'durationMs' must be a positive integer: current value is -5/],
    ["shelve", { until: "soon" }, /'until' must be epoch milliseconds or ISO-8601.*'soon'/],
    ["shelve", { until: NOW - 1 }, /'until' must be in the future: current value is/],
    ["shelve", { durationMs: 8 * 24 * 60 * MIN }, /for more than/],
  ];
  for (const [verb, body, message] of cases) {
    const [status, text] = await errorOf(await post(`${id}/${verb}`, body));
    assert.equal(status, 400, `${verb} ${JSON.stringify(body)}`);
    assert.match(text, message, `${verb} ${JSON.stringify(body)}`);
  }
  const raw = await app.request(`/api/v1/factories/demo/alerts/${id}/acknowledge`, {
    method: "POST",
    body: "{by: ana}",
  });
  const [status, text] = await errorOf(raw);
  assert.equal(status, 400);
  assert.match(text, /The body is not JSON/);
  close();
});
