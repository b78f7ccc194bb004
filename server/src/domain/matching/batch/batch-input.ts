// What the batch and the greedy baseline both need about the waiting requests: checked, in
// serving order (most urgent, then longest waiting, then id), each with its profile, its own
// score points, its hash and the pool rows its history excludes.
import { REGIONS, isSkillCode } from '@kolokol/shared';
import { CandidateScanner, type CandidateList } from './candidate-list.js';
import { profileOf, type Profile } from './profile.js';
import type { PairHistoryIndex } from '../history.js';
import type { OfferPool } from '../offer-pool.js';
import { requestPoints } from '../score/score.js';
import { seededHash } from '../tie-break.js';
import { MATCH_URGENCIES, type MatchRequest } from '../types.js';

const MAX_REQUEST_SKILLS = 3;

/** 1 (low) … 4 (critical): the batch serves higher first, lexicographically. */
export function urgencyPriority(request: MatchRequest): number {
  return MATCH_URGENCIES.indexOf(request.urgency) + 1;
}

/** Most urgent first, then the oldest, then by id: the same for any input order. */
export function servingOrder(a: MatchRequest, b: MatchRequest): number {
  return (
    urgencyPriority(b) - urgencyPriority(a) ||
    a.createdAt - b.createdAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Requests must be what the wire schema allows; a broken invariant is a bug, not a case. */
export function checkRequests(requests: readonly MatchRequest[]): void {
  const ids = new Set<string>();
  const regions = new Set<string>(REGIONS.map((region) => region.code));
  for (const request of requests) {
    if (ids.has(request.id)) throw new RangeError('two requests with one id');
    ids.add(request.id);
    const { skills } = request;
    if (skills.length < 1 || skills.length > MAX_REQUEST_SKILLS) {
      throw new RangeError('a request names 1–3 skills');
    }
    if (new Set(skills).size !== skills.length || !skills.every(isSkillCode)) {
      throw new RangeError('a request names distinct skills from the taxonomy');
    }
    if (!MATCH_URGENCIES.includes(request.urgency)) throw new RangeError('unknown urgency');
    if (!regions.has(request.region)) throw new RangeError('unknown region code');
    if (!Number.isFinite(request.createdAt)) throw new RangeError('createdAt is a time');
  }
}

export interface ProfileSlot {
  readonly profile: Profile;
  list: CandidateList | undefined;
  /** The `want` the current list was made for. */
  listedFor: number;
}

export interface PreparedRequest {
  readonly request: MatchRequest;
  readonly priority: number;
  readonly hash: number;
  /** Urgency and waiting points: the request's own part of every pair's score. */
  readonly points: number;
  readonly profile: ProfileSlot;
  /** Pool rows this request may never get (barred, proposed before, or its own contact). */
  readonly excluded: ReadonlySet<number>;
}

export interface PreparedBatch {
  readonly requests: readonly PreparedRequest[];
  readonly profiles: readonly ProfileSlot[];
  readonly scanner: CandidateScanner;
}

/** `requests` must already be checked and in serving order. */
export function prepareBatch(
  requests: readonly MatchRequest[],
  pool: OfferPool,
  history: PairHistoryIndex,
  now: number,
  seed: number,
): PreparedBatch {
  const profiles = new Map<string, ProfileSlot>();
  const prepared = requests.map((request): PreparedRequest => {
    const profile = profileOf(pool, request, seed);
    let slot = profiles.get(profile.key);
    if (slot === undefined) {
      slot = { profile, list: undefined, listedFor: 0 };
      profiles.set(profile.key, slot);
    }
    const excluded = new Set<number>();
    for (const volunteerId of [...history.excludedFor(request), request.contactId]) {
      const row = pool.rowOf(volunteerId);
      if (row !== -1) excluded.add(row);
    }
    return {
      request,
      priority: urgencyPriority(request),
      hash: seededHash(request.id, seed),
      points: requestPoints(request, now),
      profile: slot,
      excluded,
    };
  });
  return {
    requests: prepared,
    profiles: [...profiles.values()],
    scanner: new CandidateScanner(pool),
  };
}

/** The profile's list, made again only if it must now hold more than it was made for. */
export function listFor(
  batch: PreparedBatch,
  slot: ProfileSlot,
  want: number,
  cap: number,
): CandidateList {
  if (slot.list === undefined || (slot.list.beyond >= 0 && want > slot.listedFor)) {
    const wantNow = Math.max(want, slot.listedFor);
    slot.list = batch.scanner.list(slot.profile, wantNow, Math.max(cap, wantNow));
    slot.listedFor = wantNow;
  }
  return slot.list;
}
