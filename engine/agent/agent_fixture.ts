/**
 * Test support: the agent's reads over real stores (in-memory metadata
 * database and SQLite time series, live directory, alert store, event log
 * and recent anomalies fed by a bus), two factories with data, and a fake
 * clock. Tests of the tools, the routes and the full flow share it.
 */
import { AlertStore } from "../alerts/alert_store.ts";
import { EventBus } from "../bus.ts";
import { EventLog } from "../event_log/mod.ts";
import type { AlertEvent } from "../events.ts";
import { FakeClock } from "../fake_clock.ts";
import { LiveDirectory } from "../live_directory.ts";
import { openMetadataDb } from "../metadata/metadata_db.ts";
import { ThresholdTable } from "../metadata/threshold_table.ts";
import { SqliteStore } from "../store/sqlite_store.ts";
import type { SeriesPoint } from "../telemetry.ts";
import { combinedAnomalies, RecentAnomalies } from "./recent_anomalies.ts";
import { type AgentToolDeps, eventLogAnomalies, type ForecastSource } from "./tools.ts";

/** The fixture's "now": 2027-01-15T08:00:00Z. */
export const NOW = Date.UTC(2027, 0, 15, 8);
export const MIN = 60_000;

/** The raise of `oil-hot` on demo/press-01 five minutes before {@link NOW}. */
export const RAISE: AlertEvent = {
  type: "alert",
  factory: "demo",
  machine: "press-01",
  ts: NOW - 5 * MIN,
  action: "raised",
  alertId: `oil-hot:press-01:${NOW - 5 * MIN}`,
  ruleId: "oil-hot",
  ruleName: "Oil too hot",
  ruleVersion: 1,
  severity: "high",
  explanation: "oil_temp 74.2 > 70 for 2 min",
  values: { oil_temp: 74.2 },
};

/**
 * demo/press-01 (oil_temp, pressure; oil_temp thresholds high 70) with an
 * hour of oil_temp history rising 50 → 74 °C, two oil_temp anomalies before
 * the raise; and secret/vault-01 (oil_temp 999) in another factory with its
 * own alert, which no demo request may ever see.
 */
export async function agentFixture(options: { forecast?: ForecastSource } = {}) {
  const clock = new FakeClock(NOW - 60 * MIN);
  const bus = new EventBus();
  const db = openMetadataDb(":memory:");
  const directory = new LiveDirectory(db, bus, { clock });
  const store = new SqliteStore({ path: ":memory:" });
  const eventLog = new EventLog(db, bus, { clock });
  const alerts = new AlertStore(db, bus, { clock });
  const recent = new RecentAnomalies(bus);
  const thresholds = new ThresholdTable(db);
  thresholds.set({ factory: "demo", machine: "press-01" }, { oil_temp: { high: 70 } });

  const points: SeriesPoint[] = [];
  for (let i = 0; i <= 60; i++) {
    const ts = NOW - 60 * MIN + i * MIN;
    const oil = 50 + (24 * i) / 60;
    points.push({ factory: "demo", machine: "press-01", metric: "oil_temp", ts, value: oil });
    points.push({ factory: "demo", machine: "press-01", metric: "pressure", ts, value: 4.2 });
    points.push({ factory: "secret", machine: "vault-01", metric: "oil_temp", ts, value: 999 });
    clock.set(ts);
    bus.publish({
      type: "telemetry",
      factory: "demo",
      machine: "press-01",
      ts,
      values: { oil_temp: oil, pressure: 4.2 },
      anomalous: oil > 70 ? ["oil_temp"] : [],
    });
    bus.publish({
      type: "telemetry",
      factory: "secret",
      machine: "vault-01",
      ts,
      values: { oil_temp: 999 },
      anomalous: [],
    });
  }
  await store.write(points);
  for (const [ts, value] of [[NOW - 9 * MIN, 70.4], [NOW - 7 * MIN, 71.2]]) {
    bus.publish({
      type: "anomaly",
      factory: "demo",
      machine: "press-01",
      ts,
      metric: "oil_temp",
      value,
      reason: "above_threshold",
      score: 3.1,
      expected: { low: 48, high: 70 },
    });
  }
  bus.publish(RAISE);
  bus.publish({
    ...RAISE,
    factory: "secret",
    machine: "vault-01",
    alertId: `vault-hot:vault-01:${NOW - 5 * MIN}`,
    ruleId: "vault-hot",
    ruleName: "Vault secret rule",
    explanation: "oil_temp 999 > 900",
    values: { oil_temp: 999 },
  });
  clock.set(NOW);

  const anomalies = combinedAnomalies(recent, eventLogAnomalies(eventLog));
  const deps: AgentToolDeps = {
    clock,
    directory,
    thresholds: (ref) => thresholds.get(ref),
    store,
    anomalies,
    alerts,
    ...(options.forecast === undefined ? {} : { forecast: options.forecast }),
  };
  return {
    clock,
    bus,
    db,
    directory,
    store,
    alerts,
    anomalies,
    deps,
    async close(): Promise<void> {
      recent.close();
      alerts.close();
      eventLog.close();
      directory.close();
      await store.close();
      db.close();
    },
  };
}
