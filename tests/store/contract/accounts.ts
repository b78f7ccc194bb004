// Contract for AccountStore without enrolments: create, find by handle and id, suspension.
import { describe, expect, it } from 'vitest';
import type { CurrentStore } from './fixtures.js';
import {
  bytes,
  createAccount,
  expectPlainBytes,
  newAccount,
  newSession,
  storedAccount,
  unique,
} from './fixtures.js';

export function accountsContract(store: CurrentStore): void {
  describe('accounts', () => {
    it('creates an account with the requested role and finds it by handle and by id', async () => {
      const account = newAccount({ role: 'volunteer' });
      const result = await store().accounts.create(account, { now: 1_000 });

      const expected = { ...storedAccount(account), role: 'volunteer', suspendedAt: null };
      expect(result).toStrictEqual({ kind: 'created', account: expected });
      expect(await store().accounts.findByHandle(account.handle)).toStrictEqual(expected);
      expect(await store().accounts.findById(account.id)).toStrictEqual(expected);
    });

    it('returns keys and salt as plain Uint8Array with the stored contents', async () => {
      const account = newAccount();
      await store().accounts.create(account, { now: 1_000 });
      const found = await store().accounts.findById(account.id);

      expect(found).toBeDefined();
      for (const value of [
        found?.signingKey,
        found?.exchangeKey,
        found?.exchangeSignature,
        found?.salt,
      ]) {
        expect(value).toBeInstanceOf(Uint8Array);
        if (value !== undefined) {
          expectPlainBytes(value);
        }
      }
      expect(found?.signingKey).toStrictEqual(account.signingKey);
      expect(found?.salt).toStrictEqual(account.salt);
    });

    it('keeps its own copy: changing the caller’s buffers afterwards changes nothing stored', async () => {
      const account = newAccount({ signingKey: bytes(32, 200) });
      await store().accounts.create(account, { now: 1_000 });
      account.signingKey.fill(0);

      const found = await store().accounts.findById(account.id);
      expect(found?.signingKey).toStrictEqual(bytes(32, 200));
    });

    it('stores the login key and the key backup, and replaces only the backup', async () => {
      const account = newAccount();
      await store().accounts.create(account, { now: 1_000 });
      const replacement = bytes(200, 77);
      expect(await store().accounts.setKeyBackup(account.id, replacement, account.keyBackup)).toBe(
        true,
      );
      const backup = await store().accounts.findKeyBackup(account.id);
      expect(backup).toEqual(replacement);
      expectPlainBytes(backup!);
      const found = await store().accounts.findById(account.id);
      expect(found?.authKey).toEqual(account.authKey);
      expect(found?.signingKey).toEqual(account.signingKey);
      expect(await store().accounts.setKeyBackup('no-such-account', replacement, replacement)).toBe(
        false,
      );
      expect(await store().accounts.findKeyBackup('no-such-account')).toBeUndefined();
    });

    it('replaces the key backup only while the stored one is the expected one', async () => {
      const account = newAccount();
      await store().accounts.create(account, { now: 1_000 });
      const first = bytes(200, 1);
      const second = bytes(200, 2);
      expect(await store().accounts.setKeyBackup(account.id, first, account.keyBackup)).toBe(true);
      // A second writer that read the original backup loses: the first write stands.
      expect(await store().accounts.setKeyBackup(account.id, second, account.keyBackup)).toBe(
        false,
      );
      expect(await store().accounts.findKeyBackup(account.id)).toEqual(first);
    });

    it('rekeys salt, login key and backup at once, ending every live session but the kept one', async () => {
      const account = newAccount();
      const other = await createAccount(store());
      await store().accounts.create(account, { now: 1_000 });
      const kept = newSession(account.id);
      const ended = newSession(account.id);
      const expired = newSession(account.id, { expiresAt: 2_000 });
      const othersLive = newSession(other.id);
      for (const record of [kept, ended, expired, othersLive])
        await store().sessions.create(record);
      const replacement = { salt: bytes(16, 5), authKey: bytes(32, 6), keyBackup: bytes(300, 7) };
      const expected = { authKey: account.authKey, keyBackup: account.keyBackup };

      expect(
        await store().accounts.rekey(account.id, replacement, expected, {
          keepSessionId: kept.id,
          now: 3_000,
        }),
      ).toStrictEqual({ revokedSessionIds: [ended.id] });
      const found = await store().accounts.findById(account.id);
      expect(found?.salt).toEqual(replacement.salt);
      expect(found?.authKey).toEqual(replacement.authKey);
      expectPlainBytes(found!.authKey);
      expect(await store().accounts.findKeyBackup(account.id)).toEqual(replacement.keyBackup);
      expect(await store().sessions.findByTokenHash(kept.tokenHash)).toStrictEqual(kept);
      expect((await store().sessions.findByTokenHash(ended.tokenHash))?.revokedAt).toBe(3_000);
      expect(await store().sessions.findByTokenHash(expired.tokenHash)).toStrictEqual(expired);
      expect(await store().sessions.findByTokenHash(othersLive.tokenHash)).toStrictEqual(
        othersLive,
      );
    });

    it('rekeys only while login key and backup are the expected ones, else writes nothing', async () => {
      const account = newAccount();
      await store().accounts.create(account, { now: 1_000 });
      const live = newSession(account.id);
      await store().sessions.create(live);
      const replacement = { salt: bytes(16, 8), authKey: bytes(32, 9), keyBackup: bytes(300, 10) };
      const options = { keepSessionId: 'another-session', now: 3_000 };
      for (const expected of [
        { authKey: bytes(32, 11), keyBackup: account.keyBackup },
        { authKey: account.authKey, keyBackup: bytes(300, 12) },
      ]) {
        expect(
          await store().accounts.rekey(account.id, replacement, expected, options),
        ).toBeUndefined();
      }
      expect(
        await store().accounts.rekey(
          'no-such-account',
          replacement,
          { authKey: account.authKey, keyBackup: account.keyBackup },
          options,
        ),
      ).toBeUndefined();
      expect(await store().accounts.findById(account.id)).toStrictEqual({
        ...storedAccount(account),
        suspendedAt: null,
      });
      expect(await store().accounts.findKeyBackup(account.id)).toEqual(account.keyBackup);
      expect(await store().sessions.findByTokenHash(live.tokenHash)).toStrictEqual(live);
    });

    it('finds nothing for an unknown handle or id', async () => {
      expect(await store().accounts.findByHandle('nobody')).toBeUndefined();
      expect(await store().accounts.findById('no-such-id')).toBeUndefined();
    });

    it('refuses a second account with the same handle, and nothing changes', async () => {
      const first = newAccount();
      await store().accounts.create(first, { now: 1_000 });
      const second = newAccount({ handle: first.handle, role: 'volunteer' });

      const result = await store().accounts.create(second, { now: 2_000 });

      expect(result).toStrictEqual({ kind: 'handle-taken' });
      expect(await store().accounts.findById(second.id)).toBeUndefined();
      expect(await store().accounts.findByHandle(first.handle)).toStrictEqual({
        ...storedAccount(first),
        suspendedAt: null,
      });
    });

    it('lets only one of two concurrent registrations of a handle win', async () => {
      const handle = newAccount().handle;
      const results = await Promise.all(
        [0, 1, 2, 3].map(() => store().accounts.create(newAccount({ handle }), { now: 1_000 })),
      );

      const kinds = results.map((result) => result.kind).sort();
      expect(kinds).toStrictEqual(['created', 'handle-taken', 'handle-taken', 'handle-taken']);
      const winner = results.find((result) => result.kind === 'created');
      const stored = await store().accounts.findByHandle(handle);
      expect(winner?.kind === 'created' ? winner.account.id : undefined).toBe(stored?.id);
    });

    it('finds an account for login, or gives back the decoy for an unknown handle', async () => {
      const account = newAccount({ role: 'volunteer' });
      await store().accounts.create(account, { now: 1_000 });
      const decoy = { ...storedAccount(newAccount()), role: 'contact' as const, suspendedAt: null };

      const known = await store().accounts.findForLogin(account.handle, decoy);
      expect(known).toStrictEqual({
        found: true,
        account: { ...storedAccount(account), role: 'volunteer', suspendedAt: null },
      });
      const unknown = await store().accounts.findForLogin('no-such-handle', decoy);
      // The decoy comes back under the handle asked for, as plain bytes like a stored account.
      expect(unknown).toStrictEqual({
        found: false,
        account: { ...decoy, handle: 'no-such-handle' },
      });
      expectPlainBytes(unknown.account.authKey);

      expect(await store().accounts.setSuspended(account.id, 5_000)).toBe(true);
      expect((await store().accounts.findForLogin(account.handle, decoy)).account.suspendedAt).toBe(
        5_000,
      );
    });

    it('lists the handles of staff accounts only', async () => {
      const contact = await createAccount(store());
      expect(await store().accounts.staffHandles()).not.toContain(contact.handle);
      const staffCode = bytes(32, 4_242);
      const staffHandle = unique('staff');
      await store().enrolments.create({
        handle: staffHandle,
        role: 'moderator',
        codeHash: staffCode,
        createdAt: 1_000,
        expiresAt: 10_000,
      });
      await store().accounts.create(newAccount({ handle: staffHandle }), {
        enrolmentCodeHash: staffCode,
        now: 2_000,
      });
      const handles = await store().accounts.staffHandles();
      expect(handles).toContain(staffHandle);
      expect(handles).not.toContain(contact.handle);
    });

    it('suspends and unsuspends an account', async () => {
      const account = newAccount();
      await store().accounts.create(account, { now: 1_000 });

      expect(await store().accounts.setSuspended(account.id, 5_000)).toBe(true);
      expect((await store().accounts.findById(account.id))?.suspendedAt).toBe(5_000);

      expect(await store().accounts.setSuspended(account.id, null)).toBe(true);
      expect(await store().accounts.findById(account.id)).toStrictEqual({
        ...storedAccount(account),
        suspendedAt: null,
      });
    });

    it('names, among given ids, only the accounts that exist and are not suspended', async () => {
      const active = await createAccount(store());
      const suspended = await createAccount(store());
      await store().accounts.setSuspended(suspended.id, 5_000);

      expect(
        await store().accounts.activeAmong([active.id, suspended.id, 'no-such-id', active.id]),
      ).toStrictEqual(new Set([active.id]));
      expect(await store().accounts.activeAmong([])).toStrictEqual(new Set());
    });

    it('answers false when suspending an unknown account, and creates nothing', async () => {
      expect(await store().accounts.setSuspended('no-such-id', 5_000)).toBe(false);
      expect(await store().accounts.findById('no-such-id')).toBeUndefined();
    });

    it('suspends and revokes every live session in one write, keeping the first suspension time', async () => {
      const account = await createAccount(store());
      const other = await createAccount(store());
      const live = newSession(account.id);
      const expired = newSession(account.id, { expiresAt: 2_000 });
      const revoked = newSession(account.id, { revokedAt: 1_500 });
      const othersLive = newSession(other.id);
      for (const record of [live, expired, revoked, othersLive]) {
        await store().sessions.create(record);
      }

      expect(await store().accounts.suspend(account.id, 3_000)).toStrictEqual({
        revokedSessionIds: [live.id],
      });
      expect((await store().accounts.findById(account.id))?.suspendedAt).toBe(3_000);
      expect((await store().sessions.findByTokenHash(live.tokenHash))?.revokedAt).toBe(3_000);
      expect(await store().sessions.findByTokenHash(expired.tokenHash)).toStrictEqual(expired);
      expect(await store().sessions.findByTokenHash(revoked.tokenHash)).toStrictEqual(revoked);
      expect(await store().sessions.findByTokenHash(othersLive.tokenHash)).toStrictEqual(
        othersLive,
      );

      expect(await store().accounts.suspend(account.id, 4_000)).toStrictEqual({
        revokedSessionIds: [],
      });
      expect((await store().accounts.findById(account.id))?.suspendedAt).toBe(3_000);
      expect(await store().accounts.suspend('no-such-id', 4_000)).toBeUndefined();
    });
  });
}
