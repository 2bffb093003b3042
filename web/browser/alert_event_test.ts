import assert from "node:assert/strict";
import type { Alert } from "../../engine/alerts/alert.ts";
import { AlertStore } from "../../engine/alerts/alert_store.ts";
import { EventBus } from "../../engine/bus.ts";
import type { AlertAction, AlertEvent } from "../../engine/events.ts";
import { FakeClock } from "../../engine/fake_clock.ts";
import { openMetadataDb } from "../../engine/metadata/metadata_db.ts";
import { applyAlertEvent } from "./alert_event.ts";

const T0 = Date.UTC(2027, 2, 1, 8);
const MIN = 60_000;

function ruleEvent(action: AlertAction, at: number, id: string, reason?: string): AlertEvent {
  return {
    type: "alert",
    factory: "demo",
    machine: "press-01",
    ts: at,
    action,
    alertId: id,
    ruleId: "oil-hot",
    ruleName: "Oil too hot",
    ruleVersion: 3,
    severity: "critical",
    explanation: `${action} explanation`,
    values: { oil_temp: at / MIN },
    ...(reason === undefined ? {} : { reason }),
  };
}

/** Runs `script` against a real store; the page's copy, fed only the bus events, must match it. */
function compare(script: (store: AlertStore, bus: EventBus, clock: FakeClock) => void): void {
  const clock = new FakeClock(T0);
  const bus = new EventBus();
  const store = new AlertStore(openMetadataDb(":memory:"), bus, { clock });
  const page = new Map<string, Alert>();
  bus.subscribe((event) => {
    if (event.type !== "alert" || event.alertId === null) return;
    const next = applyAlertEvent(page.get(event.alertId), event);
    if (next !== undefined) page.set(event.alertId, next);
  });
  script(store, bus, clock);
  for (const [id, alert] of page) {
    const { audit: _, ...stored } = store.get(id)!;
    assert.deepEqual(alert, stored, id);
  }
  assert.ok(page.size > 0);
  store.close();
}

Deno.test("applyAlertEvent follows raise, acknowledge, shelve and clears as the store does", () => {
  compare((store, bus, clock) => {
    const id = `oil-hot:press-01:${T0}`;
    bus.publish(ruleEvent("raised", T0, id));
    bus.publish(ruleEvent("raised", T0, id));
    clock.tick(MIN);
    store.acknowledge(id, { by: "ana", note: "looking" });
    store.shelve(id, { by: "ana", until: T0 + 20 * MIN, note: "maintenance" });
    clock.tick(30 * MIN);
    bus.publish(ruleEvent("cleared", T0 + 31 * MIN, id, "condition"));
    bus.publish(ruleEvent("cleared", T0 + 31 * MIN, id, "condition"));
  });
});

Deno.test("applyAlertEvent keeps a manual clear when the rule clears later", () => {
  compare((store, bus, clock) => {
    const id = `oil-hot:press-01:${T0}`;
    bus.publish(ruleEvent("raised", T0, id));
    store.shelve(id, { by: "ana", until: T0 + 20 * MIN });
    clock.tick(MIN);
    store.clear(id, { by: "ben", note: "sensor swapped" });
    bus.publish(ruleEvent("cleared", T0 + 9 * MIN, id, "condition"));
    const flapping = `oil-hot:press-01:${T0 + 10 * MIN}:flapping`;
    bus.publish(ruleEvent("flapping", T0 + 10 * MIN, flapping));
    store.shelve(flapping, { by: "ana", until: clock.now() + 5 * MIN });
    store.unshelve(flapping, { by: "ana" });
    bus.publish(ruleEvent("flapping_ended", T0 + 40 * MIN, flapping));
  });
});

Deno.test("applyAlertEvent ignores events about alerts the page does not hold", () => {
  const event = ruleEvent("acknowledged", T0, "x");
  assert.equal(applyAlertEvent(undefined, event), undefined);
  assert.equal(
    applyAlertEvent(undefined, { ...event, action: "suppressed", alertId: null }),
    undefined,
  );
});
