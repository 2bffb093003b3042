import { DatabaseSync } from "node:sqlite";

/**
 * Opens a connection to an embedded store's file with the settings every
 * connection needs: WAL (readers never wait for the writer), `NORMAL`
 * sync (a committed transaction survives a crash of the process), a busy
 * timeout for the rare moment two writers meet, a 128 MB page cache, and a
 * checkpoint every 32,768 WAL pages (128 MB): every commit dirties a page per
 * series, so a checkpoint copies each of them once however many commits
 * wrote it; at 4,000 series twice the old 16,384 cut the write CPU by
 * ~15–20 % (6.1–6.7 → 5.1 µs a point) for a WAL file of up to ~170 MB.
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
    PRAGMA wal_autocheckpoint = 32768;
  `);
  return db;
}
