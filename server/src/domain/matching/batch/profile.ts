// Requests with the same needed skills, region and languages — a profile — rank the offers
// identically apart from their own history, so the batch ranks the pool once per profile.
import { requiredRiskTier, tierRank } from '../constraints.js';
import { regionIndex, skillIndex, type OfferPool } from '../offer-pool.js';
import { skillShare } from '../score/weights.js';
import { seededHash } from '../tie-break.js';
import type { MatchRequest } from '../types.js';

/** Requests that rank offers alike: same needed skills, region and languages. */
export interface Profile {
  readonly key: string;
  readonly skills: readonly number[];
  /** A needed skill's share of the skill factor at levels 0–3. */
  readonly levelShare: readonly number[];
  readonly region: number;
  readonly languages: Uint32Array;
  readonly tier: number;
  readonly hash: number;
}

export function profileKey(request: MatchRequest): string {
  return `${[...request.skills].sort().join(',')}|${request.region}|${[...request.languages].sort().join(',')}`;
}

export function profileOf(pool: OfferPool, request: MatchRequest, seed: number): Profile {
  const key = profileKey(request);
  const n = request.skills.length;
  return {
    key,
    skills: request.skills.map(skillIndex),
    levelShare: [0, skillShare(1, n), skillShare(2, n), skillShare(3, n)],
    region: regionIndex(request.region),
    languages: pool.languageMask(request.languages),
    tier: tierRank(requiredRiskTier(request.skills)),
    hash: seededHash(key, seed),
  };
}
