// The hard constraints: for each one, a pair that breaks only it is refused with its name, and
// neither ranking nor the batch ever proposes it, while the same pair without the fault is fine.
import { describe, expect, it } from 'vitest';
import {
  PairHistoryIndex,
  assignBatch,
  rankOffers,
  refusals,
  requiredRiskTier,
  type MatchOffer,
  type MatchRequest,
  type PairHistory,
  type Refusal,
} from '../../../server/src/domain/matching/index.js';
import { NOW, offer, request } from './support/reference.js';

const NO_HISTORY: PairHistory = { barred: [], proposed: [] };

interface Case {
  readonly refusal: Refusal;
  /** A request, an offer and a history that break exactly this constraint. */
  readonly make: () => { request: MatchRequest; offer: MatchOffer; history: PairHistory };
}

const fine = (): { request: MatchRequest; offer: MatchOffer; history: PairHistory } => ({
  request: request(),
  offer: offer(),
  history: NO_HISTORY,
});

const CASES: readonly Case[] = [
  {
    refusal: 'no_needed_skill',
    make: () => ({
      ...fine(),
      offer: offer({ skills: [{ code: 'care.psychological', level: 3 }] }),
    }),
  },
  {
    refusal: 'no_shared_language',
    make: () => ({ ...fine(), offer: offer({ languages: ['en', 'de'] }) }),
  },
  {
    refusal: 'no_capacity',
    make: () => ({ ...fine(), offer: offer({ capacity: 2, activeLoad: 2 }) }),
  },
  { refusal: 'not_vetted', make: () => ({ ...fine(), offer: offer({ vetting: 'none' }) }) },
  {
    // Criminal defence is a high-risk skill: a volunteer vetted at the standard tier may not take it.
    refusal: 'vetted_below_risk_tier',
    make: () => ({
      ...fine(),
      request: request({ skills: ['legal.military-law', 'legal.criminal-defence'] }),
      offer: offer({ vetting: 'standard' }),
    }),
  },
  { refusal: 'paused', make: () => ({ ...fine(), offer: offer({ paused: true }) }) },
  {
    refusal: 'declined_before',
    make: () => {
      const { request: r, offer: o } = fine();
      const reason = 'declined' as const;
      return {
        request: r,
        offer: o,
        history: {
          barred: [{ contactId: r.contactId, volunteerId: o.volunteerId, reason }],
          proposed: [],
        },
      };
    },
  },
  {
    refusal: 'blocked',
    make: () => {
      const { request: r, offer: o } = fine();
      const reason = 'blocked' as const;
      return {
        request: r,
        offer: o,
        history: {
          barred: [{ contactId: r.contactId, volunteerId: o.volunteerId, reason }],
          proposed: [],
        },
      };
    },
  },
  {
    refusal: 'rejected_before',
    make: () => {
      const { request: r, offer: o } = fine();
      const reason = 'rejected' as const;
      return {
        request: r,
        offer: o,
        history: {
          barred: [{ contactId: r.contactId, volunteerId: o.volunteerId, reason }],
          proposed: [],
        },
      };
    },
  },
  {
    refusal: 'already_proposed',
    make: () => {
      const { request: r, offer: o } = fine();
      return {
        request: r,
        offer: o,
        history: { barred: [], proposed: [{ requestId: r.id, volunteerId: o.volunteerId }] },
      };
    },
  },
  {
    refusal: 'same_account',
    make: () => {
      const o = offer();
      return { request: request({ contactId: o.volunteerId }), offer: o, history: NO_HISTORY };
    },
  },
];

describe('hard constraints', () => {
  it('let the base pair through', () => {
    const { request: r, offer: o, history } = fine();
    expect(refusals(r, o, new PairHistoryIndex(history))).toEqual([]);
    expect(rankOffers(r, [o], history, NOW).chosen?.volunteerId).toBe(o.volunteerId);
    expect(assignBatch([r], [o], history, NOW).proposals.map((p) => p.volunteerId)).toEqual([
      o.volunteerId,
    ]);
  });

  for (const { refusal, make } of CASES) {
    it(`refuse a pair with ${refusal}, and never propose it`, () => {
      const { request: r, offer: o, history } = make();
      expect(refusals(r, o, new PairHistoryIndex(history))).toEqual([refusal]);
      const ranking = rankOffers(r, [o], history, NOW);
      expect(ranking).toMatchObject({ chosen: null, alternatives: [], eligible: 0 });
      const batch = assignBatch([r], [o], history, NOW);
      expect(batch.proposals).toEqual([]);
      expect(batch.unassigned).toEqual([{ requestId: r.id, reason: 'no_eligible_volunteer' }]);
    });
  }

  it('name every constraint a pair breaks, in a fixed order', () => {
    const o = offer({
      paused: true,
      vetting: 'none',
      capacity: 1,
      activeLoad: 1,
      languages: ['en'],
    });
    const r = request({ skills: ['care.medical'] });
    expect(refusals(r, o, new PairHistoryIndex(NO_HISTORY))).toEqual([
      'paused',
      'not_vetted',
      'no_capacity',
      'no_needed_skill',
      'no_shared_language',
    ]);
  });

  it('match a high-risk request only to volunteers vetted high', () => {
    const highRisk = request({ skills: ['legal.criminal-defence'] });
    const standardRisk = request({ skills: ['legal.military-law'] });
    expect(requiredRiskTier(highRisk.skills)).toBe('high');
    expect(requiredRiskTier(standardRisk.skills)).toBe('standard');
    const skills = [
      { code: 'legal.criminal-defence' as const, level: 2 as const },
      { code: 'legal.military-law' as const, level: 2 as const },
    ];
    const standard = offer({ skills, vetting: 'standard' });
    const high = offer({ skills, vetting: 'high' });
    const batch = assignBatch([highRisk, standardRisk], [standard, high], NO_HISTORY, NOW);
    expect(new Map(batch.proposals.map((p) => [p.requestId, p.volunteerId]))).toEqual(
      new Map([
        [highRisk.id, high.volunteerId],
        [standardRisk.id, standard.volunteerId],
      ]),
    );
  });

  it('bar the contact from a volunteer for every request of theirs, and a proposal for that request only', () => {
    const first = request();
    const second = request({ contactId: first.contactId });
    const other = request();
    const o = offer({ capacity: 3 });
    const barred: PairHistory = {
      barred: [{ contactId: first.contactId, volunteerId: o.volunteerId, reason: 'declined' }],
      proposed: [],
    };
    expect(
      assignBatch([first, second, other], [o], barred, NOW).proposals.map((p) => p.requestId),
    ).toEqual([other.id]);
    const proposed: PairHistory = {
      barred: [],
      proposed: [{ requestId: first.id, volunteerId: o.volunteerId }],
    };
    const batch = assignBatch([first, second, other], [o], proposed, NOW);
    expect(batch.proposals.map((p) => p.requestId).sort()).toEqual([second.id, other.id].sort());
  });

  it('never propose the same pair twice: a re-run after a proposal picks someone else', () => {
    const r = request();
    const best = offer({ skills: [{ code: 'legal.military-law', level: 3 }] });
    const next = offer({ skills: [{ code: 'legal.military-law', level: 1 }] });
    const firstRun = assignBatch([r], [best, next], NO_HISTORY, NOW);
    expect(firstRun.proposals[0]?.volunteerId).toBe(best.volunteerId);
    const history: PairHistory = {
      barred: [],
      proposed: [{ requestId: r.id, volunteerId: best.volunteerId }],
    };
    const secondRun = assignBatch([r], [best, next], history, NOW);
    expect(secondRun.proposals[0]?.volunteerId).toBe(next.volunteerId);
    expect(rankOffers(r, [best, next], history, NOW).chosen?.volunteerId).toBe(next.volunteerId);
    const thirdHistory: PairHistory = {
      barred: [],
      proposed: [...history.proposed, { requestId: r.id, volunteerId: next.volunteerId }],
    };
    expect(assignBatch([r], [best, next], thirdHistory, NOW).proposals).toEqual([]);
  });
});
