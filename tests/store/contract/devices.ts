// Contract for DeviceStore: bounded reservations, lists replaced only by compare-and-swap, an
// added device consuming its reservation, and a removed device taking its prekeys, undelivered
// conversation envelopes and sessions with it in the same write.
import { describe, expect, it } from 'vitest';
import type { CurrentStore } from './fixtures.js';
import {
  bytes,
  createAccount,
  createDevice,
  expectPlainBytes,
  newSession,
  unique,
  uniqueBytes,
} from './fixtures.js';

export function devicesContract(store: CurrentStore): void {
  describe('devices', () => {
    const pending = (accountId: string, expiresAt = 5_000) => ({
      id: unique('device'),
      accountId,
      deviceKey: uniqueBytes(32),
      expiresAt,
    });

    it('bounds unexpired reservations per account, forgetting expired ones', async () => {
      const account = await createAccount(store());
      const first = pending(account.id, 2_000);
      expect(await store().devices.reserve(first, 2, 1_000)).toBe('reserved');
      expect(await store().devices.reserve(pending(account.id), 2, 1_000)).toBe('reserved');
      expect(await store().devices.reserve(pending(account.id), 2, 1_000)).toBe('too-many');
      const found = await store().devices.findPending(account.id, first.id, 1_000);
      expect(found).toStrictEqual(first);
      expectPlainBytes(found!.deviceKey);
      // At 2 000 the first has expired: it no longer counts, and is not found.
      expect(await store().devices.findPending(account.id, first.id, 2_000)).toBeUndefined();
      expect(await store().devices.reserve(pending(account.id), 2, 2_000)).toBe('reserved');
      // Another account's reservation is not this one's.
      const other = await createAccount(store());
      expect(await store().devices.findPending(other.id, first.id, 1_000)).toBeUndefined();
      expect(await store().devices.purgePending(10_000)).toBe(2);
    });

    it('adds a reserved device with the first list, and refuses a list that is not the next one', async () => {
      const account = await createAccount(store());
      const reserved = pending(account.id);
      await store().devices.reserve(reserved, 5, 1_000);
      const device = {
        id: reserved.id,
        accountId: account.id,
        deviceKey: reserved.deviceKey,
        addedAt: 1_000,
      };
      const listBytes = bytes(90, 1);
      // A list "replacing" version 3 when there is none: conflict, nothing written.
      expect(
        await store().devices.publish({
          accountId: account.id,
          expectedVersion: 3,
          list: { version: 4, bytes: listBytes },
          change: { kind: 'add', device },
          now: 1_000,
        }),
      ).toStrictEqual({ kind: 'conflict' });
      expect(
        await store().devices.publish({
          accountId: account.id,
          expectedVersion: null,
          list: { version: 1, bytes: listBytes },
          change: { kind: 'add', device },
          now: 1_000,
        }),
      ).toStrictEqual({ kind: 'published', revokedSessionIds: [] });
      const list = await store().devices.findList(account.id);
      expect(list).toStrictEqual({
        accountId: account.id,
        version: 1,
        bytes: listBytes,
        updatedAt: 1_000,
      });
      expectPlainBytes(list!.bytes);
      expect(await store().devices.listDevices(account.id)).toStrictEqual([device]);
      expect(await store().devices.findDevice(device.id)).toStrictEqual(device);
      // The reservation was consumed; the same add again is a conflict (no list expected).
      expect(await store().devices.findPending(account.id, device.id, 1_000)).toBeUndefined();
      expect(
        await store().devices.publish({
          accountId: account.id,
          expectedVersion: null,
          list: { version: 2, bytes: listBytes },
          change: { kind: 'add', device },
          now: 1_000,
        }),
      ).toStrictEqual({ kind: 'conflict' });
    });

    it('writes nothing when the reservation is gone or expired, or the device to remove is not the account’s', async () => {
      const { accountId, deviceId } = await createDevice(store());
      const before = await store().devices.findList(accountId);
      const expired = pending(accountId, 1_500);
      await store().devices.reserve(expired, 5, 1_000);
      const device = { id: expired.id, accountId, deviceKey: expired.deviceKey, addedAt: 1 };
      expect(
        await store().devices.publish({
          accountId,
          expectedVersion: 1,
          list: { version: 2, bytes: bytes(80, 2) },
          change: { kind: 'add', device },
          now: 2_000,
        }),
      ).toStrictEqual({ kind: 'gone' });
      const stranger = await createDevice(store());
      expect(
        await store().devices.publish({
          accountId,
          expectedVersion: 1,
          list: { version: 2, bytes: bytes(80, 3) },
          change: { kind: 'remove', deviceId: stranger.deviceId },
          now: 2_000,
        }),
      ).toStrictEqual({ kind: 'gone' });
      expect(await store().devices.findList(accountId)).toStrictEqual(before);
      expect((await store().devices.listDevices(accountId)).map((d) => d.id)).toStrictEqual([
        deviceId,
      ]);
      expect(await store().devices.findDevice(stranger.deviceId)).toBeDefined();
    });

    it('removes a device with its prekeys, its undelivered envelopes and its sessions, in one write', async () => {
      const { accountId, deviceId } = await createDevice(store());
      const second = await createDevice(store(), accountId);
      await store().prekeys.setSignedPrekeys(deviceId, {
        signed: { id: 1, publicKey: bytes(32, 1), signature: bytes(64, 1) },
        kem: { id: 2, publicKey: bytes(1184, 2), signature: bytes(64, 2) },
        now: 1,
      });
      await store().prekeys.addOneTimePrekeys(
        deviceId,
        [{ id: 3, publicKey: bytes(32, 3), signature: new Uint8Array(0) }],
        10,
      );
      await store().prekeys.addOneTimeKemPrekeys(
        deviceId,
        [{ id: 4, publicKey: bytes(1184, 4), signature: bytes(64, 4) }],
        10,
      );
      const sender = await createDevice(store());
      const { conversation } = await store().conversations.openConversation({
        id: unique('conversation'),
        participants: [sender.accountId, accountId],
        ttlMs: 3_600_000,
        createdAt: 1,
      });
      // One envelope for each of the account's two devices.
      const put = await store().conversations.appendMessage(
        {
          conversationId: conversation.id,
          senderId: sender.accountId,
          senderDeviceId: sender.deviceId,
          clientId: unique('client'),
          sentAt: 1,
          envelopes: [
            { deviceId, body: uniqueBytes(20) },
            { deviceId: second.deviceId, body: uniqueBytes(20) },
          ],
        },
        { envelopes: 10, bytes: 1_000 },
      );
      expect(put.kind).toBe('created');
      const waiting = (device: string) =>
        store().conversations.fetchEnvelopes(conversation.id, device, {
          after: 0,
          sentAfter: 0,
          limit: 10,
        });
      const bound = newSession(accountId);
      const otherDevice = newSession(accountId);
      await store().sessions.create(bound);
      await store().sessions.create(otherDevice);
      expect(await store().sessions.bindDevice(bound.id, deviceId)).toBe(true);
      expect(await store().sessions.bindDevice(otherDevice.id, second.deviceId)).toBe(true);

      const removed = await store().devices.publish({
        accountId,
        expectedVersion: 2,
        list: { version: 3, bytes: bytes(80, 9) },
        change: { kind: 'remove', deviceId },
        now: 1_500,
      });

      expect(removed).toStrictEqual({ kind: 'published', revokedSessionIds: [bound.id] });
      expect(await store().devices.findDevice(deviceId)).toBeUndefined();
      expect(await store().prekeys.takeBundle(deviceId)).toBeUndefined();
      expect(await store().prekeys.countOneTimePrekeys(deviceId)).toBe(0);
      expect(await store().prekeys.countOneTimeKemPrekeys(deviceId)).toBe(0);
      expect(await waiting(deviceId)).toStrictEqual([]);
      expect((await waiting(second.deviceId)).map((envelope) => envelope.seq)).toStrictEqual([1]);
      expect(await store().sessions.filterLive([bound.id, otherDevice.id], 1_600)).toStrictEqual(
        new Set([otherDevice.id]),
      );
      // A session of the removed device cannot be bound to it again, nor to another device.
      expect(await store().sessions.bindDevice(bound.id, deviceId)).toBe(false);
      expect(await store().devices.findList(accountId)).toMatchObject({ version: 3 });
    });
  });
}
