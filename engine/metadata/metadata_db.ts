import { DatabaseSync } from "node:sqlite";

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE actor_snapshots (
     key TEXT PRIMARY KEY,
     snapshot TEXT NOT NULL,
     saved_at INTEGER NOT NULL
   );
   CREATE TABLE machines (
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     view TEXT NOT NULL,
     PRIMARY KEY (factory, machine)
   );
   CREATE TABLE thresholds (
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     metric TEXT NOT NULL,
     low REAL,
     high REAL,
     PRIMARY KEY (factory, machine, metric)
   );`,
  // Notification log (engine/notify/notification_log.ts): one row per alert
  // transition per channel, or per digest; updated on every attempt.
  `CREATE TABLE notification_log (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kind TEXT NOT NULL,
     alert_id TEXT,
     factory TEXT,
     channel TEXT NOT NULL,
     transition TEXT,
     severity TEXT,
     status TEXT NOT NULL,
     hold_reason TEXT,
     attempts INTEGER NOT NULL DEFAULT 0,
     error TEXT,
     digest_id INTEGER REFERENCES notification_log (id),
     payload TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     next_attempt_at INTEGER,
     sent_at INTEGER
   );
   CREATE INDEX notification_log_by_alert ON notification_log (alert_id, id);
   CREATE INDEX notification_log_by_status ON notification_log (status, id);
   CREATE INDEX notification_log_by_time ON notification_log (created_at);`,
  // Status changes and anomalies for factory trends (engine/event_log/event_log.ts).
  `CREATE TABLE event_log (
     id INTEGER PRIMARY KEY,
     ts INTEGER NOT NULL,
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     type TEXT NOT NULL CHECK (type IN ('status', 'anomaly')),
     status TEXT,
     metric TEXT,
     value REAL,
     reason TEXT NOT NULL
   );
   CREATE INDEX event_log_by_factory ON event_log (factory, type, ts);
   CREATE INDEX event_log_by_ts ON event_log (ts);`,
  // Alert rules with every version kept (engine/alerts/rule_table.ts).
  `CREATE TABLE rules (
     id TEXT NOT NULL,
     version INTEGER NOT NULL,
     factory TEXT NOT NULL,
     body TEXT NOT NULL,
     deleted INTEGER NOT NULL DEFAULT 0,
     changed_at INTEGER NOT NULL,
     changed_by TEXT NOT NULL,
     PRIMARY KEY (id, version)
   );
   CREATE INDEX rules_by_factory ON rules (factory, id, version);`,
  // Alerts and their audit trails (engine/alerts/alert_store.ts).
  `CREATE TABLE alerts (
     seq INTEGER PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     rule_id TEXT NOT NULL,
     rule_name TEXT NOT NULL,
     rule_version INTEGER NOT NULL,
     severity TEXT NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('active', 'acknowledged', 'cleared')),
     flapping INTEGER NOT NULL DEFAULT 0,
     held INTEGER NOT NULL DEFAULT 0,
     raised_at INTEGER NOT NULL,
     explanation TEXT NOT NULL,
     metric_values TEXT NOT NULL,
     acknowledged_by TEXT,
     acknowledged_at INTEGER,
     acknowledged_note TEXT,
     cleared_at INTEGER,
     cleared_by TEXT,
     clear_reason TEXT,
     clear_note TEXT,
     rule_cleared_at INTEGER,
     shelved_until INTEGER,
     shelved_by TEXT
   );
   CREATE INDEX alerts_by_factory ON alerts (factory, raised_at, seq);
   CREATE INDEX alerts_open ON alerts (factory, machine) WHERE state <> 'cleared';
   CREATE INDEX alerts_shelved ON alerts (shelved_until) WHERE shelved_until IS NOT NULL;
   CREATE INDEX alerts_by_cleared ON alerts (cleared_at) WHERE state = 'cleared';
   CREATE TABLE alert_audit (
     seq INTEGER PRIMARY KEY,
     alert_id TEXT NOT NULL,
     at INTEGER NOT NULL,
     action TEXT NOT NULL,
     source TEXT NOT NULL CHECK (source IN ('rule', 'operator', 'engine')),
     by TEXT,
     note TEXT,
     reason TEXT,
     until INTEGER,
     explanation TEXT,
     metric_values TEXT
   );
   CREATE INDEX alert_audit_by_alert ON alert_audit (alert_id, seq);`,
  // Notification channels and routing per factory (engine/notify/channel_config_table.ts).
  `CREATE TABLE notification_channels (
     factory TEXT NOT NULL,
     id TEXT NOT NULL,
     kind TEXT NOT NULL,
     config TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (factory, id)
   );
   CREATE TABLE notification_routing (
     factory TEXT PRIMARY KEY,
     routing TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
];

/**
 * Opens the engine's metadata database (snapshots, machine catalogue,
 * thresholds; users and rules later) and brings its schema up to date.
 * Migrations are numbered by position and recorded in `user_version`.
 *
 * @example
 * ```ts
 * const db = openMetadataDb("data/millwright.db");
 * ```
 */
export function openMetadataDb(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
  const { user_version: version } = db.prepare("PRAGMA user_version").get() as {
    user_version: number;
  };
  if (version > MIGRATIONS.length) {
    throw new Error(
      `Cannot open ${path}: its schema version ${version} is newer than this Millwright ` +
        `(${MIGRATIONS.length}); upgrade Millwright or use another DATA_DIR`,
    );
  }
  for (let i = version; i < MIGRATIONS.length; i++) {
    db.exec("BEGIN");
    try {
      db.exec(MIGRATIONS[i]);
      db.exec(`PRAGMA user_version = ${i + 1}`);
      db.exec("COMMIT");
    } catch (error) {
      db.exec("ROLLBACK");
      throw new Error(`Cannot migrate ${path} to schema version ${i + 1}`, { cause: error });
    }
  }
  return db;
}
