// Opens the embedded SQLite store: creates the file privately, sets the connection up, migrates,
// wires the ports — with deletions of secret-bearing rows scrubbed from the write-ahead log and
// the writes that must survive a power cut made durable.
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Store } from '../ports.js';
import { createSqliteAccountStore } from './accounts.js';
import { createSqliteAuditStore } from './audit.js';
import { createSqliteCertificateStore } from './certificates.js';
import { createSqliteChallengeStore } from './challenges.js';
import { createSqliteConversationStore } from './conversations.js';
import { createSqliteDeviceStore } from './devices.js';
import { createSqliteEnrolmentStore } from './enrolments.js';
import { createSqliteEnvelopePrekeyStore } from './envelope-prekeys.js';
import { settle } from './codec.js';
import { applyMigrations } from './migrations.js';
import { createSqliteMetaStore } from './meta.js';
import { createSqliteOfferStore } from './offers.js';
import { createSqlitePrekeyStore } from './prekeys.js';
import { createSqliteProposalStore } from './proposals.js';
import { createSqliteReportStore } from './reports.js';
import { createSqliteRequestStore } from './requests.js';
import { createSqliteSessionStore } from './sessions.js';
import { createSqliteVettingStore } from './vetting.js';
import { createWalScrubber } from './wal-scrubber.js';

export interface SqliteStoreOptions {
  /** Path of the database file (created, with its directory, if missing) or ':memory:'. */
  readonly file: string;
}

/** How long a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/**
 * Pages SQLite keeps in this connection's memory, in KiB (a bound: it grows only as pages are
 * read). SQLite's default, 2 MiB, is smaller than the pages the relay touches between two group
 * commits (each conversation's index leaves, the backlog counters, the tail of the envelope
 * table), so pages written a moment ago were read back from the file: about one `pread` a
 * message under the relay benchmark, a third of one with 32 MiB (docs/relay.md, "SQLite settings").
 */
export const SQLITE_CACHE_KIB = 32 * 1024;
/**
 * Log pages after which a commit copies the log into the database file (SQLite's default: 1000).
 * Each of those checkpoints syncs the file twice; under the relay's load the default ran one
 * every few hundred messages. The WAL scrubber (wal-scrubber.ts) empties the log within a second
 * of any delete anyway; this only bounds the log (32 MiB) when nothing is deleted for a while.
 */
export const SQLITE_WAL_AUTOCHECKPOINT_PAGES = 8192;

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
  // Set first: another process (the admin CLI, or more server processes sharing the file with
  // Redis) may hold a lock while this one switches to WAL or migrates; wait for it, don't fail.
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
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
  // run under FULL one by one (see `durably` below).
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted rows (consumed prekeys, purged sessions, acknowledged ciphertext) are overwritten
  // with zeros in their pages and in freed pages (ON, not FAST, which leaves freed pages), so a
  // seized database file does not yield them. That covers the database file only: the -wal file
  // keeps what was written until a checkpoint empties it, which the WAL scrubber does.
  db.pragma('secure_delete = ON');
  // The schema holds no triggers or views that need functions; refuse any a tampered file adds.
  db.pragma('trusted_schema = OFF');
  db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  db.pragma(`wal_autocheckpoint = ${SQLITE_WAL_AUTOCHECKPOINT_PAGES}`);
}

/**
 * Runs one write with synchronous=FULL, so that its commit syncs the -wal file and the write
 * survives a power cut or kernel panic, not only a process crash. Used for the writes whose loss
 * would re-open a door that was closed: revoked sessions, suspensions, moderator certificates and
 * revocation lists, audit log entries with the decisions they authorise. SQLite allows changing `synchronous` only outside a
 * transaction; this works per write because every adapter here runs its whole transaction
 * synchronously inside the call (see `settle`), before the setting is put back.
 */
function durably<T>(db: Database.Database, write: () => Promise<T>): Promise<T> {
  if (db.inTransaction) return write();
  db.pragma('synchronous = FULL');
  try {
    return write();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

/** Opens (creating and migrating as needed) the SQLite store. */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const onDisk = options.file !== IN_MEMORY;
  if (onDisk) {
    await createPrivateFile(options.file);
  }
  const db = new Database(options.file);
  const scrubber = onDisk ? createWalScrubber(db, { busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS }) : null;
  try {
    configure(db, onDisk);
    applyMigrations(db);
    // A crash may have left deleted rows in the log: scrub before serving anything.
    if (scrubber !== null && !scrubber.scrubNow()) scrubber.request();
  } catch (error) {
    scrubber?.stop();
    db.close();
    throw error;
  }

  /**
   * Resolves like `deletion`, after asking for the deleted rows to be scrubbed from the log —
   * unless it plainly deleted nothing (0 rows, false, nothing found), which needs no checkpoint.
   */
  const scrubbed = <T>(deletion: Promise<T>): Promise<T> =>
    deletion.then((result) => {
      if (result !== 0 && result !== false && result !== undefined) scrubber?.request();
      return result;
    });

  const accounts = createSqliteAccountStore(db);
  const sessions = createSqliteSessionStore(db);
  const challenges = createSqliteChallengeStore(db);
  const devices = createSqliteDeviceStore(db);
  const prekeys = createSqlitePrekeyStore(db);
  const certificates = createSqliteCertificateStore(db);
  const audit = createSqliteAuditStore(db);
  const offers = createSqliteOfferStore(db);
  const requests = createSqliteRequestStore(db);
  const conversations = createSqliteConversationStore(db);
  const proposals = createSqliteProposalStore(db);
  const reports = createSqliteReportStore(db);
  const ping = db.prepare<[], { readonly ok: 1 }>('SELECT 1 AS ok');
  // Every method that deletes or overwrites something secret-bearing is scrubbed, and every
  // write that must survive a power cut is durable; a new such method belongs in this list.
  return {
    accounts: {
      ...accounts,
      setSuspended: (id, at) => durably(db, () => accounts.setSuspended(id, at)),
      suspend: (id, at) => durably(db, () => accounts.suspend(id, at)),
      // The replaced backup is sealed under the old passphrase, perhaps the one that leaked.
      setKeyBackup: (id, backup, expected) => scrubbed(accounts.setKeyBackup(id, backup, expected)),
      // Revokes sessions (durable) and overwrites the login key and backup the old secrets made.
      rekey: (id, replacement, expected, options) =>
        scrubbed(durably(db, () => accounts.rekey(id, replacement, expected, options))),
    },
    enrolments: createSqliteEnrolmentStore(db),
    sessions: {
      ...sessions,
      revoke: (id, at) => durably(db, () => sessions.revoke(id, at)),
      revokeAllForAccount: (id, at) => durably(db, () => sessions.revokeAllForAccount(id, at)),
      purge: (before) => scrubbed(sessions.purge(before)),
    },
    challenges: {
      ...challenges,
      purge: (now) => scrubbed(challenges.purge(now)),
    },
    meta: createSqliteMetaStore(db),
    devices: {
      ...devices,
      // A removed device's prekeys, envelopes and sessions end for good: on stable storage before
      // the ack, and scrubbed from the log like every deletion.
      publish: (update) => scrubbed(durably(db, () => devices.publish(update))),
      purgePending: (now) => scrubbed(devices.purgePending(now)),
    },
    prekeys: {
      ...prekeys,
      takeBundle: (id, options) => scrubbed(prekeys.takeBundle(id, options)),
    },
    certificates: {
      ...certificates,
      putModeratorCertificate: (record) =>
        durably(db, () => certificates.putModeratorCertificate(record)),
      putRevocationList: (list) => durably(db, () => certificates.putRevocationList(list)),
    },
    // Public keys only: a replaced prekey needs no scrubbing, and losing the newest in a power cut
    // costs the owner one re-publish.
    envelopePrekeys: createSqliteEnvelopePrekeyStore(db),
    audit: {
      ...audit,
      // A decision and its entry (a suspension, a vetting, a certificate) must not vanish in a
      // power cut after the ack: the log is the record, and the door it closed stays closed.
      append: (entry, effect) => durably(db, () => audit.append(entry, effect)),
    },
    // Written only through audit.append above.
    vetting: createSqliteVettingStore(db),
    offers: {
      ...offers,
      // A replaced offer's sealed note goes with it.
      putOffer: (offer) =>
        offers.putOffer(offer).then((kind) => {
          if (kind === 'replaced') scrubber?.request();
          return kind;
        }),
    },
    requests: {
      ...requests,
      // A request that ends loses its sealed details and its proposals' notes (scrubbed). A change
      // of state lost in a power cut would bring back what its contact (a cancellation) or a
      // moderator ended: durable.
      transitionRequest: (id, change) =>
        scrubbed(durably(db, () => requests.transitionRequest(id, change))),
      expireRequests: (options) =>
        requests.expireRequests(options).then((expired) => {
          if (expired.length > 0) scrubber?.request();
          return expired;
        }),
      purgeRequests: (states, before) => scrubbed(requests.purgeRequests(states, before)),
    },
    conversations: {
      ...conversations,
      // Acknowledged and expired ciphertext leaves the log too (docs/protocol.md, "Conversations").
      acknowledge: (id, device, seq) =>
        conversations.acknowledge(id, device, seq).then((result) => {
          if (result.kind === 'acked' && result.deleted > 0) scrubber?.request();
          return result;
        }),
      purgeExpired: (now) =>
        conversations.purgeExpired(now).then((purged) => {
          if (purged.messages > 0 || purged.conversations > 0) scrubber?.request();
          return purged;
        }),
    },
    proposals: {
      ...proposals,
      // A moderator's or a volunteer's decision lost in a power cut would reopen what it closed
      // (a bar, a withdrawn match): durable. Details replaced or dropped with it are scrubbed.
      applyProposalChange: (change) => {
        const write = durably(db, () => proposals.applyProposalChange(change));
        const rewrites =
          change.request !== undefined &&
          (change.request.dropDetails || change.request.details !== undefined);
        return rewrites
          ? write.then((outcome) => {
              if (outcome.kind === 'applied') scrubber?.request();
              return outcome;
            })
          : write;
      },
      // As a match's change: a close lost in a power cut would let the pair talk on.
      closeUnmatchedConversations: (options) =>
        durably(db, () => proposals.closeUnmatchedConversations(options)),
    },
    reports: {
      ...reports,
      // Closed by audit.append only (durable there); a purged report's note and who reported
      // whom leave the log too.
      purgeClosedReports: (before) => scrubbed(reports.purgeClosedReports(before)),
    },
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
          scrubber?.stop();
          // SQLite checkpoints on the last close too, but not while another process (the admin
          // CLI, or the server seen from it) has the file open; this scrubs what it can now.
          try {
            scrubber?.scrubNow();
          } finally {
            db.close();
          }
        }
      });
    },
  };
}
