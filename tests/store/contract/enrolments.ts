// Contract for EnrolmentStore and registration through an enrolment code (AccountStore.create).
import { describe, expect, it } from 'vitest';
import type { EnrolmentRecord } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import {
  bytes,
  createAccount,
  expectPlainBytes,
  newAccount,
  unique,
  storedAccount,
} from './fixtures.js';

function enrolment(overrides: Partial<EnrolmentRecord> = {}): EnrolmentRecord {
  return {
    handle: unique('moderator'),
    role: 'moderator',
    codeHash: bytes(32, 77),
    createdAt: 1_000,
    expiresAt: 10_000,
    ...overrides,
  };
}

export function enrolmentsContract(store: CurrentStore): void {
  describe('enrolments', () => {
    it('stores an enrolment and finds it while pending', async () => {
      const record = enrolment();
      expect(await store().enrolments.create(record)).toBe('created');

      const found = await store().enrolments.findByHandle(record.handle, 9_999);
      expect(found).toStrictEqual(record);
      if (found !== undefined) {
        expectPlainBytes(found.codeHash);
      }
    });

    it('lists the handles of pending enrolments only', async () => {
      const pending = enrolment({ expiresAt: 10_000 });
      const expired = enrolment({ expiresAt: 4_000 });
      await store().enrolments.create(pending);
      await store().enrolments.create(expired);

      const handles = await store().enrolments.pendingHandles(5_000);
      expect(handles).toContain(pending.handle);
      expect(handles).not.toContain(expired.handle);
    });

    it('no longer finds an enrolment from its expiry time on', async () => {
      const record = enrolment({ expiresAt: 10_000 });
      await store().enrolments.create(record);

      expect(await store().enrolments.findByHandle(record.handle, 10_000)).toBeUndefined();
      expect(await store().enrolments.findByHandle(record.handle, 20_000)).toBeUndefined();
      expect(await store().enrolments.findByHandle('unknown-handle', 0)).toBeUndefined();
    });

    it('refuses an enrolment for a handle an account already has, and stores nothing', async () => {
      const account = await createAccount(store());

      const result = await store().enrolments.create(enrolment({ handle: account.handle }));

      expect(result).toBe('handle-taken');
      expect(await store().enrolments.findByHandle(account.handle, 0)).toBeUndefined();
      expect(await store().accounts.findById(account.id)).toStrictEqual(account);
    });

    it('keeps a pending enrolment unless told to replace it, and never replaces silently', async () => {
      const first = enrolment({ codeHash: bytes(32, 1) });
      const second = enrolment({ handle: first.handle, codeHash: bytes(32, 2), createdAt: 2_000 });
      await store().enrolments.create(first);

      expect(await store().enrolments.create(second)).toBe('pending');
      expect(await store().enrolments.create(second, { replacePending: false })).toBe('pending');
      expect(await store().enrolments.findByHandle(first.handle, 5_000)).toStrictEqual(first);
    });

    it('replaces an expired enrolment as if it were not there', async () => {
      const first = enrolment({ codeHash: bytes(32, 1), expiresAt: 2_000 });
      const second = enrolment({ handle: first.handle, codeHash: bytes(32, 2), createdAt: 2_000 });
      await store().enrolments.create(first);

      expect(await store().enrolments.create(second)).toBe('created');
      expect(await store().enrolments.findByHandle(first.handle, 5_000)).toStrictEqual(second);
    });

    it('replaces a pending enrolment when told to, voiding the old code', async () => {
      const first = enrolment({ codeHash: bytes(32, 1), role: 'admin' });
      const second = enrolment({ handle: first.handle, codeHash: bytes(32, 2), createdAt: 2_000 });
      await store().enrolments.create(first);
      expect(await store().enrolments.create(second, { replacePending: true })).toBe('replaced');

      expect(await store().enrolments.findByHandle(first.handle, 5_000)).toStrictEqual(second);
      const withOld = newAccount({ handle: first.handle });
      expect(
        await store().accounts.create(withOld, { enrolmentCodeHash: first.codeHash, now: 5_000 }),
      ).toStrictEqual({ kind: 'enrolment-invalid' });
      const withNew = newAccount({ handle: first.handle });
      const result = await store().accounts.create(withNew, {
        enrolmentCodeHash: second.codeHash,
        now: 5_000,
      });
      expect(result.kind === 'created' ? result.account.role : result.kind).toBe('moderator');
    });

    describe('registration against an enrolment', () => {
      it('refuses self-registration of a reserved handle, and nothing changes', async () => {
        const record = enrolment();
        await store().enrolments.create(record);
        const account = newAccount({ handle: record.handle });

        const result = await store().accounts.create(account, { now: 5_000 });

        expect(result).toStrictEqual({ kind: 'handle-taken' });
        expect(await store().accounts.findByHandle(record.handle)).toBeUndefined();
        expect(await store().accounts.findById(account.id)).toBeUndefined();
        expect(await store().enrolments.findByHandle(record.handle, 5_000)).toStrictEqual(record);
      });

      it('refuses a wrong code hash, creates nothing and keeps the enrolment', async () => {
        const record = enrolment();
        await store().enrolments.create(record);
        const account = newAccount({ handle: record.handle });

        const result = await store().accounts.create(account, {
          enrolmentCodeHash: bytes(32, 78),
          now: 5_000,
        });

        expect(result).toStrictEqual({ kind: 'enrolment-invalid' });
        expect(await store().accounts.findByHandle(record.handle)).toBeUndefined();
        expect(await store().accounts.findById(account.id)).toBeUndefined();
        expect(await store().enrolments.findByHandle(record.handle, 5_000)).toStrictEqual(record);
      });

      it('refuses a code hash of a different length without error', async () => {
        const record = enrolment();
        await store().enrolments.create(record);

        const result = await store().accounts.create(newAccount({ handle: record.handle }), {
          enrolmentCodeHash: bytes(16, 77),
          now: 5_000,
        });

        expect(result).toStrictEqual({ kind: 'enrolment-invalid' });
        expect(await store().enrolments.findByHandle(record.handle, 5_000)).toStrictEqual(record);
      });

      it('refuses a code hash when the handle has no enrolment, and creates nothing', async () => {
        const account = newAccount();

        const result = await store().accounts.create(account, {
          enrolmentCodeHash: bytes(32, 77),
          now: 5_000,
        });

        expect(result).toStrictEqual({ kind: 'enrolment-invalid' });
        expect(await store().accounts.findById(account.id)).toBeUndefined();
        expect(await store().accounts.findByHandle(account.handle)).toBeUndefined();
      });

      it('refuses another handle’s code, and both sides stay as they were', async () => {
        const record = enrolment();
        await store().enrolments.create(record);
        const account = newAccount();

        const result = await store().accounts.create(account, {
          enrolmentCodeHash: record.codeHash,
          now: 5_000,
        });

        expect(result).toStrictEqual({ kind: 'enrolment-invalid' });
        expect(await store().accounts.findById(account.id)).toBeUndefined();
        expect(await store().enrolments.findByHandle(record.handle, 5_000)).toStrictEqual(record);
      });

      it('creates the account with the enrolment’s role and consumes the enrolment', async () => {
        const record = enrolment({ role: 'moderator' });
        await store().enrolments.create(record);
        const account = newAccount({ handle: record.handle, role: 'contact' });

        const result = await store().accounts.create(account, {
          enrolmentCodeHash: record.codeHash,
          now: 5_000,
        });

        const expected = { ...storedAccount(account), role: 'moderator', suspendedAt: null };
        expect(result).toStrictEqual({ kind: 'created', account: expected });
        expect(await store().accounts.findByHandle(record.handle)).toStrictEqual(expected);
        expect(await store().enrolments.findByHandle(record.handle, 5_000)).toBeUndefined();
      });

      it('does not accept the same code a second time', async () => {
        const record = enrolment();
        await store().enrolments.create(record);
        const first = newAccount({ handle: record.handle });
        await store().accounts.create(first, { enrolmentCodeHash: record.codeHash, now: 5_000 });

        const again = newAccount({ handle: record.handle });
        expect(
          await store().accounts.create(again, { enrolmentCodeHash: record.codeHash, now: 5_001 }),
        ).toStrictEqual({ kind: 'handle-taken' });
        const elsewhere = newAccount();
        expect(
          await store().accounts.create(elsewhere, {
            enrolmentCodeHash: record.codeHash,
            now: 5_001,
          }),
        ).toStrictEqual({ kind: 'enrolment-invalid' });

        expect(await store().accounts.findById(again.id)).toBeUndefined();
        expect(await store().accounts.findById(elsewhere.id)).toBeUndefined();
        expect((await store().accounts.findByHandle(record.handle))?.id).toBe(first.id);
      });

      it('lets exactly one of two concurrent redemptions of one code succeed', async () => {
        const record = enrolment();
        await store().enrolments.create(record);

        const results = await Promise.all(
          [0, 1].map(() =>
            store().accounts.create(newAccount({ handle: record.handle }), {
              enrolmentCodeHash: record.codeHash,
              now: 5_000,
            }),
          ),
        );

        expect(results.filter((result) => result.kind === 'created')).toHaveLength(1);
      });

      it('an expired enrolment no longer reserves the handle nor admits its code', async () => {
        const record = enrolment({ expiresAt: 10_000 });
        await store().enrolments.create(record);

        const withCode = newAccount({ handle: record.handle });
        expect(
          await store().accounts.create(withCode, {
            enrolmentCodeHash: record.codeHash,
            now: 10_000,
          }),
        ).toStrictEqual({ kind: 'enrolment-invalid' });
        expect(await store().accounts.findById(withCode.id)).toBeUndefined();

        const selfRegistered = newAccount({ handle: record.handle, role: 'volunteer' });
        const result = await store().accounts.create(selfRegistered, { now: 10_000 });
        expect(result).toStrictEqual({
          kind: 'created',
          account: { ...storedAccount(selfRegistered), role: 'volunteer', suspendedAt: null },
        });
      });
    });
  });
}
