// What a moderator gets: ranking one request finds the best eligible volunteers exactly (checked
// against a plain scan with the reference score); each proposal names the chosen volunteer and at
// most two alternatives who are eligible and still free after the batch; and a batch whose first
// network is too small widens it, within its bounds, until the urgent requests fit.
import { describe, expect, it } from 'vitest';
import { generateMatchingData } from '../../../bench/matching-data.js';
import {
  ALTERNATIVES,
  assignBatch,
  rankOffers,
  type MatchOffer,
  type MatchRequest,
} from '../../../server/src/domain/matching/index.js';
import {
  NOW,
  bruteForce,
  eligible,
  objectiveOf,
  offer,
  request,
  score,
} from './support/reference.js';

describe('ranking one request', () => {
  const data = generateMatchingData({ seed: 11, requests: 40, offers: 4000 });

  it('finds the best eligible volunteers a plain scan finds', () => {
    for (const r of data.requests) {
      const ranking = rankOffers(r, data.offers, data.history, data.now);
      const scores = data.offers
        .filter((o) => eligible(r, o, data.history))
        .map((o) => score(r, o))
        .sort((a, b) => b - a);
      expect(ranking.eligible).toBe(scores.length);
      const found = [ranking.chosen, ...ranking.alternatives].flatMap((c) => (c ? [c.score] : []));
      expect(found).toEqual(scores.slice(0, 1 + ALTERNATIVES));
    }
  });
});

describe('batch proposals', () => {
  it('name the chosen volunteer and up to two eligible alternatives still free, best first', () => {
    const data = generateMatchingData({ seed: 12, requests: 300, offers: 3000 });
    const batch = assignBatch(data.requests, data.offers, data.history, data.now);
    const byId = new Map(data.offers.map((o) => [o.volunteerId, o]));
    const requests = new Map(data.requests.map((r) => [r.id, r]));
    const given = new Map<string, number>();
    for (const p of batch.proposals) given.set(p.volunteerId, (given.get(p.volunteerId) ?? 0) + 1);
    let withTwo = 0;
    for (const p of batch.proposals) {
      const r = requests.get(p.requestId)!;
      expect(p.alternatives.length).toBeLessThanOrEqual(ALTERNATIVES);
      if (p.alternatives.length === ALTERNATIVES) withTwo += 1;
      const ids = [p.volunteerId, ...p.alternatives.map((a) => a.volunteerId)];
      expect(new Set(ids).size).toBe(ids.length);
      for (const alternative of p.alternatives) {
        const o = byId.get(alternative.volunteerId)!;
        expect(eligible(r, o, data.history)).toBe(true);
        const load = o.activeLoad + (given.get(o.volunteerId) ?? 0);
        expect(load).toBeLessThan(o.capacity);
        expect(alternative.score).toBe(score(r, o, load));
        expect(alternative.reasons.length).toBeGreaterThanOrEqual(6);
      }
      const scores = p.alternatives.map((a) => a.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    }
    expect(withTwo).toBeGreaterThan(batch.proposals.length / 2);
  });

  it('has no alternative when nobody else is eligible', () => {
    const r = request();
    const batch = assignBatch(
      [r],
      [offer(), offer({ languages: ['en'] })],
      { barred: [], proposed: [] },
      NOW,
    );
    expect(batch.proposals).toHaveLength(1);
    expect(batch.proposals[0]!.alternatives).toEqual([]);
  });
});

describe('candidate widening', () => {
  // Seven critical requests. B can only use V. A's best is V and its next best the five X, the
  // only volunteers the five C can use; A's real way out is one of thirty Y, ranked lower still.
  // With one best-ranked candidate each and no spread ones, the first network leaves the Y out of
  // A's reach and one critical request unassigned; widening gives A free volunteers: all seven fit.
  function instance(): { requests: MatchRequest[]; offers: MatchOffer[] } {
    const law = 'legal.military-law' as const;
    const care = 'care.psychological' as const;
    const v = offer({
      capacity: 1,
      languages: ['ru'],
      skills: [
        { code: law, level: 3 },
        { code: care, level: 3 },
      ],
    });
    const xs = Array.from({ length: 5 }, () =>
      offer({ capacity: 1, languages: ['ru', 'uk'], skills: [{ code: law, level: 2 }] }),
    );
    const ys = Array.from({ length: 30 }, () =>
      offer({ capacity: 1, languages: ['ru'], skills: [{ code: law, level: 1 }] }),
    );
    const a = request({
      urgency: 'critical',
      skills: [law, care],
      createdAt: NOW - 3 * 60 * 60 * 1000,
    });
    const b = request({ urgency: 'critical', skills: [care], createdAt: NOW - 2 * 60 * 60 * 1000 });
    const cs = Array.from({ length: 5 }, () =>
      request({ urgency: 'critical', skills: [law], languages: ['uk'] }),
    );
    return { requests: [a, b, ...cs], offers: [v, ...xs, ...ys] };
  }
  const history = { barred: [], proposed: [] };
  const narrow = { candidatesPerRequest: 1, spreadCandidates: 0 };

  it('leaves one critical request out when the first network is all there is', () => {
    const { requests, offers } = instance();
    const batch = assignBatch(requests, offers, history, NOW, { ...narrow, maxRounds: 1 });
    expect(batch.assignedByUrgency.critical).toBe(6);
    expect(batch.stats.uncertified).toBeGreaterThan(0);
  });

  it('widens until every critical request is assigned, with the optimal total score', () => {
    const { requests, offers } = instance();
    const best = bruteForce(requests, offers, history);
    const batch = assignBatch(requests, offers, history, NOW, narrow);
    expect(batch.assignedByUrgency.critical).toBe(7);
    expect(batch.stats.rounds).toBeGreaterThan(1);
    const assignment = new Map(batch.proposals.map((p) => [p.requestId, p.volunteerId]));
    // Urgency counts and total score are optimal; the widening stops once nobody waits, so the
    // tie-break among the C's equal volunteers is optimal over their candidates only.
    expect(objectiveOf(requests, offers, history, assignment)!.slice(0, 5)).toEqual(
      best.slice(0, 5),
    );
    expect(batch.stats.uncertified).toBeGreaterThan(0);
    // The default first network is enough here, and the certificate proves the whole objective.
    const byDefault = assignBatch(requests, offers, history, NOW);
    const byDefaultAssignment = new Map(
      byDefault.proposals.map((p) => [p.requestId, p.volunteerId]),
    );
    expect(objectiveOf(requests, offers, history, byDefaultAssignment)).toEqual(best);
    expect(byDefault.stats.uncertified).toBe(0);
  });
});
