// Contract for ChallengeStore: single-use, expiring login challenges.
import { describe, expect, it } from 'vitest';
import type { ChallengeRecord } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, expectPlainBytes, unique } from './fixtures.js';

function challenge(overrides: Partial<ChallengeRecord> = {}): ChallengeRecord {
  return {
    id: unique('challenge'),
    // Challenges exist for unknown handles too (decoys), so no account is created here.
    handle: unique('handle'),
    nonce: bytes(32, 5),
    expiresAt: 10_000,
    ...overrides,
  };
}

export function challengesContract(store: CurrentStore): void {
  describe('challenges', () => {
    it('hands a challenge out once; a second consume finds nothing', async () => {
      const record = challenge();
      await store().challenges.create(record);

      const consumed = await store().challenges.consume(record.id, 5_000);
      expect(consumed).toStrictEqual(record);
      if (consumed !== undefined) {
        expectPlainBytes(consumed.nonce);
      }
      expect(await store().challenges.consume(record.id, 5_000)).toBeUndefined();
    });

    it('gives a challenge to exactly one of many concurrent consumers', async () => {
      const record = challenge();
      await store().challenges.create(record);

      const results = await Promise.all(
        Array.from({ length: 10 }, () => store().challenges.consume(record.id, 5_000)),
      );

      expect(results.filter((result) => result !== undefined)).toStrictEqual([record]);
    });

    it('does not hand out an expired challenge, and does not spend it either', async () => {
      const record = challenge({ expiresAt: 10_000 });
      await store().challenges.create(record);

      expect(await store().challenges.consume(record.id, 10_000)).toBeUndefined();
      expect(await store().challenges.consume(record.id, 20_000)).toBeUndefined();
      // Still stored: the failed attempts changed nothing.
      expect(await store().challenges.consume(record.id, 9_999)).toStrictEqual(record);
    });

    it('finds nothing for an unknown id', async () => {
      expect(await store().challenges.consume('no-such-challenge', 0)).toBeUndefined();
    });

    it('purges expired challenges only and says how many', async () => {
      const expired = challenge({ expiresAt: 4_000 });
      const expiresNow = challenge({ expiresAt: 5_000 });
      const live = challenge({ expiresAt: 5_001 });
      for (const record of [expired, expiresNow, live]) {
        await store().challenges.create(record);
      }

      expect(await store().challenges.purge(5_000)).toBe(2);

      expect(await store().challenges.consume(expired.id, 0)).toBeUndefined();
      expect(await store().challenges.consume(expiresNow.id, 0)).toBeUndefined();
      expect(await store().challenges.consume(live.id, 5_000)).toStrictEqual(live);
      expect(await store().challenges.purge(5_000)).toBe(0);
    });
  });
}
