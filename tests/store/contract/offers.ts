// Contract for OfferStore: one offer per account, replaced whole (note included), read back as
// stored with plain bytes; pausing changes only `paused` and `updatedAt`, and needs an offer.
import { describe, expect, it } from 'vitest';
import type { OfferRecord } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, expectPlainBytes } from './fixtures.js';

export function offer(accountId: string, overrides: Partial<OfferRecord> = {}): OfferRecord {
  return {
    accountId,
    skills: [
      { code: 'safety.digital', level: 3 },
      { code: 'words.translation', level: 1 },
    ],
    languages: ['ru', 'en'],
    regions: ['ru.central', 'abroad.europe'],
    utcOffsetMinutes: 60,
    availability: bytes(21, 1),
    capacity: 3,
    paused: false,
    note: bytes(300, 2),
    updatedAt: 1_000,
    ...overrides,
  };
}

export function offersContract(store: CurrentStore): void {
  describe('offers', () => {
    it('has none at first, and pausing nothing changes nothing', async () => {
      const owner = await createAccount(store(), { role: 'volunteer' });
      expect(await store().offers.findOffer(owner.id)).toBeUndefined();
      expect(await store().offers.setOfferPaused(owner.id, true, 2_000)).toBeUndefined();
      expect(await store().offers.findOffer(owner.id)).toBeUndefined();
    });

    it('stores an offer and returns it as stored, bytes plain', async () => {
      const owner = await createAccount(store(), { role: 'volunteer' });
      const record = offer(owner.id);
      expect(await store().offers.putOffer(record)).toBe('created');
      const found = await store().offers.findOffer(owner.id);
      expect(found).toStrictEqual(record);
      expectPlainBytes(found!.availability);
      expectPlainBytes(found!.note!);
    });

    it('replaces an offer whole: a put without a note leaves none', async () => {
      const owner = await createAccount(store(), { role: 'volunteer' });
      await store().offers.putOffer(offer(owner.id));
      const next = offer(owner.id, {
        skills: [{ code: 'care.medical', level: 2 }],
        languages: ['uk'],
        regions: ['abroad.turkey'],
        utcOffsetMinutes: -300,
        availability: bytes(21, 9),
        capacity: 20,
        paused: true,
        note: null,
        updatedAt: 2_000,
      });
      expect(await store().offers.putOffer(next)).toBe('replaced');
      expect(await store().offers.findOffer(owner.id)).toStrictEqual(next);
    });

    it('pauses and resumes only the offer of that account', async () => {
      const a = await createAccount(store(), { role: 'volunteer' });
      const b = await createAccount(store(), { role: 'volunteer' });
      await store().offers.putOffer(offer(a.id));
      await store().offers.putOffer(offer(b.id));
      const paused = await store().offers.setOfferPaused(a.id, true, 3_000);
      expect(paused).toStrictEqual(offer(a.id, { paused: true, updatedAt: 3_000 }));
      expect(await store().offers.findOffer(a.id)).toStrictEqual(paused);
      expect(await store().offers.findOffer(b.id)).toStrictEqual(offer(b.id));
      expect(await store().offers.setOfferPaused(a.id, false, 4_000)).toStrictEqual(
        offer(a.id, { paused: false, updatedAt: 4_000 }),
      );
    });
  });
}
