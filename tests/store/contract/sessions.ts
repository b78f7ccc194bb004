// Contract for SessionStore: token-hash lookup, revocation one by one and per account, liveness, purge.
import { describe, expect, it } from 'vitest';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, createDevice, expectPlainBytes, newSession } from './fixtures.js';

export function sessionsContract(store: CurrentStore): void {
  describe('sessions', () => {
    it('stores a session and finds it by token hash', async () => {
      const account = await createAccount(store());
      const record = newSession(account.id);
      await store().sessions.create(record);

      const found = await store().sessions.findByTokenHash(record.tokenHash);
      expect(found).toStrictEqual(record);
      if (found !== undefined) {
        expectPlainBytes(found.tokenHash);
      }
      expect(await store().sessions.findByTokenHash(bytes(32, 9_999))).toBeUndefined();
    });

    it('finds expired and revoked sessions too; callers judge their state', async () => {
      const account = await createAccount(store());
      const expired = newSession(account.id, { expiresAt: 2_000 });
      const revoked = newSession(account.id, { revokedAt: 1_500 });
      await store().sessions.create(expired);
      await store().sessions.create(revoked);

      expect(await store().sessions.findByTokenHash(expired.tokenHash)).toStrictEqual(expired);
      expect(await store().sessions.findByTokenHash(revoked.tokenHash)).toStrictEqual(revoked);
    });

    it('revokes a session once; a second revocation answers false and keeps the first time', async () => {
      const account = await createAccount(store());
      const record = newSession(account.id);
      await store().sessions.create(record);

      expect(await store().sessions.revoke(record.id, 3_000)).toBe(true);
      expect(await store().sessions.findByTokenHash(record.tokenHash)).toStrictEqual({
        ...record,
        revokedAt: 3_000,
      });

      expect(await store().sessions.revoke(record.id, 4_000)).toBe(false);
      expect((await store().sessions.findByTokenHash(record.tokenHash))?.revokedAt).toBe(3_000);
    });

    it('answers false when revoking an unknown session', async () => {
      expect(await store().sessions.revoke('no-such-session', 3_000)).toBe(false);
    });

    it('revokes only the live sessions of one account and returns their ids', async () => {
      const account = await createAccount(store());
      const other = await createAccount(store());
      const liveA = newSession(account.id);
      const liveB = newSession(account.id);
      const expired = newSession(account.id, { expiresAt: 2_000 });
      const revoked = newSession(account.id, { revokedAt: 1_500 });
      const othersLive = newSession(other.id);
      for (const record of [liveA, liveB, expired, revoked, othersLive]) {
        await store().sessions.create(record);
      }

      const ids = await store().sessions.revokeAllForAccount(account.id, 3_000);

      expect([...ids].sort()).toStrictEqual([liveA.id, liveB.id].sort());
      expect((await store().sessions.findByTokenHash(liveA.tokenHash))?.revokedAt).toBe(3_000);
      expect((await store().sessions.findByTokenHash(liveB.tokenHash))?.revokedAt).toBe(3_000);
      expect(await store().sessions.findByTokenHash(expired.tokenHash)).toStrictEqual(expired);
      expect(await store().sessions.findByTokenHash(revoked.tokenHash)).toStrictEqual(revoked);
      expect(await store().sessions.findByTokenHash(othersLive.tokenHash)).toStrictEqual(
        othersLive,
      );

      expect(await store().sessions.revokeAllForAccount(account.id, 4_000)).toStrictEqual([]);
      expect(await store().sessions.revokeAllForAccount('no-such-account', 4_000)).toStrictEqual(
        [],
      );
    });

    it('filters ids down to the live ones', async () => {
      const account = await createAccount(store());
      const live = newSession(account.id, { expiresAt: 10_000 });
      const expiresNow = newSession(account.id, { expiresAt: 5_000 });
      const expired = newSession(account.id, { expiresAt: 2_000 });
      const revoked = newSession(account.id, { revokedAt: 1_500 });
      for (const record of [live, expiresNow, expired, revoked]) {
        await store().sessions.create(record);
      }

      const result = await store().sessions.filterLive(
        [live.id, expiresNow.id, expired.id, revoked.id, 'no-such-session'],
        5_000,
      );

      expect(result).toStrictEqual(new Set([live.id]));
      expect(await store().sessions.filterLive([], 5_000)).toStrictEqual(new Set());
    });

    it('counts the sessions of a suspended account as dead, revoked or not', async () => {
      const account = await createAccount(store());
      const other = await createAccount(store());
      const mine = newSession(account.id);
      const theirs = newSession(other.id);
      await store().sessions.create(mine);
      await store().sessions.create(theirs);
      expect(await store().accounts.setSuspended(account.id, 3_000)).toBe(true);

      expect(await store().sessions.filterLive([mine.id, theirs.id], 5_000)).toStrictEqual(
        new Set([theirs.id]),
      );
      expect(await store().accounts.setSuspended(account.id, null)).toBe(true);
      expect(await store().sessions.filterLive([mine.id, theirs.id], 5_000)).toStrictEqual(
        new Set([mine.id, theirs.id]),
      );
    });

    it('filters a long list of ids', async () => {
      const account = await createAccount(store());
      const records = Array.from({ length: 1_200 }, (_, index) =>
        newSession(account.id, { revokedAt: index % 2 === 0 ? null : 1_500 }),
      );
      for (const record of records) {
        await store().sessions.create(record);
      }

      const result = await store().sessions.filterLive(
        records.map((record) => record.id),
        5_000,
      );

      expect(result.size).toBe(600);
      expect(result.has(records[0]?.id ?? '')).toBe(true);
      expect(result.has(records[1]?.id ?? '')).toBe(false);
    });

    it('purges sessions that expired or were revoked before the cut-off, and only those', async () => {
      const account = await createAccount(store());
      const expiredBefore = newSession(account.id, { expiresAt: 4_999 });
      const revokedBefore = newSession(account.id, { revokedAt: 4_000 });
      const expiresAtCutOff = newSession(account.id, { expiresAt: 5_000 });
      const revokedAfter = newSession(account.id, { revokedAt: 6_000 });
      const live = newSession(account.id, { expiresAt: 10_000 });
      for (const record of [expiredBefore, revokedBefore, expiresAtCutOff, revokedAfter, live]) {
        await store().sessions.create(record);
      }

      expect(await store().sessions.purge(5_000)).toBe(2);

      expect(await store().sessions.findByTokenHash(expiredBefore.tokenHash)).toBeUndefined();
      expect(await store().sessions.findByTokenHash(revokedBefore.tokenHash)).toBeUndefined();
      for (const kept of [expiresAtCutOff, revokedAfter, live]) {
        expect(await store().sessions.findByTokenHash(kept.tokenHash)).toStrictEqual(kept);
      }
      expect(await store().sessions.purge(5_000)).toBe(0);
    });

    it('binds a session to one device of its account, once', async () => {
      const { accountId, deviceId } = await createDevice(store());
      const second = await createDevice(store(), accountId);
      const stranger = await createDevice(store());
      const session = newSession(accountId);
      await store().sessions.create(session);
      expect(await store().sessions.bindDevice(session.id, stranger.deviceId)).toBe(false);
      expect(await store().sessions.bindDevice(session.id, 'no-such-device')).toBe(false);
      expect(await store().sessions.bindDevice(session.id, deviceId)).toBe(true);
      expect(await store().sessions.bindDevice(session.id, deviceId)).toBe(true);
      expect(await store().sessions.bindDevice(session.id, second.deviceId)).toBe(false);
      expect(await store().sessions.findByTokenHash(session.tokenHash)).toMatchObject({ deviceId });
      expect(await store().sessions.bindDevice('no-such-session', deviceId)).toBe(false);
    });
  });
}
