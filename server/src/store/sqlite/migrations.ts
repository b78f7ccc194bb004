// Versioned schema migrations for the SQLite store, applied in order at open, each once.
//
// How to add one: append an entry to MIGRATIONS with the next version number and a short
// name, written as the change from the previous version (ALTER TABLE, CREATE INDEX, or a
// table rebuild for what SQLite cannot alter). Never edit or reorder an entry that has been
// released: a database that already applied it will not run it again. A migration runs in
// the same transaction as its schema_migrations row, so it applies completely or not at all;
// it must not change PRAGMAs that do not work inside a transaction (journal_mode, foreign_keys).
import type Database from 'better-sqlite3';

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: (db: Database.Database) => void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'accounts, enrolments, sessions, challenges, meta, prekeys, certificates',
    up: (db) => {
      // STRICT tables so a wrongly typed binding fails loudly instead of being coerced.
      // The role list is spelled out rather than derived from code: a migration must mean
      // the same thing forever, so a new role needs a new migration.
      db.exec(`
        CREATE TABLE accounts (
          id TEXT PRIMARY KEY,
          handle TEXT NOT NULL UNIQUE,
          role TEXT NOT NULL CHECK (role IN ('contact', 'volunteer', 'moderator', 'admin')),
          signing_key BLOB NOT NULL,
          exchange_key BLOB NOT NULL,
          exchange_signature BLOB NOT NULL,
          salt BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          suspended_at INTEGER
        ) STRICT;

        CREATE TABLE enrolments (
          handle TEXT PRIMARY KEY,
          role TEXT NOT NULL CHECK (role IN ('contact', 'volunteer', 'moderator', 'admin')),
          code_hash BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          token_hash BLOB NOT NULL UNIQUE,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          revoked_at INTEGER
        ) STRICT;
        CREATE INDEX sessions_by_account ON sessions (account_id);
        CREATE INDEX sessions_by_expiry ON sessions (expires_at);

        -- No foreign key: unknown handles get decoy challenges too.
        CREATE TABLE challenges (
          id TEXT PRIMARY KEY,
          handle TEXT NOT NULL,
          nonce BLOB NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX challenges_by_expiry ON challenges (expires_at);

        CREATE TABLE meta (
          name TEXT PRIMARY KEY,
          value BLOB NOT NULL
        ) STRICT;

        CREATE TABLE signed_prekeys (
          account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
          signed_id INTEGER NOT NULL,
          signed_public_key BLOB NOT NULL,
          signed_signature BLOB NOT NULL,
          kem_id INTEGER NOT NULL,
          kem_public_key BLOB NOT NULL,
          kem_signature BLOB NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        -- Clustered on (account_id, id) so "lowest id of this account" is one index seek.
        CREATE TABLE one_time_prekeys (
          account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          id INTEGER NOT NULL,
          public_key BLOB NOT NULL,
          signature BLOB NOT NULL,
          PRIMARY KEY (account_id, id)
        ) STRICT, WITHOUT ROWID;

        -- seq records storage order: "latest" means most recently stored, whatever the
        -- certificate's own dates say.
        CREATE TABLE moderator_certificates (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          serial TEXT NOT NULL,
          bytes BLOB NOT NULL,
          expires_at INTEGER NOT NULL,
          created_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX moderator_certificates_by_account ON moderator_certificates (account_id, seq);

        -- A single row: only the newest revocation list matters.
        CREATE TABLE revocation_list (
          slot INTEGER PRIMARY KEY CHECK (slot = 1),
          issued_at INTEGER NOT NULL,
          bytes BLOB NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'direct messages',
    up: (db) => {
      // The UNIQUE constraint's index also serves the sender's cascade; the recipient index
      // serves listing in delivery order, the pending count and the recipient's cascade.
      db.exec(`
        CREATE TABLE direct_messages (
          id TEXT PRIMARY KEY,
          sender_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          recipient_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          client_id TEXT NOT NULL,
          body BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          UNIQUE (sender_id, client_id)
        ) STRICT;
        CREATE INDEX direct_messages_by_recipient
          ON direct_messages (recipient_id, created_at, id);
      `);
    },
  },
  {
    version: 3,
    name: 'accounts: passphrase-derived login key apart from the identity, sealed identity backup',
    up: (db) => {
      // The empty defaults only satisfy SQLite for rows that predate this migration: such an
      // account has no login key, so it can never log in (an empty key verifies nothing).
      db.exec(`
        ALTER TABLE accounts ADD COLUMN auth_key BLOB NOT NULL DEFAULT x'';
        ALTER TABLE accounts ADD COLUMN key_backup BLOB NOT NULL DEFAULT x'';
      `);
    },
  },
  {
    version: 4,
    name: 'stateless login challenges: only spent challenge ids are kept, never a handle',
    up: (db) => {
      // The old table named every handle that ever asked for a challenge, known or not. Challenges
      // are now MACed and carry their own expiry; only a redeemed one's random id is recorded.
      // secure_delete (set at open) overwrites the dropped rows' pages.
      db.exec(`
        DROP TABLE challenges;
        CREATE TABLE spent_challenges (
          id TEXT PRIMARY KEY,
          expires_at INTEGER NOT NULL
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX spent_challenges_by_expiry ON spent_challenges (expires_at);

        -- Covers every column the login lookup reads, so that a known and an unknown handle
        -- both cost one seek in this index and neither touches the table (timing parity).
        CREATE INDEX accounts_for_login ON accounts (
          handle, id, role, signing_key, exchange_key, exchange_signature, salt, auth_key,
          created_at, suspended_at
        );
      `);
    },
  },
  {
    version: 5,
    name: 'direct messages: mark envelopes from new senders',
    up: (db) => {
      // New accounts share a small part of each mailbox; the mark lets a put count that part.
      // Envelopes stored before this migration count as from established senders.
      db.exec(`
        ALTER TABLE direct_messages
          ADD COLUMN from_new_sender INTEGER NOT NULL DEFAULT 0 CHECK (from_new_sender IN (0, 1));
      `);
    },
  },
  {
    version: 6,
    name: 'moderator certificates: one row per serial',
    up: (db) => {
      // Re-publishing used to add a row each time. Keep each serial's first row: a later copy
      // of an older certificate must not become the one served again.
      db.exec(`
        DELETE FROM moderator_certificates
          WHERE seq NOT IN (SELECT min(seq) FROM moderator_certificates GROUP BY serial);
        CREATE UNIQUE INDEX moderator_certificates_by_serial ON moderator_certificates (serial);
      `);
    },
  },
  {
    version: 7,
    name: 'envelope prekeys: the newest identity-signed X-Wing envelope prekey per account',
    up: (db) => {
      // One row per account: senders seal only to the newest, and an older one must not return.
      db.exec(`
        CREATE TABLE envelope_prekeys (
          account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
          id INTEGER NOT NULL CHECK (id BETWEEN 1 AND 4294967295),
          public_key BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          signature BLOB NOT NULL
        ) STRICT;
      `);
    },
  },
  {
    version: 8,
    name: 'devices: identity-signed device lists, per-device prekeys and mailboxes, sessions bound to a device',
    up: (db) => {
      // Prekeys and mailboxes move from accounts to devices. Rows kept from before have no
      // device to belong to (a 2.x account had one set of prekeys, the last browser's), so they
      // are dropped with their tables: a device publishes its prekeys once it is added, and
      // envelopes still waiting were encrypted for a session no 3.x client holds. Accounts and
      // their identities stay. Rows of a removed device go with it (ON DELETE CASCADE), its
      // sessions are revoked by the same transaction; a session's device_id has no foreign key
      // so that the revoked session keeps naming it until it is purged.
      db.exec(`
        CREATE TABLE device_lists (
          account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
          version INTEGER NOT NULL CHECK (version >= 1),
          bytes BLOB NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE devices (
          id TEXT PRIMARY KEY,
          account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          device_key BLOB NOT NULL,
          added_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX devices_by_account ON devices (account_id);

        CREATE TABLE pending_devices (
          id TEXT PRIMARY KEY,
          account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          device_key BLOB NOT NULL,
          expires_at INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX pending_devices_by_account ON pending_devices (account_id, expires_at);

        ALTER TABLE sessions ADD COLUMN device_id TEXT;
        CREATE INDEX sessions_by_device ON sessions (device_id) WHERE device_id IS NOT NULL;

        DROP TABLE signed_prekeys;
        DROP TABLE one_time_prekeys;
        DROP TABLE direct_messages;

        CREATE TABLE signed_prekeys (
          device_id TEXT PRIMARY KEY REFERENCES devices (id) ON DELETE CASCADE,
          signed_id INTEGER NOT NULL,
          signed_public_key BLOB NOT NULL,
          signed_signature BLOB NOT NULL,
          kem_id INTEGER NOT NULL,
          kem_public_key BLOB NOT NULL,
          kem_signature BLOB NOT NULL,
          updated_at INTEGER NOT NULL
        ) STRICT;

        -- Clustered on (device_id, id) so "lowest id of this device" is one index seek.
        CREATE TABLE one_time_prekeys (
          device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          id INTEGER NOT NULL,
          public_key BLOB NOT NULL,
          signature BLOB NOT NULL,
          PRIMARY KEY (device_id, id)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE one_time_kem_prekeys (
          device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          id INTEGER NOT NULL,
          public_key BLOB NOT NULL,
          signature BLOB NOT NULL,
          PRIMARY KEY (device_id, id)
        ) STRICT, WITHOUT ROWID;

        -- sender_device_id has no foreign key: an envelope from a device removed later is still
        -- delivered. The recipient device's index serves listing in delivery order, the pending
        -- count and the cascade; accounts are never deleted, so recipient_id needs no index.
        CREATE TABLE direct_messages (
          id TEXT PRIMARY KEY,
          sender_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          sender_device_id TEXT NOT NULL,
          recipient_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          recipient_device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          client_id TEXT NOT NULL,
          body BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          from_new_sender INTEGER NOT NULL DEFAULT 0 CHECK (from_new_sender IN (0, 1)),
          UNIQUE (sender_id, client_id)
        ) STRICT;
        CREATE INDEX direct_messages_by_recipient_device
          ON direct_messages (recipient_device_id, created_at, id);
      `);
    },
  },
  {
    version: 9,
    name: 'audit log: hash-chained signed decisions; vetting of volunteers and pending high-tier statements',
    up: (db) => {
      // The log is append-only: entries are numbered without gaps, chained by hash (the caller
      // computes it, shared/src/crypto/trust/audit-chain.ts), and no payload appears twice (a
      // replayed statement). The triggers make an UPDATE or DELETE through this schema fail; they
      // are no defence against someone who edits the file (that is what the chain and its
      // checkpoints are for), only against a mistake in the server's own code.
      // entry_type: 1 statement, 2 certificate, 3 revocation statement, 4 operator action.
      db.exec(`
        CREATE TABLE audit_log (
          seq INTEGER PRIMARY KEY CHECK (seq >= 1),
          entry_type INTEGER NOT NULL CHECK (entry_type BETWEEN 1 AND 4),
          recorded_at INTEGER NOT NULL,
          payload BLOB NOT NULL,
          certificate BLOB,
          payload_digest BLOB NOT NULL UNIQUE,
          prev_hash BLOB NOT NULL,
          hash BLOB NOT NULL UNIQUE
        ) STRICT;
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

        -- decided_by: the moderator ids whose statements made the tier, comma-separated (one or two).
        CREATE TABLE vetting (
          volunteer_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
          tier TEXT NOT NULL CHECK (tier IN ('standard', 'high')),
          since INTEGER NOT NULL,
          decided_by TEXT NOT NULL
        ) STRICT;

        CREATE TABLE vetting_endorsements (
          volunteer_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          moderator_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          certificate_serial TEXT NOT NULL,
          certificate_expires_at INTEGER NOT NULL,
          endorsed_at INTEGER NOT NULL,
          PRIMARY KEY (volunteer_id, moderator_id)
        ) STRICT;
      `);
    },
  },
  {
    version: 10,
    name: 'offers and requests: volunteer offers, contact requests with their state and sealed details',
    up: (db) => {
      // Skills, languages and regions are JSON arrays of codes from shared's taxonomy, checked by
      // the adapter on every read. States and urgencies are spelled out, as roles are above: a
      // migration means the same thing forever. The details (a sealed envelope) exist exactly
      // while the request has not ended, which the last CHECK holds the adapter to.
      db.exec(`
        CREATE TABLE offers (
          account_id TEXT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
          skills TEXT NOT NULL,
          languages TEXT NOT NULL,
          regions TEXT NOT NULL,
          utc_offset_minutes INTEGER NOT NULL,
          availability BLOB NOT NULL,
          capacity INTEGER NOT NULL,
          paused INTEGER NOT NULL CHECK (paused IN (0, 1)),
          note BLOB,
          updated_at INTEGER NOT NULL
        ) STRICT;

        CREATE TABLE requests (
          id TEXT PRIMARY KEY,
          owner_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          client_id TEXT NOT NULL,
          skills TEXT NOT NULL,
          urgency TEXT NOT NULL CHECK (urgency IN ('low', 'normal', 'high', 'critical')),
          languages TEXT NOT NULL,
          region TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('open', 'proposed', 'approved', 'active',
                                               'resolved', 'closed', 'cancelled', 'expired')),
          details BLOB,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          UNIQUE (owner_id, client_id),
          CHECK ((details IS NULL) = (state IN ('resolved', 'closed', 'cancelled', 'expired')))
        ) STRICT;
        -- The owner's requests (listing, the live count); by state and age (expiry, purge, queue).
        CREATE INDEX requests_by_owner ON requests (owner_id, created_at);
        CREATE INDEX requests_by_state ON requests (state, created_at);
      `);
    },
  },
  {
    version: 11,
    name: "moderation: the engine's proposals and their way to a live match; pair bars",
    up: (db) => {
      // One (request, volunteer) pair is proposed at most once ever. Reasons and alternatives are
      // the engine's JSON (checked by the adapter on read); approvals are JSON [{moderatorId, seq}].
      // A proposal goes with its request (purged with it); a bar outlives both, as the engine's
      // "never these two again" must.
      db.exec(`
        CREATE TABLE proposals (
          id TEXT PRIMARY KEY,
          request_id TEXT NOT NULL REFERENCES requests (id) ON DELETE CASCADE,
          volunteer_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          contact_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          score REAL NOT NULL,
          reasons TEXT NOT NULL,
          alternatives TEXT NOT NULL,
          state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'accepted', 'ended',
                                               'rejected', 'replaced', 'declined', 'timed_out',
                                               'withdrawn')),
          approvals TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          decided_at INTEGER,
          offered_until INTEGER,
          updated_at INTEGER NOT NULL,
          UNIQUE (request_id, volunteer_id)
        ) STRICT;
        CREATE INDEX proposals_by_state ON proposals (state, created_at);
        CREATE INDEX proposals_by_volunteer ON proposals (volunteer_id, state);
        CREATE INDEX proposals_by_contact ON proposals (contact_id, state);

        CREATE TABLE pair_bars (
          contact_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          volunteer_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          reason TEXT NOT NULL CHECK (reason IN ('declined', 'blocked', 'rejected')),
          at INTEGER NOT NULL,
          PRIMARY KEY (contact_id, volunteer_id, reason)
        ) STRICT;
      `);
    },
  },
  {
    version: 12,
    name: 'abuse reports: who reported whom, why, the sealed note, open until a moderator closes it',
    up: (db) => {
      // Reasons and states are spelled out, as roles are above. request_id is the reporter's
      // pointer (checked when made, kept as given: the request may be deleted before the report).
      // One open report per (reporter, subject): the partial unique index makes a repeat the
      // duplicate it is. A closed report keeps its row (note included) until the retention
      // (KOLOKOL_CLOSED_REPORT_RETENTION_DAYS) deletes it whole.
      db.exec(`
        CREATE TABLE reports (
          id TEXT PRIMARY KEY,
          reporter_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          subject_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          reason TEXT NOT NULL CHECK (reason IN ('harassment', 'threat', 'suspected_infiltrator',
                                                 'scam', 'spam', 'other')),
          request_id TEXT,
          note BLOB,
          from_new_account INTEGER NOT NULL CHECK (from_new_account IN (0, 1)),
          state TEXT NOT NULL CHECK (state IN ('open', 'dismissed', 'actioned')),
          created_at INTEGER NOT NULL,
          closed_at INTEGER,
          CHECK ((closed_at IS NULL) = (state = 'open'))
        ) STRICT;
        CREATE UNIQUE INDEX reports_open_pair ON reports (reporter_id, subject_id)
          WHERE state = 'open';
        -- The moderators' page (open, oldest first), the per-subject count, the retention.
        CREATE INDEX reports_open_by_age ON reports (created_at, id) WHERE state = 'open';
        CREATE INDEX reports_by_subject ON reports (subject_id, state);
        CREATE INDEX reports_closed_by_age ON reports (closed_at) WHERE state <> 'open';
      `);
    },
  },
  {
    version: 13,
    name: 'proposal decisions: who decided, why, and a sealed note that goes with the details',
    up: (db) => {
      // A rejection or re-proposal keeps who decided, in which audit entry, why, and the
      // moderator's note sealed to the moderators, so the next moderator sees them in the queue.
      // The note goes with the request's details: when those are dropped (the request ended), a
      // trigger drops the request's notes in the same write; the rows go with the request.
      db.exec(`
        ALTER TABLE proposals ADD COLUMN decided_by TEXT;
        ALTER TABLE proposals ADD COLUMN decision_seq INTEGER;
        ALTER TABLE proposals ADD COLUMN decision_reason TEXT;
        ALTER TABLE proposals ADD COLUMN note BLOB;
        CREATE INDEX proposals_by_request ON proposals (request_id, decided_at);
        CREATE TRIGGER proposals_notes_go_with_details AFTER UPDATE OF details ON requests
          WHEN NEW.details IS NULL AND OLD.details IS NOT NULL
          BEGIN
            UPDATE proposals SET note = NULL WHERE request_id = NEW.id AND note IS NOT NULL;
          END;
      `);
    },
  },
  {
    version: 14,
    name: 'conversations: messages under a gapless sequence, one envelope per recipient device',
    up: (db) => {
      // first_id < second_id, so a pair is one row whoever opened it; one open conversation per
      // pair. A message row keeps only what sequencing and retries need; its ciphertext lives in
      // the envelopes, one per recipient device, deleted when that device acknowledges it.
      // conversation_devices holds each recipient device's high water and what it has pending,
      // so a send checks the backlog without counting rows.
      db.exec(`
        CREATE TABLE conversations (
          id TEXT PRIMARY KEY,
          first_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          second_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          ttl_ms INTEGER NOT NULL CHECK (ttl_ms > 0),
          last_seq INTEGER NOT NULL DEFAULT 0,
          created_at INTEGER NOT NULL,
          closed_at INTEGER,
          CHECK (first_id < second_id)
        ) STRICT;
        CREATE UNIQUE INDEX conversations_open_pair
          ON conversations (first_id, second_id) WHERE closed_at IS NULL;
        CREATE INDEX conversations_by_second ON conversations (second_id);

        CREATE TABLE conversation_messages (
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          sender_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
          sender_device_id TEXT NOT NULL,
          client_id TEXT NOT NULL,
          sent_at INTEGER NOT NULL,
          PRIMARY KEY (conversation_id, seq),
          UNIQUE (conversation_id, sender_id, client_id)
        ) STRICT;
        CREATE INDEX conversation_messages_by_age ON conversation_messages (sent_at);

        CREATE TABLE conversation_envelopes (
          conversation_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          bytes INTEGER NOT NULL,
          body BLOB NOT NULL,
          FOREIGN KEY (conversation_id, seq)
            REFERENCES conversation_messages (conversation_id, seq) ON DELETE CASCADE,
          UNIQUE (device_id, conversation_id, seq)
        ) STRICT;
        CREATE INDEX conversation_envelopes_by_message ON conversation_envelopes (conversation_id, seq);

        CREATE TABLE conversation_devices (
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          acked_seq INTEGER NOT NULL DEFAULT 0,
          pending_envelopes INTEGER NOT NULL DEFAULT 0,
          pending_bytes INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (conversation_id, device_id)
        ) STRICT;
        CREATE INDEX conversation_devices_by_device ON conversation_devices (device_id);
      `);
    },
  },
  {
    version: 15,
    name: 'the interim direct mailbox is gone: conversations are the one messaging path',
    up: (db) => {
      // Undelivered direct envelopes were for a protocol (3.x) no client of this server speaks;
      // their senders' clients resend over conversations. secure_delete (set at open) zeroes the
      // dropped pages, and the scrub at open empties the log before anything is served
      // (tests/store/sqlite-migrations.test.ts reads the three files).
      db.exec(`
        DROP INDEX direct_messages_by_recipient_device;
        DROP TABLE direct_messages;
      `);
    },
  },
  {
    version: 16,
    name: 'reports: the conversation a report concerns',
    up: (db) => {
      // The reporter's pointer, like request_id: checked when made (the reporter and the subject
      // are its two participants), kept as given (the conversation may be purged first). Only
      // that a report concerns a conversation, never anything of its content.
      db.exec(`ALTER TABLE reports ADD COLUMN conversation_id TEXT;`);
    },
  },
  {
    version: 17,
    name: 'conversations: a send writes one page where it can, envelopes carry their message',
    up: (db) => {
      // Fewer pages written per relayed message (docs/relay.md#the-storage-layout). Each index
      // keyed by conversation dirties a page of its own per message in a commit of sends to many
      // conversations; an index in insertion order shares its last page. A message row is now
      // looked up only by its clientId (retries) and its age (the timer purge), so the
      // (conversation_id, seq) key goes: seq is gapless by the conversation's last_seq, written
      // in the same transaction. An envelope carries its message's sender and time, so fetch
      // reads the envelope alone, under one key, (conversation_id, device_id, seq), which serves
      // fetch, ack and counting as ranges. Envelopes lose their foreign keys, whose cascades
      // needed two more indexes: an envelope goes with its device's conversation_devices row
      // (trigger below: removing the device, the conversation or an account deletes that row;
      // the send that stores an envelope upserts it), and the timer purge deletes the envelopes
      // of the messages it purges by key. sender_id loses its foreign key, whose cascade scanned
      // every message: the sender is a participant, and the conversation's cascade covers it.
      db.exec(`
        CREATE TABLE conversation_messages_v17 (
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          sender_id TEXT NOT NULL,
          sender_device_id TEXT NOT NULL,
          client_id TEXT NOT NULL,
          sent_at INTEGER NOT NULL,
          UNIQUE (conversation_id, sender_id, client_id)
        ) STRICT;
        INSERT INTO conversation_messages_v17
            (conversation_id, seq, sender_id, sender_device_id, client_id, sent_at)
          SELECT conversation_id, seq, sender_id, sender_device_id, client_id, sent_at
          FROM conversation_messages ORDER BY sent_at, conversation_id, seq;

        CREATE TABLE conversation_envelopes_v17 (
          conversation_id TEXT NOT NULL,
          device_id TEXT NOT NULL,
          seq INTEGER NOT NULL,
          sender_id TEXT NOT NULL,
          sender_device_id TEXT NOT NULL,
          sent_at INTEGER NOT NULL,
          bytes INTEGER NOT NULL,
          body BLOB NOT NULL,
          PRIMARY KEY (conversation_id, device_id, seq)
        ) STRICT;
        INSERT INTO conversation_envelopes_v17
          SELECT e.conversation_id, e.device_id, e.seq, m.sender_id, m.sender_device_id,
                 m.sent_at, e.bytes, e.body
          FROM conversation_envelopes e
          JOIN conversation_messages m ON m.conversation_id = e.conversation_id AND m.seq = e.seq;

        CREATE TABLE conversation_devices_v17 (
          conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
          device_id TEXT NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
          acked_seq INTEGER NOT NULL DEFAULT 0,
          pending_envelopes INTEGER NOT NULL DEFAULT 0,
          pending_bytes INTEGER NOT NULL DEFAULT 0,
          PRIMARY KEY (conversation_id, device_id)
        ) STRICT, WITHOUT ROWID;
        INSERT INTO conversation_devices_v17
          SELECT conversation_id, device_id, acked_seq, pending_envelopes, pending_bytes
          FROM conversation_devices;

        DROP TABLE conversation_envelopes;
        DROP TABLE conversation_messages;
        DROP TABLE conversation_devices;
        ALTER TABLE conversation_messages_v17 RENAME TO conversation_messages;
        ALTER TABLE conversation_envelopes_v17 RENAME TO conversation_envelopes;
        ALTER TABLE conversation_devices_v17 RENAME TO conversation_devices;
        CREATE INDEX conversation_messages_by_age ON conversation_messages (sent_at);
        CREATE INDEX conversation_devices_by_device ON conversation_devices (device_id);
        CREATE TRIGGER conversation_envelopes_go_with_device
          AFTER DELETE ON conversation_devices
          BEGIN
            DELETE FROM conversation_envelopes
            WHERE conversation_id = OLD.conversation_id AND device_id = OLD.device_id;
          END;
      `);
    },
  },
];

interface AppliedRow {
  readonly version: number;
}

/**
 * Brings the schema up to date. Runs as one IMMEDIATE transaction per migration so that two
 * processes opening the same file at once (server and admin CLI) cannot both apply one: the
 * second waits for the write lock, then finds the version recorded and skips it.
 */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[] = MIGRATIONS,
  now: () => number = Date.now,
): void {
  migrations.forEach((migration, index) => {
    // Versions 1, 2, 3, … with no gaps: a gap or a reordering is a mistake in this file.
    if (migration.version !== index + 1) {
      throw new Error(
        `store: migration ${migration.name} has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at INTEGER NOT NULL
    ) STRICT
  `);
  const isApplied = db.prepare<[number], AppliedRow>(
    'SELECT version FROM schema_migrations WHERE version = ?',
  );
  const newest = db.prepare<[], { readonly version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  const record = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );

  const known = migrations.at(-1)?.version ?? 0;
  const found = newest.get()?.version ?? 0;
  if (found > known) {
    // A newer server wrote this file; running older code against it could corrupt it.
    throw new Error(
      `store: database schema version ${found} is newer than this server knows (${known})`,
    );
  }

  for (const migration of migrations) {
    db.transaction(() => {
      if (isApplied.get(migration.version) !== undefined) {
        return;
      }
      migration.up(db);
      record.run(migration.version, migration.name, now());
    }).immediate();
  }
}
