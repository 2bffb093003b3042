import assert from "node:assert/strict";
import type { Alert } from "../../engine/alerts/alert.ts";
import type { AlertAction, AlertEvent, AlertSeverity } from "../../engine/events.ts";
import { applyAlertEvent } from "./alert_event.ts";
import {
  alertApiQuery,
  alertFilterSearch,
  matchesAlertFilter,
  parseAlertFilter,
} from "./alert_filter.ts";
import { byUrgency } from "./alert_format.ts";
import { LiveAlerts } from "./live_alerts.ts";

const T0 = Date.UTC(2027, 2, 1, 8);
const MIN = 60_000;

function event(
  action: AlertAction,
  machine: string,
  at: number,
  extra: Partial<AlertEvent> = {},
): AlertEvent {
  return {
    type: "alert",
    factory: "demo",
    machine,
    ts: at,
    action,
    alertId: `r:${machine}:${extra.alertId ?? at}`,
    ruleId: "r",
    ruleName: "Rule",
    ruleVersion: 1,
    severity: "high",
    explanation: "x",
    values: {},
    ...extra,
    ...(extra.alertId === undefined ? {} : { alertId: extra.alertId }),
  };
}

function alert(machine: string, at: number, severity: AlertSeverity = "high"): Alert {
  return applyAlertEvent(undefined, event("raised", machine, at, { severity }))!;
}

const open = (a: Alert) => a.state !== "cleared";

Deno.test("LiveAlerts adds raised alerts, updates them, and drops what it does not keep", () => {
  const live = new LiveAlerts([alert("press-01", T0, "low")], { keep: open, order: byUrgency });
  live.apply(event("raised", "press-02", T0 + MIN, { severity: "critical" }));
  live.apply(event("raised", "press-03", T0 + 2 * MIN));
  assert.deepEqual(live.alerts.value.map((a) => a.machine), ["press-02", "press-03", "press-01"]);
  live.apply(event("shelved", "press-02", T0 + 3 * MIN, {
    alertId: `r:press-02:${T0 + MIN}`,
    until: T0 + 60 * MIN,
    by: "ana",
  }));
  assert.deepEqual(
    live.alerts.value.map((a) => a.machine),
    ["press-03", "press-01", "press-02"],
    "shelved alerts go last",
  );
  live.apply(event("acknowledged", "press-03", T0 + 4 * MIN, {
    alertId: `r:press-03:${T0 + 2 * MIN}`,
    by: "ana",
  }));
  assert.equal(live.alerts.value[0].state, "acknowledged");
  assert.equal(live.alerts.value[0].acknowledgedBy, "ana");
  live.apply(event("cleared", "press-01", T0 + 5 * MIN, {
    alertId: `r:press-01:${T0}`,
    reason: "condition",
  }));
  assert.deepEqual(live.alerts.value.map((a) => a.machine), ["press-03", "press-02"]);
  live.upsert({ ...live.alerts.value[1], state: "cleared" });
  assert.deepEqual(live.alerts.value.map((a) => a.machine), ["press-03"]);
});

Deno.test("LiveAlerts reloads after a reconnection and replays events that arrived meanwhile", async () => {
  let answer: (alerts: Alert[]) => void = () => {};
  let pending: Promise<Alert[]> | undefined;
  const live = new LiveAlerts([], {
    keep: open,
    order: byUrgency,
    reload: () => pending = new Promise((resolve) => answer = resolve),
  });
  live.apply({ type: "hello" });
  assert.equal(pending, undefined, "the first connection follows the server's render");
  live.apply({ type: "hello" });
  live.apply(event("raised", "press-02", T0 + MIN));
  live.apply(event("acknowledged", "press-01", T0 + 2 * MIN, { alertId: `r:press-01:${T0}` }));
  answer([alert("press-01", T0)]);
  // The reload's own continuation was registered first, so it has run when this await returns.
  await pending;
  assert.deepEqual(
    live.alerts.value.map((a) => `${a.machine}/${a.state}`),
    ["press-02/active", "press-01/acknowledged"],
  );
});

Deno.test("alert filters round-trip through the URL and match what the API would return", () => {
  const filter = parseAlertFilter(
    new URLSearchParams("state=cleared&severity=high&machine=press-01&since=24h"),
  );
  assert.deepEqual(filter, {
    state: "cleared",
    severity: "high",
    machine: "press-01",
    since: "24h",
  });
  assert.equal(
    alertFilterSearch(filter),
    "?state=cleared&severity=high&machine=press-01&since=24h",
  );
  assert.equal(alertFilterSearch(parseAlertFilter(new URLSearchParams("state=nonsense"))), "");
  assert.equal(
    alertApiQuery(filter, T0, { limit: 50 }).toString(),
    `state=cleared&severity=high%2Ccritical&machine=press-01&from=${T0 - 86_400_000}&limit=50`,
  );
  const a = alert("press-01", T0 - MIN, "critical");
  const cleared = { ...a, state: "cleared" as const };
  assert.equal(matchesAlertFilter(cleared, filter, T0), true);
  assert.equal(matchesAlertFilter(a, filter, T0), false, "state");
  assert.equal(matchesAlertFilter({ ...cleared, severity: "medium" }, filter, T0), false);
  assert.equal(matchesAlertFilter({ ...cleared, machine: "press-02" }, filter, T0), false);
  assert.equal(matchesAlertFilter(cleared, filter, T0 + 86_400_000), false, "too old");
  assert.equal(
    matchesAlertFilter(a, parseAlertFilter(new URLSearchParams()), T0 + 400 * 86_400_000),
    true,
    "default: open alerts however old",
  );
});
