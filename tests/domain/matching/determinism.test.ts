// The same input always gives the same proposals, whatever order the caller lists requests,
// offers and history in; and equally good volunteers are chosen fairly: across requests and
// across tie-break seeds the choice spreads over all of them instead of always the same few.
import { describe, expect, it } from 'vitest';
import type { SkillCode } from '@kolokol/shared';
import {
  ALL_SKILLS_WEIGHTED,
  generateMatchingData,
  seededRandom,
} from '../../../bench/matching-data.js';
import {
  assignBatch,
  rankOffers,
  type MatchOffer,
  type MatchRequest,
} from '../../../server/src/domain/matching/index.js';
import { NOW, offer, request } from './support/reference.js';

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

function hexIds(random: () => number, count: number, prefix: string): string[] {
  return Array.from(
    { length: count },
    () =>
      `${prefix}${Math.floor(random() * 2 ** 32)
        .toString(16)
        .padStart(8, '0')}`,
  );
}

describe('determinism', () => {
  const data = generateMatchingData({ seed: 7, requests: 400, offers: 3000 });
  const random = seededRandom(99);
  const mixed = {
    requests: shuffled(data.requests, random),
    offers: shuffled(data.offers, random),
    history: {
      barred: shuffled(data.history.barred, random),
      proposed: shuffled(data.history.proposed, random),
    },
  };

  it('gives the same batch for the same input, and for the input in another order', () => {
    // Few candidates at first, so that widening rounds and the grown flow are exercised too.
    const options = { candidatesPerRequest: 2 };
    const first = assignBatch(data.requests, data.offers, data.history, data.now, options);
    const again = assignBatch(data.requests, data.offers, data.history, data.now, options);
    const reordered = assignBatch(mixed.requests, mixed.offers, mixed.history, data.now, options);
    expect(first.stats.rounds).toBeGreaterThan(1);
    expect(first.proposals.length).toBeGreaterThan(100);
    expect(again).toEqual(first);
    expect(reordered).toEqual(first);
  });

  it('gives the same ranking for the offers in another order', () => {
    for (const r of data.requests.slice(0, 20)) {
      expect(rankOffers(r, mixed.offers, mixed.history, data.now)).toEqual(
        rankOffers(r, data.offers, data.history, data.now),
      );
    }
  });
});

describe('fair tie-break', () => {
  const VOLUNTEERS = 40;
  const PER_ROUND = 10;
  const ROUNDS = 20;

  /** Volunteers alike in everything but their ids. */
  function alike(random: () => number): MatchOffer[] {
    return hexIds(random, VOLUNTEERS, 'v').map((volunteerId) =>
      offer({ volunteerId, capacity: 1 }),
    );
  }

  /** Requests alike in everything but their ids. */
  function requestsAlike(random: () => number): MatchRequest[] {
    return hexIds(random, PER_ROUND, 'r').map((id) => request({ id, contactId: `c${id}` }));
  }

  function spread(chosen: readonly string[]): { distinct: number; most: number } {
    const counts = new Map<string, number>();
    for (const id of chosen) counts.set(id, (counts.get(id) ?? 0) + 1);
    return { distinct: counts.size, most: Math.max(...counts.values()) };
  }

  const history = { barred: [], proposed: [] };
  const expectedEach = (PER_ROUND * ROUNDS) / VOLUNTEERS;

  it('spreads the choice over equal volunteers as new requests come, run after run', () => {
    const random = seededRandom(0xfa1);
    const offers = alike(random);
    const chosen: string[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      const batch = assignBatch(requestsAlike(random), offers, history, NOW);
      expect(batch.proposals).toHaveLength(PER_ROUND);
      chosen.push(...batch.proposals.map((p) => p.volunteerId));
    }
    // Input order would give the same 10 every run; an even spread gives each about 5.
    const { distinct, most } = spread(chosen);
    expect(distinct).toBeGreaterThanOrEqual(VOLUNTEERS - 3);
    expect(most).toBeLessThanOrEqual(3 * expectedEach);
  });

  it('spreads the choice for the same waiting requests across tie-break seeds', () => {
    const random = seededRandom(0xfa2);
    const offers = alike(random);
    const waiting = requestsAlike(random);
    const chosen: string[] = [];
    const runs: string[][] = [];
    for (let seed = 0; seed < ROUNDS; seed += 1) {
      const batch = assignBatch(waiting, offers, history, NOW, { tieBreakSeed: seed });
      runs.push(batch.proposals.map((p) => p.volunteerId));
      chosen.push(...runs[seed]!);
    }
    const { distinct, most } = spread(chosen);
    expect(distinct).toBeGreaterThanOrEqual(VOLUNTEERS - 3);
    expect(most).toBeLessThanOrEqual(3 * expectedEach);
    // Still deterministic: a seed gives the same choice again.
    expect(
      assignBatch(waiting, offers, history, NOW, { tieBreakSeed: 3 }).proposals.map(
        (p) => p.volunteerId,
      ),
    ).toEqual(runs[3]);
  });

  it('ranks equal volunteers in each request’s own order', () => {
    const random = seededRandom(0xfa3);
    const offers = alike(random);
    const firstChoices = Array.from({ length: ROUNDS }, () => requestsAlike(random))
      .flat()
      .map((r) => rankOffers(r, offers, history, NOW).chosen!.volunteerId);
    const { distinct, most } = spread(firstChoices);
    expect(distinct).toBeGreaterThanOrEqual(VOLUNTEERS - 3);
    expect(most).toBeLessThanOrEqual(3 * expectedEach);
  });
});

describe('benchmark data', () => {
  it('is the same for the same seed, weights every skill, and is skewed, not uniform', () => {
    const options = { seed: 3, requests: 2000, offers: 5000 };
    const first = generateMatchingData(options);
    expect(generateMatchingData(options)).toEqual(first);
    expect(ALL_SKILLS_WEIGHTED).toBe(true);
    const share = (code: SkillCode): number =>
      first.requests.filter((r) => r.skills.includes(code)).length / first.requests.length;
    // Military law is asked for far more often than documentation (weights 24 and 0.5).
    expect(share('legal.military-law')).toBeGreaterThan(0.2);
    expect(share('words.documentation')).toBeLessThan(0.03);
    const russian = first.offers.filter((o) => o.languages.includes('ru')).length;
    expect(russian / first.offers.length).toBeGreaterThan(0.9);
  });
});
