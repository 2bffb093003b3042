import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import type { AlertAction, AlertEvent, AlertSeverity, EngineEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { AlertActionError } from "./alert.ts";
import { AlertStore } from "./alert_store.ts";

const T0 = Date.UTC(2027, 2, 1, 8);
const MIN = 60_000;

function ruleEvent(
  action: AlertAction,
  at: number,
  options: {
    machine?: string;
    rule?: string;
    severity?: AlertSeverity;
    id?: string;
    reason?: string;
    factory?: string;
  } = {},
): AlertEvent {
  const machine = options.machine ?? "press-01";
  const rule = options.rule ?? "oil-hot";
  return {
    type: "alert",
    factory: options.factory ?? "demo",
    machine,
    ts: at,
    action,
    alertId: options.id ?? `${rule}:${machine}:${at}`,
    ruleId: rule,
    ruleName: `Rule ${rule}`,
    ruleVersion: 2,
    severity: options.severity ?? "high",
    explanation: action === "raised" ? "oil_temp 82.5 > 80 for 2 min" : "oil_temp 71 ≤ 75",
    values: { oil_temp: action === "raised" ? 82.5 : 71 },
    ...(options.reason === undefined ? {} : { reason: options.reason }),
  };
}

function setup(db = openMetadataDb(":memory:"), clock = new FakeClock(T0)) {
  const bus = new EventBus();
  const published: AlertEvent[] = [];
  bus.subscribe((e: EngineEvent) => {
    if (e.type === "alert") published.push(e);
  });
  const store = new AlertStore(db, bus, { clock });
  return { db, clock, bus, store, published };
}

Deno.test("AlertStore follows raise → acknowledge → automatic clear with an audit line each", () => {
  const { clock, bus, store, published } = setup();
  const raise = ruleEvent("raised", T0);
  const id = raise.alertId!;
  bus.publish(raise);
  assert.equal(store.get(id)?.state, "active");
  assert.deepEqual(store.active("demo").map((a) => a.id), [id]);

  clock.tick(5 * MIN);
  const acked = store.acknowledge(id, { by: "ana", note: "checking the cooler" });
  assert.equal(acked.state, "acknowledged");
  assert.equal(acked.acknowledgedBy, "ana");
  assert.equal(acked.acknowledgedAt, T0 + 5 * MIN);
  const event = published.at(-1)!;
  assert.equal(event.action, "acknowledged");
  assert.equal(event.by, "ana");
  assert.equal(event.note, "checking the cooler");
  assert.equal(event.alertId, id);

  bus.publish(ruleEvent("cleared", T0 + 9 * MIN, { id, reason: "condition" }));
  const cleared = store.get(id)!;
  assert.equal(cleared.state, "cleared");
  assert.equal(cleared.clearedBy, "rule");
  assert.equal(cleared.clearReason, "condition");
  assert.equal(cleared.clearedAt, T0 + 9 * MIN);
  assert.equal(cleared.ruleClearedAt, T0 + 9 * MIN);
  assert.deepEqual(
    cleared.audit.map((e) => [e.action, e.source, e.by, e.at]),
    [
      ["raised", "rule", null, T0],
      ["acknowledged", "operator", "ana", T0 + 5 * MIN],
      ["cleared", "rule", null, T0 + 9 * MIN],
    ],
  );
  assert.equal(cleared.audit[0].explanation, "oil_temp 82.5 > 80 for 2 min");
  assert.deepEqual(cleared.audit[2].values, { oil_temp: 71 });
  assert.deepEqual(store.active("demo"), []);
  store.close();
});

Deno.test("AlertStore records the rule's own clear after a manual clear in the audit trail only", () => {
  const { clock, bus, store, published } = setup();
  const raise = ruleEvent("raised", T0);
  const id = raise.alertId!;
  bus.publish(raise);
  clock.tick(MIN);
  const cleared = store.clear(id, { by: "ben", note: "sensor swapped" });
  assert.equal(cleared.state, "cleared");
  assert.equal(cleared.clearReason, "manual");
  assert.equal(cleared.clearedBy, "ben");
  assert.equal(cleared.ruleClearedAt, null, "the rule still holds its alert");
  const event = published.at(-1)!;
  assert.deepEqual([event.action, event.reason, event.by, event.note], [
    "cleared",
    "manual",
    "ben",
    "sensor swapped",
  ]);

  bus.publish(ruleEvent("cleared", T0 + 30 * MIN, { id, reason: "condition" }));
  bus.publish(ruleEvent("cleared", T0 + 30 * MIN, { id, reason: "condition" }));
  const after = store.get(id)!;
  assert.equal(after.clearedBy, "ben", "the manual clear stands");
  assert.equal(after.clearedAt, T0 + MIN);
  assert.equal(after.ruleClearedAt, T0 + 30 * MIN);
  assert.deepEqual(after.audit.map((e) => `${e.action}/${e.source}/${e.reason}`), [
    "raised/rule/null",
    "cleared/operator/manual",
    "cleared/rule/condition",
  ]);
  store.close();
});

Deno.test("AlertStore ignores a redelivered raise", () => {
  const { bus, store } = setup();
  const raise = ruleEvent("raised", T0);
  bus.publish(raise);
  bus.publish(raise);
  bus.publish({ ...raise, explanation: "changed" });
  assert.equal(store.list({ factory: "demo", limit: 10 }).alerts.length, 1);
  const alert = store.get(raise.alertId!)!;
  assert.equal(alert.explanation, "oil_temp 82.5 > 80 for 2 min");
  assert.equal(alert.audit.length, 1);
  store.close();
});

Deno.test("AlertStore refuses actions that do not apply", () => {
  const { clock, bus, store, published } = setup();
  const raise = ruleEvent("raised", T0);
  const id = raise.alertId!;
  bus.publish(raise);
  const refused = (fn: () => unknown, refusal: string, message: RegExp) =>
    assert.throws(fn, (error: unknown) => {
      assert.ok(error instanceof AlertActionError);
      assert.equal(error.refusal, refusal);
      assert.match(error.message, message);
      return true;
    });
  refused(() => store.acknowledge("nope", { by: "ana" }), "not_found", /no alert 'nope'/);
  refused(() => store.unshelve(id, { by: "ana" }), "not_applicable", /is not shelved/);
  store.acknowledge(id, { by: "ana" });
  refused(() => store.acknowledge(id, { by: "ben" }), "not_applicable", /already.*by ana/);
  store.clear(id, { by: "ana", note: "done" });
  for (
    const act of [() => store.clear(id, { by: "ben" }), () => store.acknowledge(id, { by: "b" })]
  ) {
    refused(act, "not_applicable", /cleared by ana/);
  }
  refused(
    () => store.shelve(id, { by: "ben", until: clock.now() + MIN }),
    "not_applicable",
    /cleared/,
  );
  assert.equal(published.length, 3, "raised, acknowledged, cleared: refusals publish nothing");
  store.close();
});

Deno.test("AlertStore ends a shelve at its time by publishing unshelved", () => {
  const { clock, bus, store, published } = setup();
  const raise = ruleEvent("raised", T0);
  const id = raise.alertId!;
  bus.publish(raise);
  assert.throws(() => store.shelve(id, { by: "ana", until: T0 }), RangeError);
  assert.throws(() => store.shelve(id, { by: "ana", until: T0 + 8 * 1_440 * MIN }), /more than/);
  const shelved = store.shelve(id, { by: "ana", until: T0 + 30 * MIN, note: "maintenance" });
  assert.equal(shelved.shelvedUntil, T0 + 30 * MIN);
  assert.equal(store.isShelved(id), true);
  assert.deepEqual([published.at(-1)!.action, published.at(-1)!.until], ["shelved", T0 + 30 * MIN]);

  clock.tick(30 * MIN - 1);
  assert.equal(store.isShelved(id), true);
  clock.tick(1);
  assert.equal(store.isShelved(id), false);
  const last = published.at(-1)!;
  assert.deepEqual([last.action, last.reason, last.by], ["unshelved", "expired", undefined]);
  const audit = store.get(id)!.audit;
  assert.deepEqual(audit.map((e) => `${e.action}/${e.source}`), [
    "raised/rule",
    "shelved/operator",
    "unshelved/engine",
  ]);
  assert.equal(store.get(id)!.shelvedUntil, null);
  assert.equal(store.get(id)!.state, "active", "shelving does not acknowledge");
  store.close();
});

Deno.test("AlertStore unshelves by hand and forgets the shelve when the alert clears", () => {
  const { clock, bus, store, published } = setup();
  const a = ruleEvent("raised", T0, { machine: "press-01" });
  const b = ruleEvent("raised", T0, { machine: "press-02" });
  bus.publish(a);
  bus.publish(b);
  store.shelve(a.alertId!, { by: "ana", until: T0 + 10 * MIN });
  store.shelve(b.alertId!, { by: "ana", until: T0 + 10 * MIN });
  store.unshelve(a.alertId!, { by: "ben", note: "back on" });
  assert.equal(store.isShelved(a.alertId!), false);
  bus.publish(ruleEvent("cleared", T0 + MIN, { machine: "press-02", id: b.alertId! }));
  assert.equal(store.get(b.alertId!)!.shelvedUntil, null);
  const count = published.length;
  clock.tick(20 * MIN);
  assert.equal(published.length, count, "no expiry for an unshelved or cleared alert");
  store.close();
});

Deno.test("AlertStore re-arms shelve timers after a restart", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/m.db`;
    const first = setup(openMetadataDb(path));
    const raise = ruleEvent("raised", T0);
    first.bus.publish(raise);
    first.store.shelve(raise.alertId!, { by: "ana", until: T0 + 15 * MIN });
    first.store.close();
    first.db.close();

    const clock = new FakeClock(T0 + 5 * MIN);
    const second = setup(openMetadataDb(path), clock);
    assert.equal(second.store.isShelved(raise.alertId!), true);
    clock.tick(10 * MIN - 1);
    assert.equal(second.published.length, 0);
    clock.tick(1);
    assert.deepEqual(second.published.map((e) => e.action), ["unshelved"]);
    second.store.close();

    // A shelve that ran out while the engine was down ends right after the start.
    const third = setup(openMetadataDb(path), new FakeClock(T0 + 60 * MIN));
    third.store.shelve(raise.alertId!, { by: "ana", until: T0 + 70 * MIN });
    third.store.close();
    third.db.close();
    const late = new FakeClock(T0 + 2 * 60 * MIN);
    const fourth = setup(openMetadataDb(path), late);
    late.tick(0);
    assert.deepEqual(fourth.published.map((e) => e.action), ["unshelved"]);
    fourth.store.close();
    fourth.db.close();
    second.db.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("AlertStore records flapping as its own alert, ended by flapping_ended", () => {
  const { bus, store } = setup();
  const id = `oil-hot:press-01:${T0}:flapping`;
  bus.publish(ruleEvent("flapping", T0, { id }));
  bus.publish({ ...ruleEvent("raised", T0 + 1), held: true });
  const flapping = store.get(id)!;
  assert.equal(flapping.flapping, true);
  assert.equal(flapping.state, "active");
  assert.equal(store.get(`oil-hot:press-01:${T0 + 1}`)!.held, true);
  bus.publish(ruleEvent("flapping_ended", T0 + 20 * MIN, { id }));
  assert.equal(store.get(id)!.state, "cleared");
  assert.equal(store.get(id)!.clearReason, "flapping_ended");
  // Suppressed raises nothing.
  bus.publish({ ...ruleEvent("suppressed", T0 + 21 * MIN), alertId: null });
  assert.equal(store.list({ factory: "demo", limit: 10 }).alerts.length, 2);
  store.close();
});

Deno.test("AlertStore keeps a clear of an alert it never saw raised", () => {
  const { bus, store } = setup();
  const id = `oil-hot:press-01:${T0 - 5 * MIN}`;
  bus.publish(ruleEvent("cleared", T0, { id, reason: "rule_deleted" }));
  const alert = store.get(id)!;
  assert.equal(alert.state, "cleared");
  assert.equal(alert.raisedAt, T0 - 5 * MIN);
  assert.equal(alert.clearReason, "rule_deleted");
  store.close();
});

Deno.test("AlertStore lists by state, severity, machine and time, in pages", () => {
  const { bus, store } = setup();
  const cases: Array<[string, AlertSeverity, number]> = [
    ["press-01", "low", 1],
    ["press-01", "high", 2],
    ["press-02", "critical", 3],
    ["press-02", "high", 4],
    ["press-03", "medium", 5],
  ];
  for (const [machine, severity, minute] of cases) {
    bus.publish(ruleEvent("raised", T0 + minute * MIN, { machine, severity }));
  }
  bus.publish(ruleEvent("raised", T0, { factory: "other" }));
  store.acknowledge(`oil-hot:press-02:${T0 + 3 * MIN}`, { by: "ana" });
  bus.publish(
    ruleEvent("cleared", T0 + 9 * MIN, { machine: "press-01", id: `oil-hot:press-01:${T0 + MIN}` }),
  );
  const machines = (query: Partial<Parameters<AlertStore["list"]>[0]>) =>
    store.list({ factory: "demo", limit: 50, ...query }).alerts.map((a) =>
      `${a.machine}@${(a.raisedAt - T0) / MIN}`
    );
  assert.deepEqual(machines({}), [
    "press-03@5",
    "press-02@4",
    "press-02@3",
    "press-01@2",
    "press-01@1",
  ]);
  assert.deepEqual(machines({ states: ["active"] }), ["press-03@5", "press-02@4", "press-01@2"]);
  assert.deepEqual(machines({ states: ["acknowledged", "cleared"] }), [
    "press-02@3",
    "press-01@1",
  ]);
  assert.deepEqual(machines({ severities: ["high", "critical"] }), [
    "press-02@4",
    "press-02@3",
    "press-01@2",
  ]);
  assert.deepEqual(machines({ machine: "press-01" }), ["press-01@2", "press-01@1"]);
  assert.deepEqual(machines({ from: T0 + 2 * MIN, to: T0 + 4 * MIN }), [
    "press-02@4",
    "press-02@3",
    "press-01@2",
  ]);
  assert.deepEqual(store.active("demo", "press-02").map((a) => a.state), [
    "active",
    "acknowledged",
  ]);

  const first = store.list({ factory: "demo", limit: 2 });
  assert.equal(first.next, `oil-hot:press-02:${T0 + 4 * MIN}`);
  const second = store.list({ factory: "demo", limit: 2, before: first.next! });
  assert.deepEqual(second.alerts.map((a) => a.machine), ["press-02", "press-01"]);
  const third = store.list({ factory: "demo", limit: 2, before: second.next! });
  assert.deepEqual(third.alerts.map((a) => a.machine), ["press-01"]);
  assert.equal(third.next, null);
  assert.throws(() => store.list({ factory: "demo", limit: 2, before: "gone" }), /No alert 'gone'/);
  store.close();
});

Deno.test("AlertStore prunes cleared alerts past the retention with their audit trail", () => {
  const db = openMetadataDb(":memory:");
  const clock = new FakeClock(T0);
  const bus = new EventBus();
  const store = new AlertStore(db, bus, { clock, retentionMs: 30 * 1_440 * MIN });
  const old = ruleEvent("raised", T0 - 40 * 1_440 * MIN, { machine: "press-01" });
  const open = ruleEvent("raised", T0 - 50 * 1_440 * MIN, { machine: "press-02" });
  const recent = ruleEvent("raised", T0 - MIN, { machine: "press-03" });
  for (const e of [old, open, recent]) bus.publish(e);
  bus.publish(ruleEvent("cleared", old.ts + MIN, { machine: "press-01", id: old.alertId! }));
  bus.publish(ruleEvent("cleared", T0, { machine: "press-03", id: recent.alertId! }));
  assert.deepEqual(store.prune(T0, 100), { deleted: { alerts: 1 }, done: true });
  assert.equal(store.get(old.alertId!), undefined);
  assert.ok(store.get(open.alertId!), "open alerts stay however old");
  assert.ok(store.get(recent.alertId!));
  const audit = db.prepare("SELECT count(*) AS n FROM alert_audit WHERE alert_id = ?")
    .get(old.alertId!) as { n: number };
  assert.equal(audit.n, 0);
  assert.throws(() => new AlertStore(db, bus, { clock, retentionMs: 0 }), /'retentionMs'/);
  store.close();
});
