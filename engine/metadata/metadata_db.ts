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
