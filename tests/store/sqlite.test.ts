// Runs the store contract against SQLite in memory and on disk, plus what only a file can show.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { auditEntryHash, auditGenesisHash } from '@kolokol/shared/crypto';
import type { Store } from '../../server/src/store/ports.js';
import { MIGRATIONS, applyMigrations } from '../../server/src/store/sqlite/migrations.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { WAL_SCRUB_DELAY_MS } from '../../server/src/store/sqlite/wal-scrubber.js';
import { storeContract } from './contract.js';
import { bytes, createAccount, createDevice, uniqueBytes } from './contract/fixtures.js';

const temporaryDirectories: string[] = [];

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'kolokol-store-'));
  temporaryDirectories.push(directory);
  return directory;
}

afterAll(() => {
  for (const directory of temporaryDirectories) {
    rmSync(directory, { recursive: true, force: true });
  }
});

storeContract('sqlite :memory:', () => openSqliteStore({ file: ':memory:' }));
storeContract('sqlite file', () =>
  openSqliteStore({ file: join(temporaryDirectory(), 'kolokol.sqlite') }),
);

describe('sqlite store on disk', () => {
  const opened: Store[] = [];

  async function open(file: string): Promise<Store> {
    const store = await openSqliteStore({ file });
    opened.push(store);
    return store;
  }

  /** A second, plain connection to inspect the file as another process would. */
  function inspect<T>(file: string, read: (db: Database.Database) => T): T {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return read(db);
    } finally {
      db.close();
    }
  }

  afterEach(async () => {
    for (const store of opened.splice(0)) {
      await store.close();
    }
  });

  it('creates a missing directory and a file only its owner can read', async () => {
    const directory = join(temporaryDirectory(), 'not', 'yet');
    const file = join(directory, 'kolokol.sqlite');
    const store = await open(file);
    await createAccount(store);

    expect(statSync(directory).isDirectory()).toBe(true);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // SQLite creates the write-ahead log with the database file's mode.
    expect(existsSync(`${file}-wal`)).toBe(true);
    expect(statSync(`${file}-wal`).mode & 0o777).toBe(0o600);
  });

  it('puts the file in WAL mode', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    await open(file);

    expect(inspect(file, (db) => db.pragma('journal_mode', { simple: true }))).toBe('wal');
  });

  it('applies every migration once, and not again on reopen', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const first = await open(file);
    await first.close();
    await open(file);

    const versions = inspect(file, (db) =>
      db
        .prepare<[], { version: number }>('SELECT version FROM schema_migrations ORDER BY version')
        .all()
        .map((row) => row.version),
    );
    expect(versions).toStrictEqual(MIGRATIONS.map((migration) => migration.version));
    expect(versions).toStrictEqual(MIGRATIONS.map((_, index) => index + 1));
  });

  it('keeps data across close and reopen', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const first = await open(file);
    const account = await createAccount(first);
    await first.sessions.create({
      id: 'session-1',
      accountId: account.id,
      deviceId: null,
      tokenHash: bytes(32, 1),
      createdAt: 1_000,
      expiresAt: 10_000,
      revokedAt: null,
    });
    const secret = await first.meta.getOrCreate('fake-salt-key', () => bytes(32, 2));
    const { deviceId } = await createDevice(first, account.id);
    await first.prekeys.setSignedPrekeys(deviceId, {
      signed: { id: 1, publicKey: bytes(32, 3), signature: bytes(64, 4) },
      kem: { id: 2, publicKey: bytes(32, 5), signature: bytes(64, 6) },
      now: 1_000,
    });
    await first.prekeys.addOneTimePrekeys(
      deviceId,
      [{ id: 7, publicKey: bytes(32, 7), signature: new Uint8Array(0) }],
      10,
    );
    await first.close();

    const second = await open(file);
    expect(await second.accounts.findById(account.id)).toStrictEqual(account);
    expect((await second.sessions.findByTokenHash(bytes(32, 1)))?.id).toBe('session-1');
    expect(await second.meta.getOrCreate('fake-salt-key', () => bytes(32, 9))).toStrictEqual(
      secret,
    );
    expect((await second.prekeys.takeBundle(deviceId))?.oneTimePrekey?.id).toBe(7);
    expect((await second.devices.findDevice(deviceId))?.accountId).toBe(account.id);
  });

  it('shares one file between two connections, as the server and the admin CLI do', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const server = await open(file);
    const admin = await open(file);

    const secret = await server.meta.getOrCreate('key', () => bytes(32, 1));
    let adminCreated = false;
    const seenByAdmin = await admin.meta.getOrCreate('key', () => {
      adminCreated = true;
      return bytes(32, 2);
    });
    expect(seenByAdmin).toStrictEqual(secret);
    expect(adminCreated).toBe(false);

    const codeHash = bytes(32, 3);
    expect(
      await admin.enrolments.create({
        handle: 'new-moderator',
        role: 'moderator',
        codeHash,
        createdAt: 1_000,
        expiresAt: 10_000,
      }),
    ).toBe('created');
    const created = await createAccountWithCode(server, 'new-moderator', codeHash);
    expect(created).toBe('moderator');
  });

  it('refuses to open a file written by a newer schema, and leaves it alone', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const store = await open(file);
    await store.close();
    const future = MIGRATIONS.length + 1;
    const writer = new Database(file);
    writer
      .prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(future, 'from the future', 0);
    writer.close();

    await expect(openSqliteStore({ file })).rejects.toThrow(/newer/);
    const newest = inspect(
      file,
      (db) =>
        db
          .prepare<[], { version: number }>('SELECT max(version) AS version FROM schema_migrations')
          .get()?.version,
    );
    expect(newest).toBe(future);
  });

  /** Whether the database file or its -wal and -shm companions, as found on disk, hold `bytes`. */
  function onDisk(file: string, bytes: Uint8Array): boolean {
    return Buffer.concat(
      ['', '-wal', '-shm'].map((suffix) =>
        existsSync(file + suffix) ? readFileSync(file + suffix) : Buffer.alloc(0),
      ),
    ).includes(Buffer.from(bytes));
  }

  /**
   * Stores a conversation message with one envelope for a new device; `acknowledge` then has
   * that device acknowledge it, which deletes the envelope.
   */
  async function withMessage(store: Store, body: Uint8Array) {
    const sender = await createDevice(store);
    const recipient = await createDevice(store);
    const { conversation } = await store.conversations.openConversation({
      id: `conversation-${recipient.deviceId}`,
      participants: [sender.accountId, recipient.accountId],
      ttlMs: 24 * 3600 * 1000,
      createdAt: 1_000,
    });
    const appended = await store.conversations.appendMessage(
      {
        conversationId: conversation.id,
        senderId: sender.accountId,
        senderDeviceId: sender.deviceId,
        clientId: 'client-1',
        sentAt: 1_000,
        envelopes: [{ deviceId: recipient.deviceId, body }],
      },
      { envelopes: 10, bytes: 1 << 20 },
    );
    expect(appended.kind).toBe('created');
    return {
      recipient: recipient.deviceId,
      conversation: conversation.id,
      acknowledge: (on: Store) =>
        on.conversations.acknowledge(conversation.id, recipient.deviceId, 1),
    };
  }

  it('after a crash, deleted rows still in the log are scrubbed as the store opens again', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const store = await open(file);
    const body = uniqueBytes(2048);
    const sent = await withMessage(store, body);
    expect(await sent.acknowledge(store)).toMatchObject({ kind: 'acked', deleted: 1 });
    // The process "crashes" now, before its scrub is due: these are the files it leaves.
    const crashed = join(temporaryDirectory(), 'kolokol.sqlite');
    for (const suffix of ['', '-wal', '-shm']) copyFileSync(file + suffix, crashed + suffix);
    expect(onDisk(crashed, body)).toBe(true);

    const reopened = await open(crashed);
    expect(onDisk(crashed, body)).toBe(false);
    expect(
      await reopened.conversations.fetchEnvelopes(sent.conversation, sent.recipient, {
        after: 0,
        sentAfter: 0,
        limit: 10,
      }),
    ).toStrictEqual([]);
  });

  it('close scrubs what was deleted just before', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const store = await open(file);
    const body = uniqueBytes(2048);
    const sent = await withMessage(store, body);
    await sent.acknowledge(store);
    await store.close();
    expect(onDisk(file, body)).toBe(false);
  });

  it('dropping the direct mailbox (migration 15) leaves none of its envelopes in the DB, WAL or SHM', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const dropping = MIGRATIONS.findIndex((m) => m.name.includes('direct mailbox is gone'));
    expect(MIGRATIONS[dropping]?.version).toBe(15);
    // A server of protocol 3.x left undelivered envelopes, some in the log and not yet in the file.
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    applyMigrations(old, MIGRATIONS.slice(0, dropping));
    const account = (id: string) =>
      old
        .prepare(
          `INSERT INTO accounts (id, handle, role, signing_key, exchange_key, exchange_signature,
                                 salt, created_at)
           VALUES (?, ?, 'contact', x'01', x'02', x'03', x'04', 0)`,
        )
        .run(id, id);
    account('sender');
    account('recipient');
    old
      .prepare(
        `INSERT INTO devices (id, account_id, device_key, added_at) VALUES ('d1', 'recipient', x'05', 0)`,
      )
      .run();
    // Small bodies in the table's pages, and one over two pages long in overflow pages.
    const large = uniqueBytes(9000);
    const bodies = [uniqueBytes(600), uniqueBytes(600), large];
    const insert = old.prepare<[string, string, Uint8Array]>(
      `INSERT INTO direct_messages (id, sender_id, sender_device_id, recipient_id,
                                    recipient_device_id, client_id, body, created_at)
       VALUES (?, 'sender', 'd0', 'recipient', 'd1', ?, ?, 0)`,
    );
    bodies.forEach((body, i) => insert.run(`m${i}`, `c${i}`, body));
    old.pragma('wal_checkpoint(PASSIVE)');
    const unread = uniqueBytes(600);
    old.pragma('wal_autocheckpoint = 0');
    insert.run('m-log', 'c-log', unread);
    // Its files as it stopped (closing would checkpoint the log into the file).
    const upgraded = join(temporaryDirectory(), 'kolokol.sqlite');
    for (const suffix of ['', '-wal', '-shm']) copyFileSync(file + suffix, upgraded + suffix);
    old.close();
    expect(readFileSync(`${upgraded}-wal`).includes(Buffer.from(unread))).toBe(true);
    // The large body is split across pages: look for 128-byte pieces of it, of which a page
    // boundary can cut at most one per page.
    const pieces = Array.from({ length: 9 }, (_, i) => large.subarray(i * 1024, i * 1024 + 128));
    const small = [bodies[0]!, bodies[1]!, unread];
    for (const body of small) expect(onDisk(upgraded, body)).toBe(true);
    expect(pieces.filter((piece) => onDisk(upgraded, piece)).length).toBeGreaterThanOrEqual(6);

    const store = await open(upgraded);
    for (const needle of [...small, ...pieces]) expect(onDisk(upgraded, needle)).toBe(false);
    expect(
      inspect(upgraded, (db) =>
        db.prepare("SELECT name FROM sqlite_schema WHERE name LIKE 'direct_messages%'").all(),
      ),
    ).toStrictEqual([]);
    await store.close();
  });

  it('a replaced key backup leaves the files within the scrub delay', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const store = await open(file);
    const account = await createAccount(store);
    const old = uniqueBytes(1000);
    const registered = await store.accounts.findKeyBackup(account.id);
    expect(await store.accounts.setKeyBackup(account.id, old, registered!)).toBe(true);
    expect(await store.accounts.setKeyBackup(account.id, uniqueBytes(1000), old)).toBe(true);
    expect(onDisk(file, old)).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, WAL_SCRUB_DELAY_MS + 500));
    expect(onDisk(file, old)).toBe(false);
  });

  it('refuses an UPDATE or DELETE of an audit log entry through the schema', async () => {
    const file = join(temporaryDirectory(), 'kolokol.sqlite');
    const store = await open(file);
    const volunteer = await createAccount(store, { role: 'volunteer' });
    const unhashed = {
      seq: 1,
      type: 'operator' as const,
      recordedAt: 1_000,
      payload: bytes(40, 1),
      certificate: null,
      prevHash: auditGenesisHash(),
    };
    const entry = { ...unhashed, hash: auditEntryHash(unhashed) };
    const effect = { kind: 'reinstate' as const, accountId: volunteer.id };
    expect((await store.audit.append(entry, effect)).kind).toBe('appended');
    const db = new Database(file);
    try {
      expect(() => db.prepare('UPDATE audit_log SET recorded_at = 2').run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
    expect(await store.audit.entries(0, 10)).toStrictEqual([entry]);
  });

  it('pings while open; close is idempotent and ping then fails', async () => {
    const store = await openSqliteStore({ file: join(temporaryDirectory(), 'kolokol.sqlite') });
    await expect(store.ping()).resolves.toBeUndefined();

    await store.close();
    await store.close();
    await expect(store.ping()).rejects.toThrow();
  });
});

async function createAccountWithCode(
  store: Store,
  handle: string,
  codeHash: Uint8Array,
): Promise<string> {
  const result = await store.accounts.create(
    {
      id: 'moderator-1',
      handle,
      role: 'contact',
      signingKey: bytes(32, 1),
      exchangeKey: bytes(32, 2),
      exchangeSignature: bytes(64, 3),
      authKey: bytes(32, 4),
      keyBackup: bytes(64, 5),
      salt: bytes(16, 4),
      createdAt: 1_000,
    },
    { enrolmentCodeHash: codeHash, now: 2_000 },
  );
  return result.kind === 'created' ? result.account.role : result.kind;
}
