// How every SQLite connection of the server is set up: the event loop's (open-sqlite-store.ts)
// and the conversation writer's in its worker thread (conversation-writer-thread.ts) alike.
import type Database from 'better-sqlite3';

/**
 * How long a statement waits for another connection's write lock (the admin CLI's, or the
 * conversation writer's thread) before failing with SQLITE_BUSY.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

/** Sets a connection up: every connection the server opens on the file gets the same settings. */
export function configureConnection(db: Database.Database, onDisk: boolean): void {
  // WAL lets readers proceed while the server writes and lets the admin CLI share the file.
  if (onDisk) {
    const mode: unknown = db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') {
      // Network file systems may refuse WAL; running in another mode would change the
      // concurrency the adapters rely on, so stop with a clear reason instead.
      throw new Error(`store: could not enable WAL journal mode (got ${String(mode)})`);
    }
  }
  // NORMAL, not FULL: in WAL mode NORMAL never corrupts the file and a process crash loses no
  // committed transaction (the design's "no loss across a server crash"); only a power cut or
  // kernel panic may roll back the last commits. FULL would put an fsync in every message's
  // path, against the relay throughput target. The few writes that must survive a power cut
  // run under FULL one by one (`durably` in open-sqlite-store.ts).
  db.pragma('synchronous = NORMAL');
  // The admin CLI opens the same file from another process, the conversation writer from another
  // thread; wait for their lock, don't fail.
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  // Deleted rows (consumed prekeys, purged sessions, acknowledged ciphertext) are overwritten
  // with zeros in their pages and in freed pages (ON, not FAST, which leaves freed pages), so a
  // seized database file does not yield them. That covers the database file only: the -wal file
  // keeps what was written until a checkpoint empties it, which the WAL scrubber does.
  db.pragma('secure_delete = ON');
  // The schema holds no triggers or views that need functions; refuse any a tampered file adds.
  db.pragma('trusted_schema = OFF');
}
