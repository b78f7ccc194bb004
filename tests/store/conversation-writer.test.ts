// The conversation writer (docs/relay.md, "The conversation writer"): on a file, sends and acks
// run in a worker thread on their own connection. Closing the store lets the thread finish every
// write it was sent before the connections close; a write after close is refused.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../server/src/store/sqlite/open-sqlite-store.js';
import { createDevice, unique, uniqueBytes } from './contract/fixtures.js';

const directory = mkdtempSync(join(tmpdir(), 'kolokol-writer-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const CAPS = { envelopes: 1000, bytes: 1 << 24 };

describe('conversation writer thread', () => {
  it('close lets it finish every write it was sent; the next open finds them; later writes are refused', async () => {
    const file = join(directory, 'close.sqlite');
    const store = await openSqliteStore({ file });
    const a = await createDevice(store);
    const b = await createDevice(store);
    const { conversation } = await store.conversations.openConversation({
      id: unique('conversation'),
      participants: [a.accountId, b.accountId],
      ttlMs: 3_600_000,
      createdAt: 1_000,
    });
    const message = () => ({
      conversationId: conversation.id,
      senderId: a.accountId,
      senderDeviceId: a.deviceId,
      clientId: unique('client'),
      sentAt: 2_000,
      envelopes: [{ deviceId: b.deviceId, body: uniqueBytes(356) }],
    });
    // Started, then twenty more sent in the same turn as the close.
    expect((await store.conversations.appendMessage(message(), CAPS)).kind).toBe('created');
    const sent = Array.from({ length: 20 }, () =>
      store.conversations.appendMessage(message(), CAPS),
    );
    const closed = store.close();
    expect((await Promise.all(sent)).map((r) => r.kind === 'created' && r.seq)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 2),
    );
    await closed;
    await expect(store.conversations.appendMessage(message(), CAPS)).rejects.toThrow();
    await expect(store.ping()).rejects.toThrow();

    const reopened = await openSqliteStore({ file });
    try {
      expect((await reopened.conversations.findConversation(conversation.id))?.lastSeq).toBe(21);
      const kept = await reopened.conversations.fetchEnvelopes(conversation.id, b.deviceId, {
        after: 0,
        sentAfter: 0,
        limit: 100,
      });
      expect(kept).toHaveLength(21);
    } finally {
      await reopened.close();
    }
  });
});
