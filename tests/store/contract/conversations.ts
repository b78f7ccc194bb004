// Contract: conversations — one open conversation per pair, a gapless sequence, idempotent
// appends, every refusal storing nothing, per-device high-water acks, and the timer's purge.
import { describe, expect, it } from 'vitest';
import type { BacklogCaps, NewConversationMessage } from '../../../server/src/store/ports.js';
import {
  createDevice,
  expectPlainBytes,
  unique,
  uniqueBytes,
  type CurrentStore,
} from './fixtures.js';

const CAPS: BacklogCaps = { envelopes: 1000, bytes: 1 << 24 };
const DAY = 24 * 3600 * 1000;

export function conversationsContract(current: CurrentStore): void {
  describe('conversations', () => {
    async function pair(ttlMs = DAY) {
      const store = current();
      const a = await createDevice(store);
      const b = await createDevice(store);
      const opened = await store.conversations.openConversation({
        id: unique('conversation'),
        participants: [a.accountId, b.accountId],
        ttlMs,
        createdAt: 1_000,
      });
      return { store, a, b, id: opened.conversation.id };
    }

    function message(
      id: string,
      from: { accountId: string; deviceId: string },
      to: { deviceId: string },
      overrides: Partial<NewConversationMessage> = {},
    ): NewConversationMessage {
      return {
        conversationId: id,
        senderId: from.accountId,
        senderDeviceId: from.deviceId,
        clientId: unique('client'),
        sentAt: 2_000,
        envelopes: [{ deviceId: to.deviceId, body: uniqueBytes(356) }],
        ...overrides,
      };
    }

    it('opens one conversation per pair, whichever side asks', async () => {
      const { store, a, b, id } = await pair();
      const again = await store.conversations.openConversation({
        id: unique('conversation'),
        participants: [b.accountId, a.accountId],
        ttlMs: 3_600_000,
        createdAt: 5_000,
      });
      expect(again).toMatchObject({ kind: 'existing', conversation: { id, ttlMs: DAY } });
      expect((await store.conversations.findOpenBetween(b.accountId, a.accountId))?.id).toBe(id);
      expect((await store.conversations.findOpenBetween(a.accountId, b.accountId))?.id).toBe(id);
      await store.conversations.closeConversation(id, 6_000);
      expect(await store.conversations.findOpenBetween(a.accountId, b.accountId)).toBeUndefined();
      const fresh = await store.conversations.openConversation({
        id: unique('conversation'),
        participants: [a.accountId, b.accountId],
        ttlMs: DAY,
        createdAt: 7_000,
      });
      expect(fresh.kind).toBe('created');
      expect(fresh.conversation.id).not.toBe(id);
    });

    it('appends under a gapless sequence; a repeated clientId gets the first answer', async () => {
      const { store, a, b, id } = await pair();
      const first = message(id, a, b);
      expect(await store.conversations.appendMessage(first, CAPS)).toEqual({
        kind: 'created',
        seq: 1,
        sentAt: 2_000,
      });
      expect(await store.conversations.appendMessage(message(id, b, a), CAPS)).toMatchObject({
        seq: 2,
      });
      expect(await store.conversations.appendMessage({ ...first, sentAt: 9_000 }, CAPS)).toEqual({
        kind: 'duplicate',
        seq: 1,
        sentAt: 2_000,
      });
      expect((await store.conversations.findConversation(id))?.lastSeq).toBe(2);
      const fetched = await store.conversations.fetchEnvelopes(id, b.deviceId, {
        after: 0,
        sentAfter: 0,
        limit: 10,
      });
      expect(fetched.map((e) => e.seq)).toEqual([1]);
      expectPlainBytes(fetched[0]!.body);
      expect(fetched[0]!.body).toEqual(first.envelopes[0]!.body);
    });

    it('refuses, storing nothing: a stranger, a closed conversation, the wrong devices, a full backlog', async () => {
      const { store, a, b, id } = await pair();
      const stranger = await createDevice(store);
      expect(await store.conversations.appendMessage(message(id, stranger, b), CAPS)).toEqual({
        kind: 'not-found',
      });
      expect(
        await store.conversations.appendMessage(
          message(id, a, b, {
            envelopes: [{ deviceId: stranger.deviceId, body: uniqueBytes(356) }],
          }),
          CAPS,
        ),
      ).toEqual({ kind: 'devices-changed' });
      expect(
        await store.conversations.appendMessage(message(id, a, b), {
          envelopes: 0,
          bytes: 1 << 20,
        }),
      ).toEqual({ kind: 'backlog-full' });
      expect(
        await store.conversations.appendMessage(message(id, a, b), { envelopes: 10, bytes: 100 }),
      ).toEqual({ kind: 'backlog-full' });
      expect((await store.conversations.findConversation(id))?.lastSeq).toBe(0);
      await store.conversations.closeConversation(id, 3_000);
      expect(await store.conversations.appendMessage(message(id, a, b), CAPS)).toEqual({
        kind: 'closed',
      });
      expect((await store.conversations.findConversation(id))?.lastSeq).toBe(0);
    });

    it('acks a high water: deletes up to it, ignores a lower one, refuses one not yet sent', async () => {
      const { store, a, b, id } = await pair();
      for (let i = 0; i < 4; i += 1)
        await store.conversations.appendMessage(message(id, a, b), CAPS);
      expect(await store.conversations.acknowledge(id, b.deviceId, 5)).toEqual({
        kind: 'no-such-seq',
      });
      expect(await store.conversations.acknowledge(id, b.deviceId, 2)).toEqual({
        kind: 'acked',
        ackedSeq: 2,
        deleted: 2,
        delivered: 2,
      });
      expect(await store.conversations.acknowledge(id, b.deviceId, 1)).toEqual({
        kind: 'acked',
        ackedSeq: 2,
        deleted: 0,
        delivered: null,
      });
      const left = await store.conversations.fetchEnvelopes(id, b.deviceId, {
        after: 0,
        sentAfter: 0,
        limit: 10,
      });
      expect(left.map((e) => e.seq)).toEqual([3, 4]);
      const listed = await store.conversations.listConversations(b.accountId, b.deviceId, 10);
      expect(listed).toMatchObject([{ id, lastSeq: 4, ackedSeq: 2 }]);
      // The backlog counts what is left: two envelopes, so a cap of three has room for one more.
      expect(
        await store.conversations.appendMessage(message(id, a, b), {
          envelopes: 3,
          bytes: 1 << 20,
        }),
      ).toMatchObject({ kind: 'created', seq: 5 });
    });

    it('reads the delivered mark: the highest high water of any device of the other side', async () => {
      const { store, a, b, id } = await pair();
      const tablet = await createDevice(store, b.accountId);
      const a2 = await createDevice(store, a.accountId);
      for (let i = 0; i < 4; i += 1) {
        await store.conversations.appendMessage(
          message(id, a, b, {
            envelopes: [b, tablet].map((device) => ({
              deviceId: device.deviceId,
              body: uniqueBytes(356),
            })),
          }),
          CAPS,
        );
      }
      expect(await store.conversations.acknowledge(id, tablet.deviceId, 3)).toMatchObject({
        ackedSeq: 3,
        delivered: 3,
      });
      // Behind the tablet: the account's mark is not raised.
      expect(await store.conversations.acknowledge(id, b.deviceId, 2)).toMatchObject({
        ackedSeq: 2,
        delivered: null,
      });
      // The sender's own devices' high waters are not the other side's delivery.
      await store.conversations.appendMessage(
        message(id, b, a, {
          envelopes: [
            { deviceId: a.deviceId, body: uniqueBytes(356) },
            { deviceId: a2.deviceId, body: uniqueBytes(356) },
          ],
        }),
        CAPS,
      );
      expect(await store.conversations.acknowledge(id, a2.deviceId, 5)).toMatchObject({
        delivered: 5,
      });
      const forA = await store.conversations.listConversations(a.accountId, a.deviceId, 10);
      expect(forA).toMatchObject([{ id, ackedSeq: 0, delivered: 3 }]);
      const forB = await store.conversations.listConversations(b.accountId, null, 10);
      expect(forB).toMatchObject([{ id, ackedSeq: 0, delivered: 5 }]);
      expect(await store.conversations.acknowledge(id, b.deviceId, 4)).toMatchObject({
        delivered: 4,
      });
      const after = await store.conversations.listConversations(a.accountId, a2.deviceId, 10);
      expect(after).toMatchObject([{ id, ackedSeq: 5, delivered: 4 }]);
    });

    it('purges messages past the timer and closed conversations past theirs', async () => {
      const { store, a, b, id } = await pair(10_000);
      await store.conversations.appendMessage(message(id, a, b, { sentAt: 2_000 }), CAPS);
      await store.conversations.appendMessage(message(id, a, b, { sentAt: 8_000 }), CAPS);
      expect(await store.conversations.purgeExpired(12_000)).toEqual({
        messages: 1,
        conversations: 0,
      });
      const left = await store.conversations.fetchEnvelopes(id, b.deviceId, {
        after: 0,
        sentAfter: 0,
        limit: 10,
      });
      expect(left.map((e) => e.seq)).toEqual([2]);
      await store.conversations.closeConversation(id, 9_000);
      expect(await store.conversations.purgeExpired(19_000)).toEqual({
        messages: 1,
        conversations: 1,
      });
      expect(await store.conversations.findConversation(id)).toBeUndefined();
    });
  });
}
