import { DatabaseSync } from "node:sqlite";

/**
 * Opens a connection to an embedded store's file with the settings every
 * connection needs: WAL (readers never wait for the writer), `NORMAL`
 * sync (a committed transaction survives a crash of the process), a busy
 * timeout for the rare moment two writers meet, and a 32 MB page cache.
 *
 * @example
 * ```ts
 * const db = openWriteConnection("data/timeseries.db");
 * ```
 */
export function openWriteConnection(path: string): DatabaseSync {
  const db = new DatabaseSync(path);
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA busy_timeout = 5000;
    PRAGMA cache_size = -131072;
    PRAGMA wal_autocheckpoint = 16384;
  `);
  return db;
}
