import Database from 'better-sqlite3';
import { migrate } from './migrations.js';

/**
 * Opens (or creates) the index database and migrates it.
 *
 * - WAL: readers never block the writer, so QIDO keeps answering during STOW.
 * - synchronous=NORMAL: commits do not fsync on the event loop. An acknowledged
 *   STOW must still survive power loss, so writers call SqliteIndexStore.durable()
 *   (an fsync of the WAL file in the thread pool) before acknowledging: the same
 *   guarantee as FULL, without blocking every other request for the fsync.
 * - foreign_keys: series and instances never outlive their parents.
 * - busy_timeout: a second process (the CLI adding a tenant) waits instead of failing.
 */
export function openSqliteDatabase(file: string): Database.Database {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // 64 MiB page cache: the study list walks indexes that fit in it.
    db.pragma('cache_size = -65536');
    db.pragma('temp_store = MEMORY');
    migrate(db);
    // Refresh planner statistics where they are missing or stale (sqlite.org/lang_analyze.html).
    db.pragma('optimize = 0x10002');
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
