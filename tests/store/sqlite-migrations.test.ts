// The SQLite migration runner: order, once-only application, and all-or-nothing per migration.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS, applyMigrations } from '../../server/src/store/sqlite/migrations.js';
import type { Migration } from '../../server/src/store/sqlite/migrations.js';
import { createSqliteConversationStore } from '../../server/src/store/sqlite/conversations.js';

describe('sqlite migrations', () => {
  const migration = (version: number, sql: string): Migration => ({
    version,
    name: `test ${version}`,
    up: (db) => db.exec(sql),
  });

  function tables(db: Database.Database): string[] {
    return db
      .prepare<[], { name: string }>(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name LIKE 't%' ORDER BY name",
      )
      .all()
      .map((row) => row.name);
  }

  it('rolls a failing migration back completely and keeps the earlier ones', () => {
    const db = new Database(':memory:');
    const failing = migration(2, 'CREATE TABLE t2 (x INTEGER); INSERT INTO nowhere VALUES (1);');

    expect(() =>
      applyMigrations(db, [migration(1, 'CREATE TABLE t1 (x INTEGER)'), failing]),
    ).toThrow();

    expect(tables(db)).toStrictEqual(['t1']);
    const versions = db
      .prepare<[], { version: number }>('SELECT version FROM schema_migrations')
      .all()
      .map((row) => row.version);
    expect(versions).toStrictEqual([1]);
    db.close();
  });

  it('applies only the migrations added since the last open', () => {
    const db = new Database(':memory:');
    const first = migration(1, 'CREATE TABLE t1 (x INTEGER)');
    applyMigrations(db, [first]);
    // Rerunning the first would fail (the table exists), so success shows it was skipped.
    applyMigrations(db, [first, migration(2, 'CREATE TABLE t2 (x INTEGER)')]);

    expect(tables(db)).toStrictEqual(['t1', 't2']);
    db.close();
  });

  it('rejects a list whose versions are not 1, 2, 3, …', () => {
    const db = new Database(':memory:');

    expect(() => applyMigrations(db, [migration(2, 'CREATE TABLE t2 (x INTEGER)')])).toThrow(
      /expected 1/,
    );
    expect(tables(db)).toStrictEqual([]);
    db.close();
  });

  it('keeps the first row of each certificate serial, so a re-published older one is not served', () => {
    const db = new Database(':memory:');
    const dedupe = MIGRATIONS.findIndex((m) => m.name.includes('one row per serial'));
    expect(dedupe).toBeGreaterThan(0);
    applyMigrations(db, MIGRATIONS.slice(0, dedupe));
    db.prepare(
      `INSERT INTO accounts (id, handle, role, signing_key, exchange_key, exchange_signature, salt, created_at)
       VALUES ('mod', 'mod', 'moderator', x'01', x'02', x'03', x'04', 0)`,
    ).run();
    const insert = db.prepare<[string]>(
      `INSERT INTO moderator_certificates (account_id, serial, bytes, expires_at, created_at)
       VALUES ('mod', ?, x'00', 1, 0)`,
    );
    // A, then a newer B, then A re-published, as the server used to store them.
    for (const serial of ['A', 'B', 'A']) insert.run(serial);

    applyMigrations(db, MIGRATIONS);

    const rows = db
      .prepare<[], { serial: string }>('SELECT serial FROM moderator_certificates ORDER BY seq')
      .all()
      .map((row) => row.serial);
    expect(rows).toStrictEqual(['A', 'B']);
    expect(() => insert.run('B')).toThrow(/UNIQUE/);
    db.close();
  });

  it('moves prekeys and mailboxes to devices (7): accounts stay, device-less rows go, sessions gain a device', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    applyMigrations(db, MIGRATIONS.slice(0, 6));
    const blob = Buffer.alloc(32, 1);
    db.prepare(
      `INSERT INTO accounts (id, handle, role, signing_key, exchange_key, exchange_signature, salt,
                             created_at, auth_key, key_backup)
       VALUES ('a1', 'anna', 'contact', ?, ?, ?, ?, 1, ?, ?)`,
    ).run(blob, blob, blob, blob, blob, blob);
    db.prepare(`INSERT INTO signed_prekeys VALUES ('a1', 1, ?, ?, 2, ?, ?, 1)`).run(
      blob,
      blob,
      blob,
      blob,
    );
    db.prepare(`INSERT INTO one_time_prekeys VALUES ('a1', 3, ?, x'')`).run(blob);
    db.prepare(
      `INSERT INTO direct_messages (id, sender_id, recipient_id, client_id, body, created_at)
       VALUES ('m1', 'a1', 'a1', 'c1', ?, 1)`,
    ).run(blob);
    db.prepare(
      `INSERT INTO sessions (id, account_id, token_hash, created_at, expires_at) VALUES ('s1', 'a1', ?, 1, 9)`,
    ).run(blob);

    // Up to the devices migration: a later one (15) drops direct_messages altogether.
    const devices = MIGRATIONS.findIndex((m) => m.name.startsWith('devices:'));
    expect(devices).toBeGreaterThan(5);
    applyMigrations(db, MIGRATIONS.slice(0, devices + 1));

    const count = (table: string) =>
      db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n;
    expect(count('accounts')).toBe(1);
    for (const table of [
      'signed_prekeys',
      'one_time_prekeys',
      'one_time_kem_prekeys',
      'direct_messages',
      'devices',
      'device_lists',
      'pending_devices',
    ]) {
      expect(count(table), table).toBe(0);
    }
    expect(db.prepare('SELECT id, device_id FROM sessions').all()).toStrictEqual([
      { id: 's1', device_id: null },
    ]);
    // The new tables hang off devices: no prekey without its device.
    expect(() =>
      db.prepare(`INSERT INTO one_time_prekeys VALUES ('no-device', 1, ?, x'')`).run(blob),
    ).toThrow(/FOREIGN KEY/);
    db.close();
  });

  it('drops the direct mailbox (15): its table and index are gone, nothing else is', () => {
    const db = new Database(':memory:');
    const dropping = MIGRATIONS.findIndex((m) => m.version === 15);
    applyMigrations(db, MIGRATIONS.slice(0, dropping));
    const schema = () =>
      db
        .prepare<[], { name: string }>('SELECT name FROM sqlite_schema ORDER BY name')
        .all()
        .map((row) => row.name);
    const before = schema();
    expect(before).toContain('direct_messages');
    applyMigrations(db, MIGRATIONS.slice(0, dropping + 1));
    expect(schema()).toStrictEqual(before.filter((name) => !name.includes('direct_messages')));
    db.close();
  });

  it('re-keys messages and envelopes (17): every row kept, envelopes carry their message, removal still deletes them', async () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    const rekeying = MIGRATIONS.findIndex((m) => m.version === 17);
    applyMigrations(db, MIGRATIONS.slice(0, rekeying));
    db.exec(`
      INSERT INTO accounts (id, handle, role, signing_key, exchange_key, exchange_signature,
                            salt, created_at)
        VALUES ('a', 'a', 'contact', x'01', x'02', x'03', x'04', 0),
               ('b', 'b', 'contact', x'01', x'02', x'03', x'04', 0);
      INSERT INTO devices (id, account_id, device_key, added_at)
        VALUES ('a1', 'a', x'05', 0), ('b1', 'b', x'06', 0), ('b2', 'b', x'07', 0);
      INSERT INTO conversations (id, first_id, second_id, ttl_ms, last_seq, created_at)
        VALUES ('c', 'a', 'b', 3600000, 3, 0);
      INSERT INTO conversation_messages VALUES ('c', 1, 'a', 'a1', 'one', 10),
        ('c', 2, 'a', 'a1', 'two', 20), ('c', 3, 'b', 'b1', 'three', 30);
      INSERT INTO conversation_envelopes (conversation_id, seq, device_id, bytes, body)
        VALUES ('c', 2, 'b1', 2, x'0202'), ('c', 2, 'b2', 2, x'0203'), ('c', 3, 'a1', 3, x'030303');
      INSERT INTO conversation_devices VALUES ('c', 'b1', 1, 1, 2), ('c', 'b2', 1, 1, 2),
        ('c', 'a1', 0, 1, 3);
    `);
    const before = (table: string) => db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all();
    const messages = before('conversation_messages');
    const counters = before('conversation_devices');

    applyMigrations(db);
    expect(before('conversation_messages')).toStrictEqual(messages);
    expect(before('conversation_devices')).toStrictEqual(counters);
    expect(
      db
        .prepare(
          `SELECT conversation_id, device_id, seq, sender_id, sender_device_id, sent_at, hex(body) AS body
           FROM conversation_envelopes ORDER BY device_id`,
        )
        .all(),
    ).toStrictEqual([
      {
        conversation_id: 'c',
        device_id: 'a1',
        seq: 3,
        sender_id: 'b',
        sender_device_id: 'b1',
        sent_at: 30,
        body: '030303',
      },
      {
        conversation_id: 'c',
        device_id: 'b1',
        seq: 2,
        sender_id: 'a',
        sender_device_id: 'a1',
        sent_at: 20,
        body: '0202',
      },
      {
        conversation_id: 'c',
        device_id: 'b2',
        seq: 2,
        sender_id: 'a',
        sender_device_id: 'a1',
        sent_at: 20,
        body: '0203',
      },
    ]);

    // The store on the re-keyed rows: a retry is answered with its first seq, the next send
    // follows the sequence, fetch reads the envelope with its sender.
    const store = createSqliteConversationStore(db);
    expect(await store.findSent('c', 'a', 'two')).toStrictEqual({ seq: 2, sentAt: 20 });
    const next = await store.appendMessage(
      {
        conversationId: 'c',
        senderId: 'a',
        senderDeviceId: 'a1',
        clientId: 'four',
        sentAt: 40,
        envelopes: [
          { deviceId: 'b1', body: new Uint8Array([4]) },
          { deviceId: 'b2', body: new Uint8Array([4]) },
        ],
      },
      { envelopes: 10, bytes: 100 },
    );
    expect(next).toStrictEqual({ kind: 'created', seq: 4, sentAt: 40 });
    const fetched = await store.fetchEnvelopes('c', 'b1', { after: 0, sentAfter: 0, limit: 10 });
    expect(
      fetched.map((envelope) => [envelope.seq, envelope.senderId, envelope.sentAt]),
    ).toStrictEqual([
      [2, 'a', 20],
      [4, 'a', 40],
    ]);

    // Removing a device deletes its envelopes (trigger), and only its own.
    db.prepare("DELETE FROM devices WHERE id = 'b2'").run();
    const left = () =>
      db
        .prepare<[], { device_id: string }>(
          'SELECT device_id FROM conversation_envelopes ORDER BY device_id, seq',
        )
        .all()
        .map((row) => row.device_id);
    expect(left()).toStrictEqual(['a1', 'b1', 'b1']);
    // Deleting an account deletes the conversation, its messages and every envelope in it.
    db.prepare("DELETE FROM accounts WHERE id = 'a'").run();
    expect(left()).toStrictEqual([]);
    expect(before('conversation_messages')).toStrictEqual([]);
    db.close();
  });
});
