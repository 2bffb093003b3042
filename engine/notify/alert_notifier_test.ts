import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { AlertEvent } from "../events.ts";
import type { AlertNotification } from "./alert_notification.ts";
import { AlertNotifier } from "./alert_notifier.ts";

const T0 = Date.parse("2026-05-04T10:00:00Z");

function event(overrides: Partial<AlertEvent> = {}): AlertEvent {
  return {
    type: "alert",
    factory: "demo",
    machine: "press-01",
    ts: T0,
    action: "raised",
    alertId: `r-oil:press-01:${T0}`,
    ruleId: "r-oil",
    ruleName: "Oil too hot",
    ruleVersion: 3,
    severity: "high",
    explanation: "oil_temp 82.5 > 80 for 10 min",
    values: { oil_temp: 82.5 },
    ...overrides,
  };
}

function setup(shelved: string[] = []) {
  const bus = new EventBus();
  const sent: AlertNotification[] = [];
  const recent: Record<string, Array<readonly [number, number]>> = {
    oil_temp: [[T0 - 2_000, 80], [T0 - 1_000, 81], [T0, 82.5], [T0 + 1_000, 90]],
  };
  const notifier = new AlertNotifier({
    bus,
    sink: { notify: (alert) => sent.push(alert) },
    publicUrl: () => "https://mw.example",
    shelved: { isShelved: (id) => shelved.includes(id) },
    directory: { recent: (_f, _m, metric) => recent[metric] ?? [] },
  });
  return { bus, sent, notifier };
}

Deno.test("AlertNotifier notifies a raised alert with its link and recent values", () => {
  const { bus, sent, notifier } = setup();
  bus.publish(event());
  assert.deepEqual(sent, [{
    alertId: `r-oil:press-01:${T0}`,
    transition: "raised",
    factory: "demo",
    machine: "press-01",
    ruleId: "r-oil",
    ruleName: "Oil too hot",
    severity: "high",
    at: T0,
    explanation: "oil_temp 82.5 > 80 for 10 min",
    values: { oil_temp: 82.5 },
    series: {
      metric: "oil_temp",
      points: [{ ts: T0 - 2_000, value: 80 }, { ts: T0 - 1_000, value: 81 }, {
        ts: T0,
        value: 82.5,
      }],
    },
    link: `https://mw.example/factories/demo/alerts/r-oil%3Apress-01%3A${T0}`,
  }]);
  notifier.close();
  bus.publish(event());
  assert.equal(sent.length, 1, "closed: no longer listening");
});

Deno.test("AlertNotifier skips held, suppressed, shelved and bookkeeping events", () => {
  const shelvedId = `r-oil:press-01:${T0 - 60_000}`;
  const { bus, sent, notifier } = setup([shelvedId]);
  const skipped: Array<Partial<AlertEvent>> = [
    { held: true }, // its rule is flapping
    { action: "cleared", held: true, reason: "condition" },
    { action: "suppressed", alertId: null, reason: "cooldown", until: T0 + 60_000 },
    { alertId: shelvedId, action: "cleared", reason: "condition" },
    { alertId: shelvedId, action: "acknowledged", by: "ana" },
    { action: "shelved", until: T0 + 3_600_000, by: "ana" },
    { action: "unshelved", reason: "expired" },
    { action: "flapping_ended", alertId: `r-oil:press-01:${T0}:flapping` },
  ];
  for (const overrides of skipped) bus.publish(event(overrides));
  bus.publish({
    type: "status",
    factory: "demo",
    machine: "m",
    ts: T0,
    status: "stale",
    previous: "normal",
    reason: "",
  });
  assert.deepEqual(sent, []);
  notifier.close();
});

Deno.test("AlertNotifier notifies acknowledged, cleared and flapping, saying who and why", () => {
  const { bus, sent, notifier } = setup();
  bus.publish(event({ action: "acknowledged", by: "ana", note: "on it" }));
  bus.publish(event({ action: "cleared", reason: "condition", explanation: "oil_temp 78 < 79" }));
  bus.publish(event({ action: "cleared", reason: "manual", by: "ben", note: "sensor swapped" }));
  bus.publish(event({ action: "cleared", reason: "rule_deleted" }));
  bus.publish(event({ action: "flapping", alertId: `r-oil:press-01:${T0}:flapping` }));
  assert.deepEqual(sent.map((a) => [a.transition, a.explanation]), [
    ["acknowledged", "oil_temp 82.5 > 80 for 10 min — acknowledged by ana: on it"],
    ["cleared", "oil_temp 78 < 79"],
    ["cleared", "oil_temp 82.5 > 80 for 10 min — cleared by hand by ben: sensor swapped"],
    ["cleared", "oil_temp 82.5 > 80 for 10 min — cleared because its rule was deleted"],
    ["flapping", "oil_temp 82.5 > 80 for 10 min"],
  ]);
  notifier.close();
});

Deno.test("AlertNotifier sends no chart when the directory holds too few values", () => {
  const bus = new EventBus();
  const sent: AlertNotification[] = [];
  const notifier = new AlertNotifier({
    bus,
    sink: { notify: (alert) => sent.push(alert) },
    publicUrl: () => "http://127.0.0.1:8000",
    directory: { recent: () => [[T0, 82.5]] },
  });
  bus.publish(event());
  assert.equal(sent[0].series, undefined);
  assert.match(sent[0].link, /^http:\/\/127\.0\.0\.1:8000\/factories\/demo\/alerts\//);
  notifier.close();
});
