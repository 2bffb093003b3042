import { DatabaseSync } from "node:sqlite";

/**
 * Opens a connection to an embedded store's file with the settings every
 * connection needs: WAL (readers never wait for the writer), `NORMAL`
 * sync (a committed transaction survives a crash of the process), a busy
 * timeout for the rare moment two writers meet, and a 128 MB page cache.
 * The store's checkpointer (`checkpoint_worker.ts`, nice +19) copies the WAL
 * into the database file every few seconds; a commit checkpoints by itself
 * only once the WAL holds 65,536 pages (256 MB), when the checkpointer could
 * not keep up (a host with its cores full for long). At 4,000 series a
 * checkpoint copies ~10,000 pages, 135–220 ms of CPU: inside the write
 * worker's commits (at the old 32,768) a burst taking a core from the
 * engine's event loop.
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
    PRAGMA wal_autocheckpoint = 65536;
  `);
  return db;
}
