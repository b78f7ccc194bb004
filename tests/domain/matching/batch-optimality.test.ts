// The batch assignment is exact: on small random instances (where every eligible pair fits in the
// flow network) its objective — as many critical requests as can be assigned, then high, normal,
// low, then the largest total score, then the largest total tie-break points — equals the best
// found by brute force over every assignment, each computed by the reference (support/reference.ts),
// not by the engine. And it beats greedy where greedy's order costs it.
import { describe, expect, it } from 'vitest';
import type { RegionCode, SkillCode } from '@kolokol/shared';
import { seededRandom } from '../../../bench/matching-data.js';
import {
  assignBatch,
  assignGreedily,
  type MatchOffer,
  type MatchRequest,
  type MatchUrgency,
  type PairHistory,
  type VettingTier,
} from '../../../server/src/domain/matching/index.js';
import {
  NOW,
  bruteForce,
  hoursMask,
  objectiveOf,
  offer,
  request,
  score,
  testId,
} from './support/reference.js';

const INSTANCES = 200;
const SKILLS: readonly SkillCode[] = [
  'legal.military-law',
  'legal.criminal-defence',
  'care.psychological',
];
const LANGUAGES = ['ru', 'en', 'uk'];
const REGIONS: readonly RegionCode[] = ['ru.central', 'ru.siberia', 'abroad.europe'];
const URGENCIES: readonly MatchUrgency[] = ['low', 'normal', 'high', 'critical'];
const TIERS: readonly VettingTier[] = ['standard', 'standard', 'high', 'high', 'none'];

function pick<T>(random: () => number, from: readonly T[]): T {
  return from[Math.floor(random() * from.length)]!;
}

function some<T>(random: () => number, from: readonly T[]): T[] {
  const chosen = from.filter(() => random() < 0.5);
  return chosen.length > 0 ? chosen : [pick(random, from)];
}

/** ≤ 6 requests × ≤ 5 offers, 1–2 free slots each, with ties, bars and past proposals. */
function randomInstance(random: () => number): {
  requests: MatchRequest[];
  offers: MatchOffer[];
  history: PairHistory;
} {
  const offers = Array.from({ length: 1 + Math.floor(random() * 5) }, () => {
    const capacity = 1 + Math.floor(random() * 3);
    return offer({
      skills: some(random, SKILLS).map((code) => ({
        code,
        level: pick(random, [1, 2, 3] as const),
      })),
      languages: some(random, LANGUAGES),
      regions: some(random, REGIONS),
      utcOffsetMinutes: pick(random, [0, 60, 180, 420]),
      availability:
        random() < 0.5
          ? new Uint8Array(21)
          : hoursMask([...Array(168).keys()].filter(() => random() < 0.3)),
      capacity,
      activeLoad: capacity === 3 ? 1 : 0,
      paused: random() < 0.05,
      vetting: pick(random, TIERS),
    });
  });
  const requests = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
    request({
      contactId: random() < 0.05 ? pick(random, offers).volunteerId : testId('c'),
      skills: some(random, SKILLS),
      urgency: pick(random, URGENCIES),
      languages: some(random, LANGUAGES),
      region: pick(random, REGIONS),
      createdAt: NOW - Math.floor(random() * 100) * 60 * 60 * 1000,
    }),
  );
  const barred = requests.flatMap((r) =>
    random() < 0.2
      ? [
          {
            contactId: r.contactId,
            volunteerId: pick(random, offers).volunteerId,
            reason: 'declined' as const,
          },
        ]
      : [],
  );
  const proposed = requests.flatMap((r) =>
    random() < 0.2 ? [{ requestId: r.id, volunteerId: pick(random, offers).volunteerId }] : [],
  );
  return { requests, offers, history: { barred, proposed } };
}

function assignmentOf(result: ReturnType<typeof assignBatch>): Map<string, string> {
  return new Map(result.proposals.map((p) => [p.requestId, p.volunteerId]));
}

describe('batch assignment against brute force', () => {
  it('equals the optimum on 200 small random instances', () => {
    const random = seededRandom(0xba7c4);
    let assignedSomething = 0;
    let leftSomeoneOut = 0;
    for (let i = 0; i < INSTANCES; i += 1) {
      const { requests, offers, history } = randomInstance(random);
      const result = assignBatch(requests, offers, history, NOW);
      const objective = objectiveOf(requests, offers, history, assignmentOf(result));
      expect(objective, `instance ${i}: a proposal breaks a constraint`).toBeDefined();
      expect(objective, `instance ${i}`).toEqual(bruteForce(requests, offers, history));
      // The reported total is the objective's score, and nothing was left out of the network.
      expect(result.totalScore).toBe(objective![4]);
      expect(result.stats.uncertified).toBe(0);
      if (result.proposals.length > 0) assignedSomething += 1;
      if (result.unassigned.length > 0) leftSomeoneOut += 1;
    }
    // The instances are neither trivially empty nor trivially easy.
    expect(assignedSomething).toBeGreaterThan(INSTANCES / 2);
    expect(leftSomeoneOut).toBeGreaterThan(INSTANCES / 4);
  });

  it('equals the optimum under another tie-break seed, with that seed’s tie-break points', () => {
    const random = seededRandom(0x5eed2);
    for (let i = 0; i < INSTANCES / 4; i += 1) {
      const { requests, offers, history } = randomInstance(random);
      const seed = Math.floor(random() * 2 ** 32);
      const result = assignBatch(requests, offers, history, NOW, { tieBreakSeed: seed });
      const objective = objectiveOf(requests, offers, history, assignmentOf(result), seed);
      expect(objective, `instance ${i}`).toEqual(bruteForce(requests, offers, history, seed));
    }
  });
});

describe('batch assignment against greedy', () => {
  it('scores strictly more where serving the oldest request first takes the wrong volunteer', () => {
    // Both requests need military law; the older one is served first by greedy and takes the
    // level-3 volunteer, leaving the other the level-1 one; the batch gives the older request the
    // level-2 volunteer and the other the level-3 one: 30 + 42 > 42 + 18.
    const older = request({ createdAt: NOW - 60 * 60 * 1000, languages: ['ru'] });
    const younger = request({ createdAt: NOW, languages: ['uk'] });
    const base = { capacity: 1, regions: ['ru.central' as const] };
    const level3 = offer({
      ...base,
      languages: ['ru', 'uk'],
      skills: [{ code: 'legal.military-law', level: 3 }],
    });
    const level2 = offer({
      ...base,
      languages: ['ru'],
      skills: [{ code: 'legal.military-law', level: 2 }],
    });
    const level1 = offer({
      ...base,
      languages: ['uk'],
      skills: [{ code: 'legal.military-law', level: 1 }],
    });
    const requests = [older, younger];
    const offers = [level3, level2, level1];
    const history = { barred: [], proposed: [] };

    const greedy = assignGreedily(requests, offers, history, NOW);
    const batch = assignBatch(requests, offers, history, NOW);

    expect(new Map(greedy.assignments.map((a) => [a.requestId, a.volunteerId]))).toEqual(
      new Map([
        [older.id, level3.volunteerId],
        [younger.id, level1.volunteerId],
      ]),
    );
    expect(assignmentOf(batch)).toEqual(
      new Map([
        [older.id, level2.volunteerId],
        [younger.id, level3.volunteerId],
      ]),
    );
    const greedyTotal = score(older, level3) + score(younger, level1);
    const batchTotal = score(older, level2) + score(younger, level3);
    expect(greedy.totalScore).toBe(greedyTotal);
    expect(batch.totalScore).toBe(batchTotal);
    // Only the skill factor differs between the two assignments: (30 + 42) − (42 + 18).
    expect(batchTotal - greedyTotal).toBe(12);
    expect(batch.totalScore).toBeGreaterThan(greedy.totalScore);
  });

  it('never leaves a critical request unassigned for a less urgent one it could have had', () => {
    // The normal request scores more with the only volunteer (it has waited for days and needs
    // one skill the volunteer has at level 3; the critical one needs two and gets half the skill
    // points), so maximising the score alone would pick it; urgency dominates: the critical wins.
    const normal = request({ urgency: 'normal', createdAt: NOW - 5 * 24 * 60 * 60 * 1000 });
    const critical = request({
      urgency: 'critical',
      skills: ['legal.military-law', 'care.psychological'],
    });
    const only = offer({ capacity: 1, skills: [{ code: 'legal.military-law', level: 3 }] });
    const history = { barred: [], proposed: [] };
    expect(score(normal, only)).toBeGreaterThan(score(critical, only));

    const batch = assignBatch([normal, critical], [only], history, NOW);
    expect(assignmentOf(batch)).toEqual(new Map([[critical.id, only.volunteerId]]));
    expect(batch.unassigned).toEqual([{ requestId: normal.id, reason: 'no_free_volunteer' }]);
  });

  it('assigns more critical requests than greedy when a critical one must move over', () => {
    // Greedy serves the older critical request first and gives it its best volunteer, the only
    // one the younger critical request can use; the batch moves the older one to its second best.
    const older = request({
      urgency: 'critical',
      createdAt: NOW - 60 * 60 * 1000,
      languages: ['ru'],
    });
    const younger = request({ urgency: 'critical', createdAt: NOW, languages: ['uk'] });
    const shared = offer({
      capacity: 1,
      languages: ['ru', 'uk'],
      skills: [{ code: 'legal.military-law', level: 3 }],
    });
    const other = offer({
      capacity: 1,
      languages: ['ru'],
      skills: [{ code: 'legal.military-law', level: 1 }],
    });
    const history = { barred: [], proposed: [] };

    const greedy = assignGreedily([older, younger], [shared, other], history, NOW);
    const batch = assignBatch([older, younger], [shared, other], history, NOW);

    expect(greedy.assignedByUrgency.critical).toBe(1);
    expect(batch.assignedByUrgency.critical).toBe(2);
    expect(assignmentOf(batch).get(younger.id)).toBe(shared.volunteerId);
  });
});
