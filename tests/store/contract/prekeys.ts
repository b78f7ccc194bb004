// Contract for PrekeyStore: signed prekey rotation, all-or-none one-time uploads, single-use takes.
import { describe, expect, it } from 'vitest';
import type { StoredPrekey } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, expectPlainBytes } from './fixtures.js';

function signedPrekey(id: number): StoredPrekey {
  return { id, publicKey: bytes(32, id), signature: bytes(64, id + 1) };
}

function kemPrekey(id: number): StoredPrekey {
  return { id, publicKey: bytes(1184, id), signature: bytes(64, id + 2) };
}

function oneTime(id: number): StoredPrekey {
  return { id, publicKey: bytes(32, id + 500), signature: new Uint8Array(0) };
}

function oneTimeRange(from: number, count: number): StoredPrekey[] {
  return Array.from({ length: count }, (_, index) => oneTime(from + index));
}

export function prekeysContract(store: CurrentStore): void {
  describe('prekeys', () => {
    async function accountWithSignedPrekeys(): Promise<string> {
      const account = await createAccount(store());
      await store().prekeys.setSignedPrekeys(account.id, {
        signed: signedPrekey(1),
        kem: kemPrekey(2),
        now: 1_000,
      });
      return account.id;
    }

    it('findSignedPrekeys reads the current signed prekeys without consuming anything', async () => {
      const account = await createAccount(store());
      expect(await store().prekeys.findSignedPrekeys(account.id)).toBeUndefined();
      await store().prekeys.setSignedPrekeys(account.id, {
        signed: signedPrekey(7),
        kem: kemPrekey(8),
        now: 1,
      });
      await store().prekeys.addOneTimePrekeys(account.id, oneTimeRange(1, 2), 10);
      const found = await store().prekeys.findSignedPrekeys(account.id);
      expect(found?.signed.id).toBe(7);
      expect(found?.kem.publicKey).toEqual(kemPrekey(8).publicKey);
      expectPlainBytes(found!.signed.publicKey);
      expect(await store().prekeys.countOneTimePrekeys(account.id)).toBe(2);
    });

    it('has no bundle before signed prekeys are uploaded, and spends no one-time prekey', async () => {
      const account = await createAccount(store());
      expect(await store().prekeys.addOneTimePrekeys(account.id, oneTimeRange(1, 2), 10)).toBe(
        'added',
      );

      expect(await store().prekeys.takeBundle(account.id)).toBeUndefined();
      expect(await store().prekeys.takeBundle('no-such-account')).toBeUndefined();
      expect(await store().prekeys.countOneTimePrekeys(account.id)).toBe(2);
    });

    it('serves the signed prekeys in a bundle without a one-time prekey when none is left', async () => {
      const accountId = await accountWithSignedPrekeys();

      const bundle = await store().prekeys.takeBundle(accountId);

      expect(bundle).toStrictEqual({
        signedPrekey: signedPrekey(1),
        kemPrekey: kemPrekey(2),
        oneTimeRemaining: 0,
      });
      if (bundle !== undefined) {
        expectPlainBytes(bundle.signedPrekey.publicKey);
        expectPlainBytes(bundle.kemPrekey.signature);
      }
    });

    it('with oneTime: false serves the signed prekeys only and consumes nothing', async () => {
      const accountId = await accountWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(accountId, oneTimeRange(1, 2), 10);

      expect(await store().prekeys.takeBundle(accountId, { oneTime: false })).toStrictEqual({
        signedPrekey: signedPrekey(1),
        kemPrekey: kemPrekey(2),
        oneTimeRemaining: 2,
      });
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(2);
      expect(
        (await store().prekeys.takeBundle(accountId, { oneTime: true }))?.oneTimePrekey,
      ).toStrictEqual(oneTime(1));
    });

    it('replaces the signed prekeys on rotation', async () => {
      const accountId = await accountWithSignedPrekeys();
      await store().prekeys.setSignedPrekeys(accountId, {
        signed: signedPrekey(11),
        kem: kemPrekey(12),
        now: 2_000,
      });

      const bundle = await store().prekeys.takeBundle(accountId);
      expect(bundle?.signedPrekey).toStrictEqual(signedPrekey(11));
      expect(bundle?.kemPrekey).toStrictEqual(kemPrekey(12));
    });

    it('takes one-time prekeys lowest id first, each once, counting down', async () => {
      const accountId = await accountWithSignedPrekeys();
      expect(
        await store().prekeys.addOneTimePrekeys(
          accountId,
          [oneTime(5), oneTime(2), oneTime(9)],
          10,
        ),
      ).toBe('added');
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(3);

      const taken = [];
      for (let call = 0; call < 4; call += 1) {
        taken.push(await store().prekeys.takeBundle(accountId));
      }

      expect(taken.map((bundle) => bundle?.oneTimePrekey)).toStrictEqual([
        oneTime(2),
        oneTime(5),
        oneTime(9),
        undefined,
      ]);
      expect(taken.map((bundle) => bundle?.oneTimeRemaining)).toStrictEqual([2, 1, 0, 0]);
      const first = taken[0]?.oneTimePrekey;
      if (first !== undefined) {
        expectPlainBytes(first.publicKey);
        expectPlainBytes(first.signature);
      }
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(0);
    });

    it('keeps accounts’ one-time prekeys apart, even with equal ids', async () => {
      const a = await accountWithSignedPrekeys();
      const b = await accountWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(a, [oneTime(1)], 10);
      expect(await store().prekeys.addOneTimePrekeys(b, [oneTime(1), oneTime(2)], 10)).toBe(
        'added',
      );

      expect((await store().prekeys.takeBundle(a))?.oneTimePrekey).toStrictEqual(oneTime(1));
      expect(await store().prekeys.countOneTimePrekeys(a)).toBe(0);
      expect(await store().prekeys.countOneTimePrekeys(b)).toBe(2);
      expect(await store().prekeys.countOneTimePrekeys('no-such-account')).toBe(0);
    });

    it('adds nothing when any id is already stored', async () => {
      const accountId = await accountWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(accountId, oneTimeRange(1, 2), 10);

      expect(await store().prekeys.addOneTimePrekeys(accountId, [oneTime(3), oneTime(2)], 10)).toBe(
        'duplicate',
      );

      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(2);
      // Id 3 was not half-added: it can still be uploaded on its own.
      expect(await store().prekeys.addOneTimePrekeys(accountId, [oneTime(3)], 10)).toBe('added');
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(3);
    });

    it('adds nothing when the upload repeats an id within itself', async () => {
      const accountId = await accountWithSignedPrekeys();

      expect(await store().prekeys.addOneTimePrekeys(accountId, [oneTime(4), oneTime(4)], 10)).toBe(
        'duplicate',
      );

      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(0);
      expect((await store().prekeys.takeBundle(accountId))?.oneTimePrekey).toBeUndefined();
    });

    it('adds nothing when the account would hold more than the maximum', async () => {
      const accountId = await accountWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(accountId, oneTimeRange(1, 2), 3);

      expect(await store().prekeys.addOneTimePrekeys(accountId, oneTimeRange(3, 2), 3)).toBe(
        'too-many',
      );
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(2);
      expect((await store().prekeys.takeBundle(accountId))?.oneTimePrekey).toStrictEqual(
        oneTime(1),
      );

      // Up to the maximum exactly is allowed.
      expect(await store().prekeys.addOneTimePrekeys(accountId, oneTimeRange(3, 2), 3)).toBe(
        'added',
      );
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(3);
    });

    it('accepts an empty upload and changes nothing', async () => {
      const accountId = await accountWithSignedPrekeys();
      await store().prekeys.addOneTimePrekeys(accountId, oneTimeRange(1, 2), 10);

      expect(await store().prekeys.addOneTimePrekeys(accountId, [], 10)).toBe('added');
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(2);
    });

    it('never gives one one-time prekey to two concurrent callers', async () => {
      const accountId = await accountWithSignedPrekeys();
      const uploaded = oneTimeRange(100, 50);
      expect(await store().prekeys.addOneTimePrekeys(accountId, uploaded, 100)).toBe('added');

      const bundles = await Promise.all(
        Array.from({ length: 50 }, () => store().prekeys.takeBundle(accountId)),
      );

      const ids = bundles.map((bundle) => bundle?.oneTimePrekey?.id);
      expect(new Set(ids).size).toBe(50);
      expect([...ids].sort((a, b) => (a ?? 0) - (b ?? 0))).toStrictEqual(
        uploaded.map((prekey) => prekey.id),
      );
      expect(new Set(bundles.map((bundle) => bundle?.oneTimeRemaining)).size).toBe(50);
      expect(await store().prekeys.countOneTimePrekeys(accountId)).toBe(0);

      const fiftyFirst = await store().prekeys.takeBundle(accountId);
      expect(fiftyFirst).toStrictEqual({
        signedPrekey: signedPrekey(1),
        kemPrekey: kemPrekey(2),
        oneTimeRemaining: 0,
      });
    });
  });
}
