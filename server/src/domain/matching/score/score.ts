// The explainable score of one request–volunteer pair: each factor's points, with a reason code a
// moderator's UI can translate, summing to the score.
import type { RegionCode, SkillCode } from '@kolokol/shared';
import { timezoneOverlap } from './availability.js';
import type { MatchOffer, MatchRequest, MatchUrgency, SkillLevel } from '../types.js';
import {
  REGION_POINTS,
  URGENCY_POINTS,
  hoursWaited,
  loadPoints,
  skillShare,
  timezonePoints,
  waitingPoints,
} from './weights.js';

export const SCORE_FACTORS = ['skill', 'load', 'urgency', 'waiting', 'region', 'timezone'] as const;
export type ScoreFactor = (typeof SCORE_FACTORS)[number];

/** Every reason code, grouped by the factor whose points it explains. */
export const REASON_CODES = [
  'skill.level_1',
  'skill.level_2',
  'skill.level_3',
  'skill.not_offered',
  'load.free_share',
  'urgency.low',
  'urgency.normal',
  'urgency.high',
  'urgency.critical',
  'waiting.hours',
  'region.served',
  'region.not_served',
  'timezone.overlap',
  'timezone.overlap_assumed',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** One factor's contribution; the parameters are what a translated sentence needs. */
export type Reason =
  | {
      readonly factor: 'skill';
      readonly code: 'skill.level_1' | 'skill.level_2' | 'skill.level_3' | 'skill.not_offered';
      readonly points: number;
      readonly skill: SkillCode;
    }
  | {
      readonly factor: 'load';
      readonly code: 'load.free_share';
      readonly points: number;
      readonly activeLoad: number;
      readonly capacity: number;
    }
  | {
      readonly factor: 'urgency';
      readonly code: `urgency.${MatchUrgency}`;
      readonly points: number;
    }
  | {
      readonly factor: 'waiting';
      readonly code: 'waiting.hours';
      readonly points: number;
      readonly hours: number;
    }
  | {
      readonly factor: 'region';
      readonly code: 'region.served' | 'region.not_served';
      readonly points: number;
      readonly region: RegionCode;
    }
  | {
      readonly factor: 'timezone';
      readonly code: 'timezone.overlap' | 'timezone.overlap_assumed';
      readonly points: number;
      readonly hours: number;
    };

export interface Score {
  /** The sum of the reasons' points, 0–100. */
  readonly score: number;
  readonly reasons: readonly Reason[];
}

/** The level at which the offer has a skill, or 0. */
export function offeredLevel(offer: MatchOffer, code: SkillCode): SkillLevel | 0 {
  return offer.skills.find((skill) => skill.code === code)?.level ?? 0;
}

/**
 * The pair's score when the volunteer carries `activeLoad` cases (their current load unless the
 * batch has already given them some). Does not check the hard constraints (see refusals).
 */
export function scorePair(
  request: MatchRequest,
  offer: MatchOffer,
  now: number,
  activeLoad: number = offer.activeLoad,
): Score {
  const reasons: Reason[] = [];
  for (const skill of request.skills) {
    const level = offeredLevel(offer, skill);
    reasons.push({
      factor: 'skill',
      code: level === 0 ? 'skill.not_offered' : `skill.level_${level}`,
      points: skillShare(level, request.skills.length),
      skill,
    });
  }
  reasons.push({
    factor: 'load',
    code: 'load.free_share',
    points: loadPoints(activeLoad, offer.capacity),
    activeLoad,
    capacity: offer.capacity,
  });
  reasons.push({
    factor: 'urgency',
    code: `urgency.${request.urgency}`,
    points: URGENCY_POINTS[request.urgency],
  });
  const hours = hoursWaited(request.createdAt, now);
  reasons.push({ factor: 'waiting', code: 'waiting.hours', points: waitingPoints(hours), hours });
  const served = offer.regions.includes(request.region);
  reasons.push({
    factor: 'region',
    code: served ? 'region.served' : 'region.not_served',
    points: served ? REGION_POINTS : 0,
    region: request.region,
  });
  const overlap = timezoneOverlap(offer, request.region);
  reasons.push({
    factor: 'timezone',
    code: overlap.assumed ? 'timezone.overlap_assumed' : 'timezone.overlap',
    points: timezonePoints(overlap.hours),
    hours: overlap.hours,
  });
  return { score: reasons.reduce((sum, reason) => sum + reason.points, 0), reasons };
}

/** The request's own share of every pair's score: urgency and waiting time. */
export function requestPoints(request: MatchRequest, now: number): number {
  return URGENCY_POINTS[request.urgency] + waitingPoints(hoursWaited(request.createdAt, now));
}
