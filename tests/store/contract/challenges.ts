// Contract for ChallengeStore: the random ids of redeemed (spent) challenges, each spendable once,
// forgotten after expiry. No handle is ever given to the store.
import { describe, expect, it } from 'vitest';
import type { CurrentStore } from './fixtures.js';
import { unique } from './fixtures.js';

export function challengesContract(store: CurrentStore): void {
  describe('challenges', () => {
    it('spends a challenge id once; a second spend answers false', async () => {
      const id = unique('challenge');
      expect(await store().challenges.spend(id, 10_000)).toBe(true);
      expect(await store().challenges.spend(id, 10_000)).toBe(false);
      expect(await store().challenges.spend(id, 20_000)).toBe(false);
      expect(await store().challenges.spend(unique('challenge'), 10_000)).toBe(true);
    });

    it('lets exactly one of many concurrent spenders win', async () => {
      const id = unique('challenge');
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store().challenges.spend(id, 10_000)),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('purges spent ids whose challenge expired, only those, and says how many', async () => {
      const expired = unique('challenge');
      const expiresNow = unique('challenge');
      const live = unique('challenge');
      await store().challenges.spend(expired, 4_000);
      await store().challenges.spend(expiresNow, 5_000);
      await store().challenges.spend(live, 5_001);

      expect(await store().challenges.purge(5_000)).toBe(2);
      expect(await store().challenges.purge(5_000)).toBe(0);
      // The live one is still remembered as spent; the purged ones are forgotten (a challenge
      // that expired can no longer be presented, so forgetting it reopens nothing).
      expect(await store().challenges.spend(live, 5_001)).toBe(false);
      expect(await store().challenges.spend(expired, 4_000)).toBe(true);
    });
  });
}
