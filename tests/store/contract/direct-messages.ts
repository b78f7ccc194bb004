// Contract for DirectMessageStore: idempotent puts, a bounded mailbox per recipient device,
// ordered listing, scoped deletes, and nothing stored for a stale device list or a removed device.
import { describe, expect, it } from 'vitest';
import type { DirectMessageRecord, MailboxQuota } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { createDevice, expectPlainBytes, unique, uniqueBytes } from './fixtures.js';

/** Far above anything a test stores, so listing with it shows the whole mailbox. */
const ALL = 1_000;
/** Far above anything a test stores, so puts with it are never 'full'. */
const ROOMY_SHARE = { messages: 1_000, bytes: 1 << 30 };
const ROOMY: MailboxQuota = { mailbox: ROOMY_SHARE, sender: ROOMY_SHARE };

/** A roomy quota with some caps tightened. */
function quota(caps: {
  mailbox?: Partial<typeof ROOMY_SHARE>;
  sender?: Partial<typeof ROOMY_SHARE>;
  newSenders?: Partial<typeof ROOMY_SHARE>;
}): MailboxQuota {
  return {
    mailbox: { ...ROOMY_SHARE, ...caps.mailbox },
    sender: { ...ROOMY_SHARE, ...caps.sender },
    ...(caps.newSenders ? { newSenders: { ...ROOMY_SHARE, ...caps.newSenders } } : {}),
  };
}

/** An account with one device (its device list at version 1). */
interface Party {
  readonly accountId: string;
  readonly deviceId: string;
}

function message(
  sender: Party,
  recipient: Party,
  overrides: Partial<DirectMessageRecord> = {},
): DirectMessageRecord {
  return {
    id: unique('message'),
    senderId: sender.accountId,
    senderDeviceId: sender.deviceId,
    recipientId: recipient.accountId,
    recipientDeviceId: recipient.deviceId,
    clientId: unique('client'),
    body: uniqueBytes(48),
    createdAt: 1_000,
    ...overrides,
  };
}

export function directMessagesContract(store: CurrentStore): void {
  describe('direct messages', () => {
    const party = (): Promise<Party> => createDevice(store());

    async function pair(): Promise<{ readonly sender: Party; readonly recipient: Party }> {
      return { sender: await party(), recipient: await party() };
    }

    async function mailbox(recipient: Party | string): Promise<DirectMessageRecord[]> {
      const deviceId = typeof recipient === 'string' ? recipient : recipient.deviceId;
      return store().directMessages.listForRecipient(deviceId, ALL);
    }

    /** Puts for a recipient whose device list is at version 1, as every party's is. */
    function put(record: DirectMessageRecord, caps: MailboxQuota = ROOMY) {
      return store().directMessages.put(record, caps, 1);
    }

    function remove(recipient: Party, ids: readonly string[]) {
      return store().directMessages.deleteForRecipient(recipient.deviceId, ids);
    }

    async function putAll(records: readonly DirectMessageRecord[]): Promise<void> {
      for (const record of records) {
        expect((await put(record)).kind).toBe('created');
      }
    }

    it('stores a message and lists it with its bytes as a plain, unaliased Uint8Array', async () => {
      const { sender, recipient } = await pair();
      // The body is a view into a larger buffer: only the view's bytes belong to the message.
      const backing = uniqueBytes(64);
      const body = new Uint8Array(backing.buffer, 8, 40);
      const record = message(sender, recipient, { body });
      const expected = { ...record, body: Uint8Array.from(body) };

      const result = await put(record, ROOMY);

      expect(result).toStrictEqual({ kind: 'created', message: expected });
      if (result.kind === 'created') {
        expectPlainBytes(result.message.body);
      }
      // Changing the caller's buffer afterwards changes neither the stored nor the echoed record.
      body.fill(0);
      const listed = await mailbox(recipient);
      expect(listed).toStrictEqual([expected]);
      for (const listedMessage of listed) {
        expectPlainBytes(listedMessage.body);
      }
      if (result.kind === 'created') {
        expect(result.message.body).toStrictEqual(expected.body);
      }
      // Listing does not deliver: the message stays until deleted.
      expect(await mailbox(recipient)).toStrictEqual([expected]);
      expect(await mailbox(sender)).toStrictEqual([]);
    });

    it('lists nothing for an device without messages or an unknown device', async () => {
      const account = await party();

      expect(await mailbox(account)).toStrictEqual([]);
      expect(await mailbox('no-such-device')).toStrictEqual([]);
    });

    it('lists oldest first by createdAt, then by id, and only the recipient’s', async () => {
      const { sender, recipient } = await pair();
      const other = await party();
      const base = unique('message');
      const latest = message(sender, recipient, { id: `${base}-a`, createdAt: 3_000 });
      const tiedSecond = message(sender, recipient, { id: `${base}-c`, createdAt: 2_000 });
      const oldest = message(sender, recipient, { id: `${base}-d`, createdAt: 1_000 });
      const tiedFirst = message(sender, recipient, { id: `${base}-b`, createdAt: 2_000 });
      const toOther = message(sender, other, { createdAt: 500 });
      await putAll([latest, tiedSecond, toOther, oldest, tiedFirst]);

      expect(await mailbox(recipient)).toStrictEqual([oldest, tiedFirst, tiedSecond, latest]);
      expect(await mailbox(other)).toStrictEqual([toOther]);
    });

    it('lists at most `limit` messages, the oldest ones', async () => {
      const { sender, recipient } = await pair();
      const records = [5_000, 1_000, 4_000, 2_000, 3_000].map((createdAt) =>
        message(sender, recipient, { createdAt }),
      );
      await putAll(records);
      const inOrder = [...records].sort((a, b) => a.createdAt - b.createdAt);

      expect(await store().directMessages.listForRecipient(recipient.deviceId, 2)).toStrictEqual(
        inOrder.slice(0, 2),
      );
      expect(await store().directMessages.listForRecipient(recipient.deviceId, 5)).toStrictEqual(
        inOrder,
      );
      expect(await store().directMessages.listForRecipient(recipient.deviceId, 0)).toStrictEqual(
        [],
      );
      expect(await store().directMessages.listForRecipient(recipient.deviceId, -1)).toStrictEqual(
        [],
      );
      expect(await mailbox(recipient)).toStrictEqual(inOrder);
    });

    it('answers a repeated (sender, clientId) with the first record unchanged and stores nothing', async () => {
      const { sender, recipient } = await pair();
      const other = await party();
      const first = message(sender, recipient);
      await putAll([first]);
      const retry = message(sender, other, {
        clientId: first.clientId,
        body: uniqueBytes(16),
        createdAt: 9_000,
      });

      const result = await put(retry, ROOMY);

      expect(result).toStrictEqual({ kind: 'duplicate', message: first });
      if (result.kind === 'duplicate') {
        expectPlainBytes(result.message.body);
      }
      expect(await mailbox(recipient)).toStrictEqual([first]);
      expect(await mailbox(other)).toStrictEqual([]);
      expect(await remove(other, [retry.id])).toBe(0);
    });

    it('treats the same clientId from another sender as another message', async () => {
      const { sender, recipient } = await pair();
      const secondSender = await party();
      const fromFirst = message(sender, recipient, { createdAt: 1_000 });
      const fromSecond = message(secondSender, recipient, {
        clientId: fromFirst.clientId,
        createdAt: 2_000,
      });

      await putAll([fromFirst, fromSecond]);

      expect(await mailbox(recipient)).toStrictEqual([fromFirst, fromSecond]);
    });

    it('refuses a message once the recipient has maxPending, storing nothing, until one is deleted', async () => {
      const { sender, recipient } = await pair();
      const other = await party();
      const pending = [1_000, 2_000, 3_000].map((createdAt) =>
        message(sender, recipient, { createdAt }),
      );
      const three = quota({ mailbox: { messages: 3 } });
      for (const record of pending) {
        expect((await put(record, three)).kind).toBe('created');
      }
      const overflow = message(sender, recipient, { createdAt: 4_000 });

      expect(await put(overflow, three)).toStrictEqual({
        kind: 'full',
        share: 'mailbox',
      });

      expect(await mailbox(recipient)).toStrictEqual(pending);
      // The mailbox limit is per recipient.
      const toOther = message(sender, other);
      expect((await put(toOther, three)).kind).toBe('created');

      expect(await remove(recipient, [pending[0]?.id ?? ''])).toBe(1);
      // A refused message left no trace: the same send now goes through as new.
      expect(await put(overflow, three)).toStrictEqual({
        kind: 'created',
        message: overflow,
      });
      expect(await mailbox(recipient)).toStrictEqual([...pending.slice(1), overflow]);
      expect(await put(message(sender, recipient), three)).toStrictEqual({
        kind: 'full',
        share: 'mailbox',
      });
    });

    it('answers a retry of a stored message as a duplicate even when the mailbox is full', async () => {
      const { sender, recipient } = await pair();
      const first = message(sender, recipient);
      const one = quota({ mailbox: { messages: 1 } });
      expect((await put(first, one)).kind).toBe('created');

      const result = await put({ ...first, id: unique('message') }, one);

      expect(result).toStrictEqual({ kind: 'duplicate', message: first });
      expect(await mailbox(recipient)).toStrictEqual([first]);
    });

    it('caps one sender’s share of a mailbox while others still get through', async () => {
      const recipient = await party();
      const noisy = await party();
      const quiet = await party();
      const two = quota({ sender: { messages: 2 } });
      for (let i = 0; i < 2; i += 1) {
        expect((await put(message(noisy, recipient), two)).kind).toBe('created');
      }
      const before = await store().directMessages.listForRecipient(recipient.deviceId, ALL);
      expect(await put(message(noisy, recipient), two)).toStrictEqual({
        kind: 'full',
        share: 'sender',
      });
      expect(await store().directMessages.listForRecipient(recipient.deviceId, ALL)).toStrictEqual(
        before,
      );
      expect((await put(message(quiet, recipient), two)).kind).toBe('created');
    });

    it('caps bytes as well as messages: what would pass a byte cap is refused, what fits exactly is stored', async () => {
      const { sender, recipient } = await pair();
      const other = await party();
      const caps = quota({ mailbox: { bytes: 100 }, sender: { bytes: 60 } });
      const first = message(sender, recipient, { body: uniqueBytes(40) });
      expect((await put(first, caps)).kind).toBe('created');
      // 40 + 21 > 60: over the sender's bytes.
      const tooBig = message(sender, recipient, { body: uniqueBytes(21) });
      expect(await put(tooBig, caps)).toStrictEqual({
        kind: 'full',
        share: 'sender',
      });
      const exact = message(sender, recipient, { body: uniqueBytes(20) });
      expect((await put(exact, caps)).kind).toBe('created');
      // 60 + 41 > 100: over the mailbox's bytes, whoever sends.
      expect(await put(message(other, recipient, { body: uniqueBytes(41) }), caps)).toStrictEqual({
        kind: 'full',
        share: 'mailbox',
      });
      expect((await put(message(other, recipient, { body: uniqueBytes(40) }), caps)).kind).toBe(
        'created',
      );
      expect((await mailbox(recipient)).map((m) => m.body.length)).toStrictEqual([40, 20, 40]);
    });

    it('counts new senders’ messages together, apart from everyone else’s', async () => {
      const recipient = await party();
      const [newA, newB, newC, old] = await Promise.all(Array.from({ length: 4 }, () => party()));
      const asNew = quota({ newSenders: { messages: 3, bytes: 1_000 } });
      const putFrom = (sender: Party, caps: MailboxQuota) => put(message(sender, recipient), caps);
      // Two established messages do not count against the new senders' part.
      expect((await putFrom(old!, ROOMY)).kind).toBe('created');
      expect((await putFrom(old!, ROOMY)).kind).toBe('created');
      expect((await putFrom(newA!, asNew)).kind).toBe('created');
      expect((await putFrom(newB!, asNew)).kind).toBe('created');
      expect((await putFrom(newB!, asNew)).kind).toBe('created');
      const before = await mailbox(recipient);
      expect(await putFrom(newC!, asNew)).toStrictEqual({ kind: 'full', share: 'newSenders' });
      expect(await mailbox(recipient)).toStrictEqual(before);
      // An established sender still gets through; so does a new one once a new message is gone.
      expect((await putFrom(old!, ROOMY)).kind).toBe('created');
      const fromB = before.find((m) => m.senderId === newB!.accountId)!;
      expect(await remove(recipient, [fromB.id])).toBe(1);
      expect((await putFrom(newC!, asNew)).kind).toBe('created');
      // The new senders' bytes are capped too.
      const tight = quota({ newSenders: { messages: 100, bytes: 48 * 3 } });
      expect(await putFrom(newC!, tight)).toStrictEqual({ kind: 'full', share: 'newSenders' });
    });

    it('is full at once when maxPending is zero', async () => {
      const { sender, recipient } = await pair();

      expect(
        await put(message(sender, recipient), quota({ mailbox: { messages: 0 } })),
      ).toStrictEqual({ kind: 'full', share: 'mailbox' });
      expect(await mailbox(recipient)).toStrictEqual([]);
    });

    it('deletes only the given ids addressed to the recipient and counts them', async () => {
      const { sender, recipient } = await pair();
      const other = await party();
      const [a1, a2, a3] = [1_000, 2_000, 3_000].map((createdAt) =>
        message(sender, recipient, { createdAt }),
      );
      const b1 = message(sender, other);
      if (a1 === undefined || a2 === undefined || a3 === undefined) {
        throw new Error('fixture: messages missing');
      }
      await putAll([a1, a2, a3, b1]);

      // Another recipient's message, an unknown id and a repeated id count for nothing.
      expect(await remove(recipient, [a1.id, b1.id, 'no-such-message', a3.id, a1.id])).toBe(2);

      expect(await mailbox(recipient)).toStrictEqual([a2]);
      expect(await mailbox(other)).toStrictEqual([b1]);
      expect(await remove(recipient, [a1.id])).toBe(0);
      expect(await remove(other, [a2.id])).toBe(0);
      expect(await store().directMessages.deleteForRecipient('no-such-device', [a2.id])).toBe(0);
      expect(await remove(recipient, [])).toBe(0);
      expect(await mailbox(recipient)).toStrictEqual([a2]);
      expect(await mailbox(other)).toStrictEqual([b1]);
    });

    it('stores exactly maxPending of many concurrent puts', async () => {
      const { sender, recipient } = await pair();
      const records = Array.from({ length: 20 }, (_, index) =>
        message(sender, recipient, { createdAt: 1_000 + index }),
      );

      const results = await Promise.all(
        records.map((record) => put(record, quota({ mailbox: { messages: 10 } }))),
      );

      const created = results.flatMap((result) =>
        result.kind === 'created' ? [result.message] : [],
      );
      expect(created).toHaveLength(10);
      expect(results.filter((result) => result.kind === 'full')).toHaveLength(10);
      const stored = await mailbox(recipient);
      expect(stored).toHaveLength(10);
      expect(new Set(stored.map((record) => record.id))).toStrictEqual(
        new Set(created.map((record) => record.id)),
      );
    });

    it('creates one message from many concurrent retries of the same send', async () => {
      const { sender, recipient } = await pair();
      const clientId = unique('client');
      const attempts = Array.from({ length: 10 }, () => message(sender, recipient, { clientId }));

      const results = await Promise.all(attempts.map((attempt) => put(attempt, ROOMY)));

      const created = results.filter((result) => result.kind === 'created');
      expect(created).toHaveLength(1);
      const stored = await mailbox(recipient);
      expect(stored).toHaveLength(1);
      expect(results).toStrictEqual(
        results.map((result) =>
          result.kind === 'created'
            ? { kind: 'created', message: stored[0] }
            : { kind: 'duplicate', message: stored[0] },
        ),
      );
    });

    it('keeps one mailbox per device of an account', async () => {
      const sender = await party();
      const first = await party();
      const second = await createDevice(store(), first.accountId);
      const toFirst = message(sender, first);
      const toSecond = message(sender, second);
      // The account's list is at version 2 once its second device is added.
      expect((await store().directMessages.put(toFirst, ROOMY, 2)).kind).toBe('created');
      expect((await store().directMessages.put(toSecond, ROOMY, 2)).kind).toBe('created');
      expect(await mailbox(first)).toStrictEqual([toFirst]);
      expect(await mailbox(second)).toStrictEqual([toSecond]);
      expect(await remove(first, [toSecond.id])).toBe(0);
      // Each device's mailbox is capped by itself.
      const one = quota({ mailbox: { messages: 1 } });
      expect((await store().directMessages.put(message(sender, first), one, 2)).kind).toBe('full');
    });

    it('stores nothing for a stale device list version or a device the list does not name', async () => {
      const { sender, recipient } = await pair();
      const stale = message(sender, recipient);
      expect(await store().directMessages.put(stale, ROOMY, 2)).toStrictEqual({
        kind: 'devices-changed',
      });
      const stranger = message(sender, { ...recipient, deviceId: 'no-such-device' });
      expect(await put(stranger)).toStrictEqual({ kind: 'devices-changed' });
      // Another account's device, at that account's own version, is not this recipient's.
      const other = await party();
      const misdirected = message(sender, {
        accountId: recipient.accountId,
        deviceId: other.deviceId,
      });
      expect(await put(misdirected)).toStrictEqual({ kind: 'devices-changed' });
      expect(await mailbox(recipient)).toStrictEqual([]);
      expect(await mailbox(other)).toStrictEqual([]);
    });

    it('stores nothing from a device that is gone, and drops a removed device’s mailbox', async () => {
      const { sender, recipient } = await pair();
      const kept = message(sender, recipient);
      await putAll([kept]);
      const gone = { ...sender, deviceId: 'no-such-device' };
      expect(await put(message(gone, recipient))).toStrictEqual({ kind: 'sender-removed' });

      const removed = await store().devices.publish({
        accountId: recipient.accountId,
        expectedVersion: 1,
        list: { version: 2, bytes: uniqueBytes(80) },
        change: { kind: 'remove', deviceId: recipient.deviceId },
        now: 2_000,
      });
      expect(removed.kind).toBe('published');
      expect(await mailbox(recipient)).toStrictEqual([]);
      // The stored envelope went with the device, so a retry of it is no duplicate any more: the
      // list moved on.
      expect((await store().directMessages.put(kept, ROOMY, 2)).kind).toBe('devices-changed');
    });
  });
}
