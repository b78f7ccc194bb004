// How many points each factor of a match's score is worth. A score is a whole number from 0 to
// 100, the sum of six factors, each shown to the moderator as a reason; integers keep the batch
// assignment exact and every total reproducible.
import type { MatchUrgency, SkillLevel } from '../types.js';

/**
 * A needed skill offered at level 1, 2 or 3; a request's skill factor is the mean over its
 * needed skills (an unoffered one counts 0). Divisible by 1, 2 and 3 so the mean stays whole.
 */
export const SKILL_LEVEL_POINTS: Readonly<Record<SkillLevel, number>> = { 1: 18, 2: 30, 3: 42 };
/** Points for an idle volunteer; a busier one gets the share of capacity still free. */
export const LOAD_POINTS_MAX = 12;
/** Urgency is also what the batch assignment serves first; here it is the moderator's cue. */
export const URGENCY_POINTS: Readonly<Record<MatchUrgency, number>> = {
  low: 0,
  normal: 5,
  high: 10,
  critical: 16,
};
/** One point per WAITING_HOURS_PER_POINT hours waited, at most WAITING_POINTS_MAX. */
export const WAITING_HOURS_PER_POINT = 12;
export const WAITING_POINTS_MAX = 10;
/** The volunteer serves the request's region. */
export const REGION_POINTS = 8;
/** Full points when at least TIMEZONE_FULL_HOURS of the volunteer's hours fall in the contact's waking hours. */
export const TIMEZONE_POINTS_MAX = 12;
export const TIMEZONE_FULL_HOURS = 21;

export const MAX_SCORE =
  SKILL_LEVEL_POINTS[3] +
  LOAD_POINTS_MAX +
  URGENCY_POINTS.critical +
  WAITING_POINTS_MAX +
  REGION_POINTS +
  TIMEZONE_POINTS_MAX;

const HOUR_MS = 60 * 60 * 1000;

/** One needed skill's share of the skill factor: its level's points over the number needed. */
export function skillShare(level: SkillLevel | 0, neededCount: number): number {
  return level === 0 ? 0 : SKILL_LEVEL_POINTS[level] / neededCount;
}

/** Never rises with load, so the batch can price a volunteer's successive slots convexly. */
export function loadPoints(activeLoad: number, capacity: number): number {
  if (capacity <= 0 || activeLoad >= capacity) return 0;
  return Math.floor((LOAD_POINTS_MAX * (capacity - Math.max(0, activeLoad))) / capacity);
}

/** Whole hours waited (0 if the clock says the request is from the future). */
export function hoursWaited(createdAt: number, now: number): number {
  return Math.max(0, Math.floor((now - createdAt) / HOUR_MS));
}

export function waitingPoints(hours: number): number {
  return Math.min(WAITING_POINTS_MAX, Math.floor(hours / WAITING_HOURS_PER_POINT));
}

export function timezonePoints(overlapHours: number): number {
  return Math.floor(
    (TIMEZONE_POINTS_MAX * Math.min(overlapHours, TIMEZONE_FULL_HOURS)) / TIMEZONE_FULL_HOURS,
  );
}
