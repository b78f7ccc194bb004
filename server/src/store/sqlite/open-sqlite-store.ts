// Opens the embedded SQLite store: creates the file privately, sets the connection up, migrates, wires the ports.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../ports.js';
import { createSqliteAccountStore } from './accounts.js';
import { createSqliteCertificateStore } from './certificates.js';
import { createSqliteChallengeStore } from './challenges.js';
import { createSqliteDirectMessageStore } from './direct-messages.js';
import { createSqliteEnrolmentStore } from './enrolments.js';
import { settle } from './codec.js';
import { applyMigrations } from './migrations.js';
import { createSqliteMetaStore } from './meta.js';
import { createSqlitePrekeyStore } from './prekeys.js';
import { createSqliteSessionStore } from './sessions.js';

export interface SqliteStoreOptions {
  /** Path of the database file (created, with its directory, if missing) or ':memory:'. */
  readonly file: string;
}

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;

const IN_MEMORY = ':memory:';

/**
 * Creates the database file readable by its owner only, before SQLite can create it with
 * the umask's looser default; SQLite gives the -wal and -shm files the same mode. The
 * directory is made owner-only too when it is created here. An existing file is left as it is.
 */
async function createPrivateFile(file: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  try {
    const handle = await open(file, 'wx', 0o600);
    await handle.close();
  } catch (error) {
    if (!(error instanceof Error && 'code' in error && error.code === 'EEXIST')) {
      throw error;
    }
  }
}

function configure(db: Database.Database, onDisk: boolean): void {
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
  // path, against the relay throughput target.
  db.pragma('synchronous = NORMAL');
  // The admin CLI opens the same file from another process; wait for its lock, don't fail.
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  // Deleted rows (consumed prekeys, revoked sessions, later purged ciphertext) are overwritten
  // rather than left in free pages, where a seized file would still yield them.
  db.pragma('secure_delete = ON');
  // The schema holds no triggers or views that need functions; refuse any a tampered file adds.
  db.pragma('trusted_schema = OFF');
}

/** Opens (creating and migrating as needed) the SQLite store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const onDisk = options.file !== IN_MEMORY;
  if (onDisk) {
    await createPrivateFile(options.file);
  }
  const db = new Database(options.file);
  try {
    configure(db, onDisk);
    applyMigrations(db);
  } catch (error) {
    db.close();
    throw error;
  }

  const ping = db.prepare<[], { readonly ok: 1 }>('SELECT 1 AS ok');
  return {
    accounts: createSqliteAccountStore(db),
    enrolments: createSqliteEnrolmentStore(db),
    sessions: createSqliteSessionStore(db),
    challenges: createSqliteChallengeStore(db),
    meta: createSqliteMetaStore(db),
    prekeys: createSqlitePrekeyStore(db),
    certificates: createSqliteCertificateStore(db),
    directMessages: createSqliteDirectMessageStore(db),
    ping() {
      return settle(() => {
        if (ping.get()?.ok !== 1) {
          throw new Error('store: ping failed');
        }
      });
    },
    close() {
      return settle(() => {
        // Idempotent, so shutdown paths may close without tracking who closed first.
        if (db.open) {
          db.close();
        }
      });
    },
  };
}
