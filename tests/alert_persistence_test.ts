/**
 * Alerts that are correct across restarts, end to end through the real
 * engine: a rule saved over the API runs inside the machine actor; an engine
 * restart neither resets a running `for` timer nor raises (or notifies) an
 * active alert again; a redelivered point raises nothing twice.
 */
import assert from "node:assert/strict";
import type { AlertEvent } from "../engine/events.ts";
import { freePort } from "./support/free_port.ts";
import { startHttpReceiver } from "./support/http_receiver.ts";
import { addFactory, startTestEngine, type TestEngine } from "./support/test_engine.ts";
import { waitFor } from "./support/wait_for.ts";

const FACTORY = "plant-1";
const MACHINE = "oven-01";

async function start(dataDir: string, mqttPort: number): Promise<TestEngine> {
  return await startTestEngine(dataDir, { MQTT_PORT: String(mqttPort) });
}

/** Calls the API as the super admin. */
async function call(mw: TestEngine, path: string, method: string, body?: unknown) {
  const response = await mw.api(path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text === "" ? undefined : JSON.parse(text) };
}

/** Posts one point per second from `from` (inclusive) to `to` (exclusive) at `temp`. */
async function ingest(mw: TestEngine, from: number, to: number, temp: number) {
  const points = [];
  for (let ts = from; ts < to; ts += 1_000) points.push({ ts, metrics: { temp } });
  const response = await call(mw, "/api/v1/ingest", "POST", {
    factory: FACTORY,
    machine: MACHINE,
    points,
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.accepted, points.length);
}

function recordAlerts(mw: TestEngine): AlertEvent[] {
  const seen: AlertEvent[] = [];
  mw.bus.subscribe((event) => {
    if (event.type === "alert" && event.action !== "suppressed") seen.push(event);
  });
  return seen;
}

async function openAlerts(mw: TestEngine) {
  const response = await call(mw, `/api/v1/factories/${FACTORY}/alerts?state=open`, "GET");
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body.alerts as Array<{ id: string; state: string; raisedAt: number }>;
}

Deno.test("a 'for' timer and an active alert survive engine restarts, notified once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "millwright-alerts-" });
  const mqttPort = await freePort();
  const receiver = startHttpReceiver();
  const t0 = Date.now() - 120_000;
  let mw = await start(dataDir, mqttPort);
  try {
    await addFactory(mw, FACTORY);
    const rule = await call(mw, `/api/v1/factories/${FACTORY}/rules`, "POST", {
      id: "oven-hot",
      name: "Oven too hot",
      enabled: true,
      scope: { factory: FACTORY },
      condition: { kind: "metric", metric: "temp", op: ">", value: 250, clearValue: 240 },
      forMs: 10_000,
      severity: "high",
      cooldownMs: 0,
    });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const api = `/api/v1/factories/${FACTORY}/notifications`;
    const hook = await call(mw, `${api}/channels`, "POST", {
      id: "ops-hook",
      kind: "webhook",
      settings: { url: `${receiver.url}/hook`, secret: "0123456789abcdef0123456789abcdef" },
    });
    assert.equal(hook.status, 201, JSON.stringify(hook.body));
    assert.equal(
      (await call(mw, `${api}/routing`, "PUT", { default: { high: ["ops-hook"] } })).status,
      200,
    );

    // 6 s of heat: the 10 s `for` is running, nothing raised yet.
    let alerts = recordAlerts(mw);
    await ingest(mw, t0, t0 + 6_000, 260);
    assert.deepEqual(alerts, []);
    await mw.stop();

    // After a restart the timer goes on from where it was: raised at t0 + 10 s, not t0 + 16 s.
    mw = await start(dataDir, mqttPort);
    alerts = recordAlerts(mw);
    await ingest(mw, t0 + 6_000, t0 + 12_000, 260);
    await waitFor(() => alerts.length > 0, { what: "the alert to be raised" });
    assert.deepEqual(alerts.map((a) => [a.action, a.ts]), [["raised", t0 + 10_000]]);
    await waitFor(async () => (await openAlerts(mw)).length === 1, {
      what: "the alert in the store",
    });
    await waitFor(() => receiver.requests.length === 1, { what: "one webhook delivery" });
    // The same points again (a QoS 1 redelivery) raise nothing.
    await ingest(mw, t0 + 6_000, t0 + 12_000, 260);
    await mw.stop();

    // Another restart: still hot, the alert stays active and is neither raised nor notified again.
    mw = await start(dataDir, mqttPort);
    alerts = recordAlerts(mw);
    await ingest(mw, t0 + 12_000, t0 + 20_000, 270);
    const [open] = await openAlerts(mw);
    assert.equal(open.id, `oven-hot:${MACHINE}:${t0 + 10_000}`);
    assert.equal(open.state, "active");
    // Cooling below the clear threshold clears the very same alert.
    await ingest(mw, t0 + 20_000, t0 + 21_000, 230);
    await waitFor(() => alerts.length > 0, { what: "the clear" });
    assert.deepEqual(alerts.map((a) => [a.action, a.alertId]), [["cleared", open.id]]);
    await waitFor(async () => (await openAlerts(mw)).length === 0, { what: "no open alert" });
    await waitFor(() => receiver.requests.length === 2, { what: "the clear notification" });
    const notified = receiver.requests.map((r) => JSON.parse(r.body));
    assert.deepEqual(notified.map((n) => n.transition ?? n.alert?.transition), [
      "raised",
      "cleared",
    ]);
  } finally {
    await mw.stop();
    await receiver.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
