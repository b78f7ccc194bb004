// Sends and acknowledgements batched into one transaction (group commit, issue 9): several sends to
// one conversation read its row, the devices and the backlog once and write `last_seq` and the
// pending counters once (docs/relay.md) — and still get a gapless sequence, refuse what passes
// the backlog caps counting the batch's own sends, and an acknowledgement in the same batch sees
// the sends before it. For the in-memory store and the file store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { BacklogCaps, Store } from '../../server/src/store/ports.js';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { createDevice, unique, uniqueBytes } from './contract/fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'kolokol-batches-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const BODY = 356;

async function conversationIn(store: Store) {
  const a = await createDevice(store);
  const b = await createDevice(store);
  const opened = await store.conversations.openConversation({
    id: unique('conversation'),
    participants: [a.accountId, b.accountId],
    ttlMs: 3_600_000,
    createdAt: 1_000,
  });
  const id = opened.conversation.id;
  const send = (caps: BacklogCaps, clientId = unique('client')) =>
    store.conversations.appendMessage(
      {
        conversationId: id,
        senderId: a.accountId,
        senderDeviceId: a.deviceId,
        clientId,
        sentAt: 2_000,
        envelopes: [{ deviceId: b.deviceId, body: uniqueBytes(BODY) }],
      },
      caps,
    );
  return { id, b, send };
}

describe.each([
  ['in memory', () => ({ file: ':memory:' })],
  ['on a file', () => ({ file: join(directory, `${unique('b')}.sqlite`) })],
])('batched sends to one conversation, %s', (_name, options) => {
  it('number the batch gaplessly, refuse past the caps counting the batch, and store the counters once', async () => {
    const { file } = options();
    const store = await openSqliteStore({ file });
    try {
      const { id, b, send } = await conversationIn(store);
      expect((await send({ envelopes: 100, bytes: 1 << 20 })).kind).toBe('created');
      // One turn: seven sends against a backlog of at most five envelopes, one a retry of another.
      const caps = { envelopes: 5, bytes: 1 << 20 };
      const retried = unique('client');
      const results = await Promise.all([
        send(caps, retried),
        send(caps),
        send(caps, retried),
        send(caps),
        send(caps),
        send(caps),
        send(caps),
      ]);
      expect(results).toEqual([
        { kind: 'created', seq: 2, sentAt: 2_000 },
        { kind: 'created', seq: 3, sentAt: 2_000 },
        { kind: 'duplicate', seq: 2, sentAt: 2_000 },
        { kind: 'created', seq: 4, sentAt: 2_000 },
        { kind: 'created', seq: 5, sentAt: 2_000 },
        { kind: 'backlog-full' },
        { kind: 'backlog-full' },
      ]);
      expect((await store.conversations.findConversation(id))?.lastSeq).toBe(5);
      // The counters as stored, and a byte cap counting the batch too.
      const bytesCaps = { envelopes: 100, bytes: 6 * BODY };
      expect((await Promise.all([send(bytesCaps), send(bytesCaps)])).map((r) => r.kind)).toEqual([
        'created',
        'backlog-full',
      ]);
      if (file !== ':memory:') {
        const reader = new Database(file, { readonly: true, fileMustExist: true });
        try {
          expect(
            reader
              .prepare(
                `SELECT pending_envelopes AS envelopes, pending_bytes AS bytes
                 FROM conversation_devices WHERE conversation_id = ? AND device_id = ?`,
              )
              .get(id, b.deviceId),
          ).toEqual({ envelopes: 6, bytes: 6 * BODY });
          expect(
            reader.prepare('SELECT last_seq FROM conversations WHERE id = ?').pluck().get(id),
          ).toBe(6);
        } finally {
          reader.close();
        }
      }
      // Acknowledging all six brings the backlog to zero: the counters were right.
      expect(await store.conversations.acknowledge(id, b.deviceId, 6)).toEqual({
        kind: 'acked',
        ackedSeq: 6,
        deleted: 6,
        // The recipient's only device: its ack raises the delivered mark (docs/protocol.md).
        delivered: 6,
      });
      const again = await Promise.all(Array.from({ length: 5 }, () => send(caps)));
      expect(again.map((r) => r.kind === 'created' && r.seq)).toEqual([7, 8, 9, 10, 11]);
    } finally {
      await store.close();
    }
  });

  it('an acknowledgement in the batch sees the sends before it', async () => {
    const { file } = options();
    const store = await openSqliteStore({ file });
    try {
      const { id, b, send } = await conversationIn(store);
      const caps = { envelopes: 100, bytes: 1 << 20 };
      const [first, second, ack, third] = await Promise.all([
        send(caps),
        send(caps),
        store.conversations.acknowledge(id, b.deviceId, 2),
        send(caps),
      ]);
      expect([first, second, third].map((r) => r.kind === 'created' && r.seq)).toEqual([1, 2, 3]);
      expect(ack).toEqual({ kind: 'acked', ackedSeq: 2, deleted: 2, delivered: 2 });
      const left = await store.conversations.fetchEnvelopes(id, b.deviceId, {
        after: 0,
        sentAfter: 0,
        limit: 10,
      });
      expect(left.map((envelope) => envelope.seq)).toEqual([3]);
      // The pending counters count the one left: a cap of one envelope refuses the next.
      expect((await send({ envelopes: 1, bytes: 1 << 20 })).kind).toBe('backlog-full');
      expect((await send({ envelopes: 2, bytes: 1 << 20 })).kind).toBe('created');
    } finally {
      await store.close();
    }
  });
});
