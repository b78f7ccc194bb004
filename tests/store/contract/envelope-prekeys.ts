// Contract for EnvelopePrekeyStore: one prekey per account, replaced only by a newer one (by its
// createdAt), the same one again changes nothing, and a batch read finds exactly the accounts that
// have one.
import { describe, expect, it } from 'vitest';
import type { EnvelopePrekeyRecord } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, expectPlainBytes } from './fixtures.js';

function prekey(
  accountId: string,
  overrides: Partial<EnvelopePrekeyRecord> = {},
): EnvelopePrekeyRecord {
  return {
    accountId,
    id: 7,
    publicKey: bytes(1216, 3),
    createdAt: 1_000,
    expiresAt: 100_000,
    signature: bytes(64, 4),
    ...overrides,
  };
}

export function envelopePrekeysContract(store: CurrentStore): void {
  describe('envelope prekeys', () => {
    it('has none at first', async () => {
      expect(await store().envelopePrekeys.findEnvelopePrekey('no-such-account')).toBeUndefined();
      expect(await store().envelopePrekeys.findEnvelopePrekeys(['no-such-account'])).toStrictEqual(
        [],
      );
      expect(await store().envelopePrekeys.findEnvelopePrekeys([])).toStrictEqual([]);
    });

    it('stores a prekey and returns it as plain bytes', async () => {
      const owner = await createAccount(store());
      const record = prekey(owner.id);
      expect(await store().envelopePrekeys.putEnvelopePrekey(record)).toBe('stored');
      const found = await store().envelopePrekeys.findEnvelopePrekey(owner.id);
      expect(found).toStrictEqual(record);
      if (found !== undefined) {
        expectPlainBytes(found.publicKey);
        expectPlainBytes(found.signature);
      }
    });

    it('replaces it only with a newer one; the same again is already-stored; older or equally old is stale', async () => {
      const owner = await createAccount(store());
      const first = prekey(owner.id);
      await store().envelopePrekeys.putEnvelopePrekey(first);
      expect(await store().envelopePrekeys.putEnvelopePrekey(first)).toBe('already-stored');
      const sameTime = prekey(owner.id, { id: 8, publicKey: bytes(1216, 5) });
      expect(await store().envelopePrekeys.putEnvelopePrekey(sameTime)).toBe('stale');
      const older = prekey(owner.id, { id: 9, createdAt: 999 });
      expect(await store().envelopePrekeys.putEnvelopePrekey(older)).toBe('stale');
      expect(await store().envelopePrekeys.findEnvelopePrekey(owner.id)).toStrictEqual(first);

      const newer = prekey(owner.id, { id: 10, createdAt: 2_000, publicKey: bytes(1216, 6) });
      expect(await store().envelopePrekeys.putEnvelopePrekey(newer)).toBe('stored');
      expect(await store().envelopePrekeys.findEnvelopePrekey(owner.id)).toStrictEqual(newer);
      // The replaced one cannot come back.
      expect(await store().envelopePrekeys.putEnvelopePrekey(first)).toBe('stale');
      expect(await store().envelopePrekeys.findEnvelopePrekey(owner.id)).toStrictEqual(newer);
    });

    it('finds the prekeys of the accounts asked for, and only those', async () => {
      const a = await createAccount(store());
      const b = await createAccount(store());
      const c = await createAccount(store());
      const none = await createAccount(store());
      for (const [owner, seed] of [
        [a, 1],
        [b, 2],
        [c, 3],
      ] as const) {
        await store().envelopePrekeys.putEnvelopePrekey(
          prekey(owner.id, { publicKey: bytes(1216, seed) }),
        );
      }
      const found = await store().envelopePrekeys.findEnvelopePrekeys([a.id, c.id, none.id]);
      expect(found.map((record) => record.accountId).sort()).toStrictEqual([a.id, c.id].sort());
      expect(found.find((record) => record.accountId === c.id)?.publicKey).toStrictEqual(
        bytes(1216, 3),
      );
    });
  });
}
