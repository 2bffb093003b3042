import assert from "node:assert/strict";
import { EventBus } from "../bus.ts";
import { EventLog } from "../event_log/mod.ts";
import { FakeClock } from "../fake_clock.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { backtestRule, type BacktestSample, type Rule } from "../rules/mod.ts";
import { SqliteStore } from "../store/sqlite_store.ts";
import type { SeriesPoint } from "../telemetry.ts";
import { BacktestLimitError } from "./backtest_limits.ts";
import { backtestHistory } from "./history_backtest.ts";

const T0 = Date.parse("2027-01-15T06:00:00Z");
const SECOND = 1_000;
const MINUTE = 60_000;

const hot: Rule = {
  id: "hot",
  name: "Oven hot",
  version: 3,
  enabled: true,
  scope: { factory: "bakery" },
  condition: { kind: "metric", metric: "temp", op: ">", value: 80, clearValue: 75 },
  forMs: 30 * SECOND,
  severity: "high",
  cooldownMs: 0,
  flapping: false,
};

/** Oven temperature every 5 s for 1 h: above 80 during minutes 10–14 and 40–41, else 70. */
function ovenTemp(s: number): number {
  const minute = Math.floor(s / 60);
  return (minute >= 10 && minute < 15) || (minute >= 40 && minute < 42) ? 85 : 70;
}

async function storeWithOvens(): Promise<SqliteStore> {
  const store = new SqliteStore({ path: ":memory:" });
  const points: SeriesPoint[] = [];
  for (let s = 0; s < 3_600; s += 5) {
    const ts = T0 + s * SECOND;
    points.push({ factory: "bakery", machine: "oven-1", metric: "temp", ts, value: ovenTemp(s) });
    points.push({ factory: "bakery", machine: "oven-1", metric: "door", ts, value: 0 });
    // oven-2 never gets hot; its rpm is at other instants.
    points.push({ factory: "bakery", machine: "oven-2", metric: "temp", ts, value: 60 });
    points.push({
      factory: "bakery",
      machine: "oven-2",
      metric: "rpm",
      ts: ts + 2_500,
      value: 100,
    });
  }
  await store.write(points);
  return store;
}

Deno.test("backtestHistory equals backtestRule on the same samples and finds the raises", async () => {
  const store = await storeWithOvens();
  const to = T0 + 3_600 * SECOND;
  const result = await backtestHistory(hot, {
    store,
    machines: ["oven-1", "oven-2"],
    from: T0,
    to,
  });
  const samples: BacktestSample[] = [];
  for (let s = 0; s < 3_600; s += 5) {
    samples.push({ ts: T0 + s * SECOND, values: { temp: ovenTemp(s) } });
  }
  const expected = backtestRule(hot, samples, {
    target: { factory: "bakery", machine: "oven-1" },
    tickMs: SECOND,
    until: to,
  });
  const oven1 = result.machines[0];
  assert.equal(oven1.machine, "oven-1");
  assert.deepEqual(oven1.transitions, expected);
  assert.deepEqual(
    oven1.transitions.map((t) => [t.type, (t.at - T0) / SECOND]),
    [["raised", 630], ["cleared", 900], ["raised", 2_430], ["cleared", 2_520]],
  );
  assert.equal(oven1.points, 720, "only temp is read, not door");
  assert.equal(oven1.raises, 2);
  assert.equal(oven1.activeMs, (270 + 90) * SECOND);
  assert.deepEqual(result.machines[1].transitions, []);
  assert.deepEqual(result.summary, {
    raises: 2,
    heldRaises: 0,
    suppressed: 0,
    flapping: 0,
    activeMs: 360 * SECOND,
    activeAtEnd: false,
    points: 1_440,
    machinesRaised: 1,
  });
  assert.equal(result.ruleVersion, 3);
  await store.close();
});

Deno.test("backtestHistory replays a disabled rule and ends open alerts at 'to'", async () => {
  const store = await storeWithOvens();
  const result = await backtestHistory({ ...hot, enabled: false, forMs: 0 }, {
    store,
    machines: ["oven-1"],
    from: T0,
    to: T0 + 12 * MINUTE,
  });
  assert.equal(result.summary.raises, 1);
  assert.equal(result.summary.activeAtEnd, true);
  assert.equal(result.summary.activeMs, 2 * MINUTE);
  await store.close();
});

Deno.test("backtestHistory marks anomalies and status from the event log", async () => {
  const store = await storeWithOvens();
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const events = new EventLog(db, bus, { clock: new FakeClock(T0) });
  bus.publish({
    type: "anomaly",
    factory: "bakery",
    machine: "oven-1",
    ts: T0 + 600 * SECOND,
    metric: "temp",
    value: 85,
    reason: "above_threshold",
    score: 5,
    expected: { low: 0, high: 80 },
  });
  bus.publish({
    type: "status",
    factory: "bakery",
    machine: "oven-1",
    ts: T0 + 1_000 * SECOND,
    status: "stale",
    previous: "normal",
    reason: "test",
  });
  const anomaly: Rule = { ...hot, condition: { kind: "anomaly", metric: "temp" }, forMs: 0 };
  const stale: Rule = { ...hot, condition: { kind: "status", value: "stale" }, forMs: 0 };
  const options = { store, machines: ["oven-1"], from: T0, to: T0 + 3_600 * SECOND };
  const flagged = await backtestHistory(anomaly, { ...options, events });
  assert.deepEqual(
    flagged.machines[0].transitions.map((t) => [t.type, (t.at - T0) / SECOND]),
    [["raised", 600], ["cleared", 605]],
  );
  const unflagged = await backtestHistory(anomaly, options);
  assert.equal(unflagged.summary.raises, 0);
  assert.match(unflagged.notes.join(" "), /no point counts as anomalous/);
  const staleRun = await backtestHistory(stale, { ...options, events });
  assert.deepEqual(
    staleRun.machines[0].transitions.map((t) => [t.type, (t.at - T0) / SECOND]),
    [["raised", 1_000]],
    "raised at the logged change, not at the next point",
  );
  events.close();
  db.close();
  await store.close();
});

Deno.test("backtestHistory refuses work past its limits, saying which and what to do", async () => {
  const store = await storeWithOvens();
  const options = { store, machines: ["oven-1", "oven-2"], from: T0, to: T0 + 3_600 * SECOND };
  await assert.rejects(
    () => backtestHistory(hot, { ...options, to: T0 + 8 * 86_400_000 }),
    (error) =>
      error instanceof BacktestLimitError && error.limit === "maxRangeMs" &&
      /at most 7\.0 d|at most 7 d/.test(error.message),
  );
  await assert.rejects(
    () => backtestHistory(hot, { ...options, limits: { maxPoints: 1_000 } }),
    (error) =>
      error instanceof BacktestLimitError && error.limit === "maxPoints" &&
      /more than 1000 points.*'oven-2'/.test(error.message),
  );
  await assert.rejects(
    () => backtestHistory(hot, { ...options, limits: { maxTicks: 7_000 } }),
    (error) =>
      error instanceof BacktestLimitError && error.limit === "maxTicks" &&
      /2 machines × 1 h .* 7200 evaluations.*larger 'tickMs'/.test(error.message),
  );
  const few = await backtestHistory(hot, { ...options, limits: { maxTransitions: 1 } });
  assert.equal(few.machines[0].transitions.length, 1);
  assert.equal(few.machines[0].truncated, true);
  assert.equal(few.machines[0].raises, 2, "counted even when not listed");
  await assert.rejects(
    () => backtestHistory(hot, { ...options, from: options.to + 1 }),
    RangeError,
  );
  await store.close();
});
