// Group commit (issue 9): the messages that arrive in one event-loop turn are committed in one
// SQLite transaction, each caller's promise settles only after that commit, and a write that
// fails is rolled back alone. Read from a second connection, as another process would.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Store } from '../../server/src/store/ports.js';
import {
  createGroupCommit,
  GROUP_COMMIT_MAX_WRITES,
} from '../../server/src/store/sqlite/group-commit.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { createDevice, unique, uniqueBytes } from './contract/fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'kolokol-group-commit-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const MESSAGES = 40;

/** Frames in the file's write-ahead log: each commit appends every page it changed. */
function walFrames(file: string): number {
  const db = new Database(file, { fileMustExist: true });
  try {
    const [row] = db.pragma('wal_checkpoint(PASSIVE)') as { log: number }[];
    return row?.log ?? 0;
  } finally {
    db.close();
  }
}

function emptyWal(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

async function conversationIn(store: Store) {
  const a = await createDevice(store);
  const b = await createDevice(store);
  const opened = await store.conversations.openConversation({
    id: unique('conversation'),
    participants: [a.accountId, b.accountId],
    ttlMs: 3_600_000,
    createdAt: Date.now(),
  });
  const send = () =>
    store.conversations.appendMessage(
      {
        conversationId: opened.conversation.id,
        senderId: a.accountId,
        senderDeviceId: a.deviceId,
        clientId: unique('client'),
        sentAt: Date.now(),
        envelopes: [{ deviceId: b.deviceId, body: uniqueBytes(1124) }],
      },
      { envelopes: 10_000, bytes: 1 << 30 },
    );
  return { id: opened.conversation.id, send };
}

describe('group commit', () => {
  it('commits the appends of one turn together: a fraction of the log writes of one commit each', async () => {
    const file = join(directory, 'frames.sqlite');
    const store = await openSqliteStore({ file });
    try {
      const { send } = await conversationIn(store);
      emptyWal(file);
      // One turn: every append is queued before any commit.
      const together = await Promise.all(Array.from({ length: MESSAGES }, send));
      const batched = walFrames(file);
      emptyWal(file);
      // One turn each: awaited one after another.
      const alone = [];
      for (let i = 0; i < MESSAGES; i += 1) alone.push(await send());
      const oneByOne = walFrames(file);
      expect(together.map((r) => r.kind === 'created' && r.seq)).toEqual(
        Array.from({ length: MESSAGES }, (_, i) => i + 1),
      );
      expect(alone.map((r) => r.kind === 'created' && r.seq)).toEqual(
        Array.from({ length: MESSAGES }, (_, i) => MESSAGES + i + 1),
      );
      expect(batched * 5).toBeLessThan(oneByOne);
    } finally {
      await store.close();
    }
  });

  it('settles each append only once it is committed: another connection already sees it', async () => {
    const file = join(directory, 'visible.sqlite');
    const store = await openSqliteStore({ file });
    const reader = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const { id, send } = await conversationIn(store);
      const seen = await Promise.all(
        Array.from({ length: 5 }, () =>
          send().then((result) => {
            const row = reader
              .prepare('SELECT count(*) AS n FROM conversation_messages WHERE conversation_id = ?')
              .get(id) as { n: number };
            return { result, committed: row.n };
          }),
        ),
      );
      // All five were committed together, before the first promise settled.
      expect(seen.map((s) => s.committed)).toEqual([5, 5, 5, 5, 5]);
    } finally {
      reader.close();
      await store.close();
    }
  });

  it('rolls back a failing write alone; the others of its batch commit', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    const group = createGroupCommit(db);
    const insert = db.prepare<[number]>('INSERT INTO t (v) VALUES (?)');
    const results = await Promise.allSettled([
      group.submit(() => insert.run(1).changes),
      group.submit(() => {
        insert.run(2);
        insert.run(1); // a duplicate key: this write fails after writing 2
        return 0;
      }),
      group.submit(() => insert.run(3).changes),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual([1, 3]);
    db.close();
  });

  it('commits a turn with more writes than GROUP_COMMIT_MAX_WRITES in slices, each answered after its own commit', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    const group = createGroupCommit(db);
    const insert = db.prepare<[number]>('INSERT INTO t (v) VALUES (?)');
    const count = db.prepare('SELECT count(*) FROM t').pluck();
    const total = 2 * GROUP_COMMIT_MAX_WRITES + 2;
    /** How many rows were stored when each write was answered. */
    const storedAtAnswer = await Promise.all(
      Array.from({ length: total }, (_, v) =>
        group.submit(() => insert.run(v)).then(() => count.get() as number),
      ),
    );
    expect(storedAtAnswer).toEqual([
      ...Array<number>(GROUP_COMMIT_MAX_WRITES).fill(GROUP_COMMIT_MAX_WRITES),
      ...Array<number>(GROUP_COMMIT_MAX_WRITES).fill(2 * GROUP_COMMIT_MAX_WRITES),
      ...Array<number>(2).fill(total),
    ]);
    db.close();
  });

  it('runs each write once when none fails; a failure rolls the batch back and runs it again, each write alone', async () => {
    const db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY)');
    const group = createGroupCommit(db);
    const insert = db.prepare<[number]>('INSERT INTO t (v) VALUES (?)');
    const runs = new Map<number, number>();
    const write =
      (v: number, fail = false) =>
      () => {
        runs.set(v, (runs.get(v) ?? 0) + 1);
        insert.run(v);
        if (fail) throw new Error('refused');
        return v;
      };
    expect(await Promise.all([group.submit(write(1)), group.submit(write(2))])).toEqual([1, 2]);
    expect([...runs.values()]).toEqual([1, 1]);
    runs.clear();
    const results = await Promise.allSettled([
      group.submit(write(3)),
      group.submit(write(4, true)),
      group.submit(write(5)),
    ]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 3 },
      { status: 'rejected', reason: new Error('refused') },
      { status: 'fulfilled', value: 5 },
    ]);
    // The first run stopped at 4 and was rolled back as a whole (3 with it); the second ran all
    // three, each in its own savepoint. 3 and 5 are stored once.
    expect(Object.fromEntries(runs)).toEqual({ 3: 2, 4: 2, 5: 1 });
    expect(db.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual([1, 2, 3, 5]);
    db.close();
  });
});

describe('group commit batch hooks', () => {
  /**
   * Each write adds to a total kept in memory; `finish` stores it once per transaction, as the
   * conversation writes store `last_seq` and the pending counters once per batch.
   */
  function summing(db: Database.Database) {
    db.exec('CREATE TABLE t (v INTEGER PRIMARY KEY); CREATE TABLE total (n INTEGER NOT NULL)');
    db.exec('INSERT INTO total (n) VALUES (0)');
    const insert = db.prepare<[number]>('INSERT INTO t (v) VALUES (?)');
    const add = db.prepare<[number]>('UPDATE total SET n = n + ?');
    let kept = 0;
    const finishes: number[] = [];
    const group = createGroupCommit(db, {
      start: () => (kept = 0),
      finish: () => {
        finishes.push(kept);
        add.run(kept);
        kept = 0;
      },
    });
    const write =
      (v: number, fail = false) =>
      () => {
        insert.run(v);
        kept += v;
        if (fail) throw new Error('refused');
        return v;
      };
    const total = () => db.prepare('SELECT n FROM total').pluck().get() as number;
    return { group, write, total, finishes };
  }

  it('runs finish once before the commit of a batch that does not fail', async () => {
    const db = new Database(':memory:');
    const { group, write, total, finishes } = summing(db);
    expect(await Promise.all([1, 2, 3].map((v) => group.submit(write(v))))).toEqual([1, 2, 3]);
    expect(finishes).toEqual([6]);
    expect(total()).toBe(6);
    db.close();
  });

  it('on the slow path, finishes each write inside its own savepoint: a failed write takes what it kept with it', async () => {
    const db = new Database(':memory:');
    const { group, write, total, finishes } = summing(db);
    const results = await Promise.allSettled([
      group.submit(write(1)),
      group.submit(write(2, true)),
      group.submit(write(4)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    // The first run stopped at 2 (no finish: rolled back whole, what it kept dropped by the next
    // start); the second finished 1 and 4 each in its savepoint; 2 failed before its finish.
    expect(finishes).toEqual([1, 4]);
    expect(total()).toBe(5);
    expect(db.prepare('SELECT v FROM t ORDER BY v').pluck().all()).toEqual([1, 4]);
    db.close();
  });
});
