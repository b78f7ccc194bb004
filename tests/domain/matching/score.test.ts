// The explainable score: every factor a moderator sees is a reason with its points and what they
// were computed from; the reasons sum to the score; each factor follows the weights in
// docs/matching.md (checked by hand on chosen pairs and against the reference on random ones);
// and every proposal, from ranking or from the batch, carries them.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/matching-data.js';
import {
  MAX_SCORE,
  SCORE_FACTORS,
  assignBatch,
  rankOffers,
  scorePair,
  type Reason,
} from '../../../server/src/domain/matching/index.js';
import { NOW, factors, hoursMask, offer, request } from './support/reference.js';

const HOUR = 60 * 60 * 1000;

function pointsBy(reasons: readonly Reason[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const reason of reasons) sums[reason.factor] = (sums[reason.factor] ?? 0) + reason.points;
  return sums;
}

describe('score reasons', () => {
  it('explain each factor with its points and inputs, summing to the score', () => {
    // Monday 05:00–14:59 UTC: ten hours, all inside 08:00–22:00 in Moscow (UTC+3).
    const r = request({
      skills: ['legal.military-law', 'migration.asylum'],
      urgency: 'critical',
      createdAt: NOW - 37 * HOUR,
      region: 'ru.central',
    });
    const o = offer({
      skills: [{ code: 'legal.military-law', level: 2 }],
      capacity: 4,
      activeLoad: 1,
      regions: ['ru.northwest'],
      availability: hoursMask([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]),
    });
    const { score, reasons } = scorePair(r, o, NOW);
    expect(reasons).toEqual([
      { factor: 'skill', code: 'skill.level_2', points: 15, skill: 'legal.military-law' },
      { factor: 'skill', code: 'skill.not_offered', points: 0, skill: 'migration.asylum' },
      { factor: 'load', code: 'load.free_share', points: 9, activeLoad: 1, capacity: 4 },
      { factor: 'urgency', code: 'urgency.critical', points: 16 },
      { factor: 'waiting', code: 'waiting.hours', points: 3, hours: 37 },
      { factor: 'region', code: 'region.not_served', points: 0, region: 'ru.central' },
      { factor: 'timezone', code: 'timezone.overlap', points: 5, hours: 10 },
    ]);
    expect(score).toBe(15 + 0 + 9 + 16 + 3 + 0 + 5);
  });

  it('give the top of every factor to the best possible pair', () => {
    const r = request({ urgency: 'critical', createdAt: NOW - 400 * HOUR });
    const o = offer({ skills: [{ code: 'legal.military-law', level: 3 }], activeLoad: 0 });
    const { score, reasons } = scorePair(r, o, NOW);
    expect(reasons.map((reason) => reason.code)).toEqual([
      'skill.level_3',
      'load.free_share',
      'urgency.critical',
      'waiting.hours',
      'region.served',
      // No hours named: the volunteer's own waking hours (UTC+3, like the contact's) are assumed.
      'timezone.overlap_assumed',
    ]);
    expect(score).toBe(MAX_SCORE);
    expect(MAX_SCORE).toBe(42 + 12 + 16 + 10 + 8 + 12);
  });

  it('lose load points as the volunteer gets busier', () => {
    const r = request();
    const o = offer({ capacity: 5, activeLoad: 0 });
    const loads = [0, 1, 2, 3, 4].map((load) => pointsBy(scorePair(r, o, NOW, load).reasons).load);
    expect(loads).toEqual([12, 9, 7, 4, 2]);
  });

  it('follow the documented weights on random pairs, factor by factor', () => {
    const random = seededRandom(0x5c02e);
    const codes = ['legal.military-law', 'legal.criminal-defence', 'care.psychological'] as const;
    const regions = ['ru.central', 'ru.far-east', 'abroad.europe', 'abroad.elsewhere'] as const;
    for (let i = 0; i < 200; i += 1) {
      const pick = <T>(from: readonly T[]): T => from[Math.floor(random() * from.length)]!;
      const r = request({
        skills: codes
          .filter(() => random() < 0.5)
          .concat(pick(codes))
          .filter((c, j, all) => all.indexOf(c) === j),
        urgency: pick(['low', 'normal', 'high', 'critical'] as const),
        region: pick(regions),
        createdAt: NOW - Math.floor(random() * 200 * HOUR),
      });
      const capacity = 1 + Math.floor(random() * 10);
      const o = offer({
        skills: codes
          .filter(() => random() < 0.6)
          .map((code) => ({ code, level: pick([1, 2, 3] as const) })),
        regions: regions.filter(() => random() < 0.4),
        utcOffsetMinutes: pick([-300, 0, 60, 180, 330, 600]),
        availability:
          random() < 0.3
            ? new Uint8Array(21)
            : hoursMask([...Array(168).keys()].filter(() => random() < 0.25)),
        capacity,
      });
      const load = Math.floor(random() * capacity);
      const { score, reasons } = scorePair(r, o, NOW, load);
      const expected = factors(r, o, load);
      expect(pointsBy(reasons), `pair ${i}`).toEqual(expected);
      const { skill, load: loadPoints, urgency, waiting, region, timezone } = expected;
      expect(score).toBe(skill + loadPoints + urgency + waiting + region + timezone);
      expect(new Set(reasons.map((reason) => reason.factor))).toEqual(new Set(SCORE_FACTORS));
    }
  });
});

describe('proposals carry their reasons', () => {
  it('in a ranking: the chosen volunteer and each alternative', () => {
    const r = request();
    const offers = [1, 2, 3, 3].map((level) =>
      offer({ skills: [{ code: 'legal.military-law', level: level as 1 | 2 | 3 }] }),
    );
    const ranking = rankOffers(r, offers, { barred: [], proposed: [] }, NOW);
    for (const candidate of [ranking.chosen!, ...ranking.alternatives]) {
      const o = offers.find((each) => each.volunteerId === candidate.volunteerId)!;
      expect(candidate.reasons).toEqual(scorePair(r, o, NOW).reasons);
      expect(candidate.score).toBe(
        candidate.reasons.reduce((sum, reason) => sum + reason.points, 0),
      );
    }
  });

  it('in a batch: at the load the batch leaves each volunteer', () => {
    // Three requests, one volunteer with three free slots: the reasons show loads 0, 1 and 2.
    const o = offer({ capacity: 3 });
    const requests = [0, 1, 2].map((hours) => request({ createdAt: NOW - hours * HOUR }));
    const batch = assignBatch(requests, [o], { barred: [], proposed: [] }, NOW);
    const loads = batch.proposals.map((p) => p.reasons.find((reason) => reason.factor === 'load'));
    expect(
      loads.map((reason) => reason && 'activeLoad' in reason && reason.activeLoad).sort(),
    ).toEqual([0, 1, 2]);
    for (const proposal of batch.proposals) {
      expect(proposal.score).toBe(proposal.reasons.reduce((sum, reason) => sum + reason.points, 0));
    }
    expect(batch.totalScore).toBe(batch.proposals.reduce((sum, p) => sum + p.score, 0));
  });
});
