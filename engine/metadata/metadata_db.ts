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
  // Learning from operators (engine/learning/): machine types, labels with
  // their feature windows, model versions, detector sensitivity with audit.
  `CREATE TABLE machine_types (
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     type TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL,
     PRIMARY KEY (factory, machine)
   );
   CREATE TABLE learning_labels (
     id INTEGER PRIMARY KEY,
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     machine_type TEXT NOT NULL,
     ts INTEGER NOT NULL,
     metric TEXT,
     alert_id TEXT,
     label TEXT NOT NULL CHECK (label IN ('fault', 'false_alarm', 'normal')),
     fault_class TEXT,
     note TEXT,
     by TEXT NOT NULL,
     at INTEGER NOT NULL,
     window TEXT NOT NULL
   );
   CREATE INDEX learning_labels_by_machine ON learning_labels (factory, machine, ts);
   CREATE INDEX learning_labels_by_type ON learning_labels (factory, machine_type, id);
   CREATE TABLE model_versions (
     factory TEXT NOT NULL,
     machine_type TEXT NOT NULL,
     version INTEGER NOT NULL,
     state TEXT NOT NULL CHECK (state IN ('queued', 'training', 'ready', 'failed')),
     requested_by TEXT NOT NULL,
     requested_at INTEGER NOT NULL,
     finished_at INTEGER,
     label_count INTEGER NOT NULL,
     evaluation TEXT,
     model TEXT,
     error TEXT,
     PRIMARY KEY (factory, machine_type, version)
   );
   CREATE TABLE model_activations (
     seq INTEGER PRIMARY KEY,
     factory TEXT NOT NULL,
     machine_type TEXT NOT NULL,
     version INTEGER NOT NULL,
     previous INTEGER,
     by TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX model_activations_by_type ON model_activations (factory, machine_type, seq);
   CREATE TABLE detector_sensitivity (
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     metric TEXT NOT NULL,
     factor REAL NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (factory, machine, metric)
   );
   CREATE TABLE sensitivity_audit (
     seq INTEGER PRIMARY KEY,
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     metric TEXT NOT NULL,
     at INTEGER NOT NULL,
     by TEXT NOT NULL,
     reason TEXT NOT NULL,
     before REAL NOT NULL,
     after REAL NOT NULL,
     label_id INTEGER
   );
   CREATE INDEX sensitivity_audit_by_machine ON sensitivity_audit (factory, machine, seq);`,
  // MQTT device credentials and factory provisioning keys; `hash` is mosquitto's
  // `$7$` format (engine/identity/device_credentials.ts, provisioning_keys.ts).
  `CREATE TABLE device_credentials (
     id TEXT PRIMARY KEY,
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     name TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     revoked_at INTEGER,
     hash TEXT NOT NULL
   );
   CREATE INDEX device_credentials_by_machine ON device_credentials (factory, machine);
   CREATE TABLE provisioning_keys (
     id TEXT PRIMARY KEY,
     factory TEXT NOT NULL,
     name TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     revoked_at INTEGER,
     hash TEXT NOT NULL
   );
   CREATE INDEX provisioning_keys_by_factory ON provisioning_keys (factory);`,
  // Identity: factories, users, revoked sessions, invites, API tokens and the
  // audit log (engine/identity/).
  `CREATE TABLE factories (
     slug TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     time_zone TEXT NOT NULL,
     auto_register INTEGER NOT NULL DEFAULT 0,
     archived_at INTEGER,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE TABLE users (
     id TEXT PRIMARY KEY,
     email TEXT NOT NULL UNIQUE,
     name TEXT NOT NULL,
     role TEXT NOT NULL CHECK (role IN ('super_admin', 'admin', 'operator', 'viewer')),
     factory TEXT,
     password_hash TEXT NOT NULL,
     disabled INTEGER NOT NULL DEFAULT 0,
     token_cutoff INTEGER NOT NULL DEFAULT 0,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX users_by_factory ON users (factory, email);
   CREATE TABLE revoked_sessions (
     jti TEXT PRIMARY KEY,
     expires_at INTEGER NOT NULL
   );
   CREATE INDEX revoked_sessions_by_expiry ON revoked_sessions (expires_at);
   CREATE TABLE invites (
     id TEXT PRIMARY KEY,
     token_hash TEXT NOT NULL UNIQUE,
     kind TEXT NOT NULL CHECK (kind IN ('invite', 'password_reset')),
     email TEXT NOT NULL,
     role TEXT,
     factory TEXT,
     user_id TEXT,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     expires_at INTEGER NOT NULL,
     used_at INTEGER,
     revoked_at INTEGER
   );
   CREATE INDEX invites_by_factory ON invites (factory, created_at);
   CREATE TABLE api_tokens (
     id TEXT PRIMARY KEY,
     factory TEXT NOT NULL,
     name TEXT NOT NULL,
     token_hash TEXT NOT NULL UNIQUE,
     permissions TEXT NOT NULL,
     created_by TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     last_used_at INTEGER,
     revoked_at INTEGER
   );
   CREATE INDEX api_tokens_by_factory ON api_tokens (factory, created_at);
   CREATE TABLE audit_log (
     id INTEGER PRIMARY KEY,
     ts INTEGER NOT NULL,
     factory TEXT,
     actor_kind TEXT NOT NULL,
     actor_id TEXT,
     actor_name TEXT,
     action TEXT NOT NULL,
     target TEXT,
     ip TEXT,
     detail TEXT
   );
   CREATE INDEX audit_log_by_factory ON audit_log (factory, id);`,
  // The LLM agent's incident explanation of each alert (engine/agent/explanation_table.ts).
  `CREATE TABLE alert_explanations (
     alert_id TEXT PRIMARY KEY,
     factory TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed', 'dropped')),
     text TEXT,
     model TEXT,
     tool_calls TEXT NOT NULL DEFAULT '[]',
     error TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX alert_explanations_pending ON alert_explanations (status)
     WHERE status = 'pending';`,
  // Vibration analysis settings per machine (engine/vibration/vibration_config_table.ts).
  `CREATE TABLE vibration_config (
     factory TEXT NOT NULL,
     machine TEXT NOT NULL,
     config TEXT NOT NULL,
     updated_at INTEGER NOT NULL,
     PRIMARY KEY (factory, machine)
   );`,
  // Partial actor snapshots laid over the last full one (engine/metadata/snapshot_table.ts).
  `ALTER TABLE actor_snapshots ADD COLUMN partial TEXT;`,
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
