// Candidate lists for the batch. Requests with the same skills, region and languages (a profile)
// rank the offers identically apart from their own history, so each profile scans the pool once,
// through the skill index, and keeps its best offers; each request then takes its top k from its
// profile's list. What a request leaves out is bounded exactly (leftOut), so the batch can prove
// that leaving it out changed nothing.
import { MAX_SCORE, REGION_POINTS, skillShare } from '../score/weights.js';
import {
  regionIndex,
  skillIndex,
  SKILL_COUNT,
  REGION_COUNT,
  type OfferPool,
} from '../offer-pool.js';
import { requiredRiskTier, tierRank } from '../constraints.js';
import { NOISE_SPAN, noiseOf, pairTieKey, seededHash } from '../tie-break.js';
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

/** A profile's best eligible offers, best first. */
export interface CandidateList {
  /** Pool rows, by rank score descending, then row. */
  readonly rows: Int32Array;
  /** Skill, region, time zone and first-slot load points: the score but for the request's own. */
  readonly scores: Uint8Array;
  /** The best rank score of an eligible offer not listed, or −1 when all are listed. */
  readonly beyond: number;
  /** Eligible offers in all (before each request's history). */
  readonly eligible: number;
}

export class CandidateScanner {
  readonly #pool: OfferPool;
  readonly #stamp: Int32Array;
  #scan = 0;
  readonly #rows: Int32Array;
  readonly #scores: Uint8Array;
  readonly #histogram = new Int32Array(MAX_SCORE + 1);

  constructor(pool: OfferPool) {
    this.#pool = pool;
    this.#stamp = new Int32Array(pool.size);
    this.#rows = new Int32Array(pool.size);
    this.#scores = new Uint8Array(pool.size);
  }

  /**
   * At least `want` of the profile's best offers (all if fewer), with every offer tied with the
   * last of them up to `cap` (≥ want): a tie group too large is cut by the profile's own hash
   * order, fairly, and `beyond` then says so. Rows marked in `skip` are left out of the scan.
   */
  list(profile: Profile, want: number, cap: number, skip?: Uint8Array): CandidateList {
    const histogram = this.#histogram;
    const count = this.#collect(profile, skip);
    let threshold = -1;
    let above = 0;
    for (let score = MAX_SCORE; score >= 0; score -= 1) {
      const here = histogram[score]!;
      if (here === 0) continue;
      threshold = score;
      if (above + here >= want) break;
      above += here;
    }
    const group = threshold >= 0 ? histogram[threshold]! : 0;
    if (threshold >= 0 && above === count) above = count - group; // everything is listed
    let beyond = -1;
    let takeFromGroup = group;
    if (above + group > cap) {
      takeFromGroup = Math.max(0, cap - above);
      beyond = threshold;
    } else {
      for (let score = threshold - 1; score >= 0; score -= 1) {
        if (histogram[score]! > 0) {
          beyond = score;
          break;
        }
      }
    }
    const groupRows = this.#tieGroupCut(profile, threshold, count, takeFromGroup);
    const size = above + groupRows.length;
    const rows = new Int32Array(size);
    const scores = new Uint8Array(size);
    // Counting sort, best score first; rows ascending within a score.
    const start = new Int32Array(MAX_SCORE + 2);
    for (let score = MAX_SCORE; score > threshold; score -= 1) {
      start[score - 1] = start[score]! + histogram[score]!;
    }
    for (let i = 0; i < count; i += 1) {
      const score = this.#scores[i]!;
      if (score <= threshold) continue;
      const at = start[score]!;
      start[score] = at + 1;
      rows[at] = this.#rows[i]!;
      scores[at] = score;
    }
    groupRows.sort((a, b) => a - b);
    for (let i = 0; i < groupRows.length; i += 1) {
      rows[above + i] = groupRows[i]!;
      scores[above + i] = threshold;
    }
    histogram.fill(0);
    return { rows, scores, beyond, eligible: count };
  }

  /** Scores every eligible offer of the profile into the scratch rows, with a histogram. */
  #collect(profile: Profile, skip: Uint8Array | undefined): number {
    const pool = this.#pool;
    const { levels, tierRank: tiers, regions, timezonePoints, firstSlotPoints } = pool;
    const words = pool.languageWords;
    const wanted = profile.languages;
    const stamp = this.#stamp;
    this.#scan += 1;
    const scan = this.#scan;
    let count = 0;
    const regionBit = 1 << profile.region;
    for (const skill of profile.skills) {
      const offered = pool.bySkill[skill]!;
      for (let i = 0; i < offered.length; i += 1) {
        const o = offered[i]!;
        if (stamp[o] === scan) continue;
        stamp[o] = scan;
        if (skip !== undefined && skip[o] === 1) continue;
        if (tiers[o]! < profile.tier) continue;
        let shared = false;
        for (let w = 0; w < words; w += 1) {
          if ((pool.languages[o * words + w]! & wanted[w]!) !== 0) {
            shared = true;
            break;
          }
        }
        if (!shared) continue;
        let score = firstSlotPoints[o]! + timezonePoints[o * REGION_COUNT + profile.region]!;
        if ((regions[o]! & regionBit) !== 0) score += REGION_POINTS;
        for (const s of profile.skills) score += profile.levelShare[levels[o * SKILL_COUNT + s]!]!;
        this.#rows[count] = o;
        this.#scores[count] = score;
        this.#histogram[score]! += 1;
        count += 1;
      }
    }
    return count;
  }

  /** `take` rows of the tie group at `threshold`: all of it, or the first by the profile's hash order. */
  #tieGroupCut(profile: Profile, threshold: number, count: number, take: number): number[] {
    const members: number[] = [];
    for (let i = 0; i < count; i += 1) {
      if (this.#scores[i] === threshold) members.push(this.#rows[i]!);
    }
    if (members.length <= take) return members;
    const hashes = this.#pool.volunteerHash;
    const key = (row: number): number => pairTieKey(profile.hash, hashes[row]!);
    return members.sort((a, b) => key(a) - key(b) || a - b).slice(0, take);
  }
}

/** The edges one request keeps, and the best it leaves out (score −1: nothing left out). */
export interface RequestEdges {
  /** Pool rows, and each one's rank score. */
  readonly rows: number[];
  readonly scores: number[];
  readonly leftOutScore: number;
  readonly leftOutNoise: number;
}

interface Ranked {
  readonly row: number;
  readonly noise: number;
  readonly key: number;
}

function ahead(a: Ranked, b: Ranked): boolean {
  if (a.noise !== b.noise) return a.noise > b.noise;
  if (a.key !== b.key) return a.key < b.key;
  return a.row < b.row;
}

/**
 * A request's top `k` rows of its profile's list by (rank score, tie-break points), skipping its
 * excluded rows; and the best (score, points) among
 * the eligible rows it does not keep — exact inside the list, bounded by (beyond, NOISE_SPAN − 1)
 * past it.
 */
export function pickEdges(
  pool: OfferPool,
  list: CandidateList,
  excluded: ReadonlySet<number>,
  requestHash: number,
  k: number,
): RequestEdges {
  const { rows: listed, scores } = list;
  const rows: number[] = [];
  const kept: number[] = [];
  const hashes = pool.volunteerHash;
  let i = 0;
  while (i < listed.length) {
    const score = scores[i]!;
    let end = i;
    while (end < listed.length && scores[end] === score) end += 1;
    const room = k - rows.length;
    const members: number[] = [];
    for (let j = i; j < end; j += 1) if (!excluded.has(listed[j]!)) members.push(listed[j]!);
    if (members.length <= room) {
      for (const row of members) {
        rows.push(row);
        kept.push(score);
      }
    } else {
      // The group's best room + 1 members by tie-break points (then tie key, then row).
      const size = Math.max(0, room);
      const best: Ranked[] = [];
      for (const row of members) {
        const key = pairTieKey(requestHash, hashes[row]!);
        const entry = { row, noise: noiseOf(key), key };
        if (best.length === size + 1 && !ahead(entry, best[size]!)) continue;
        let at = best.length;
        while (at > 0 && ahead(entry, best[at - 1]!)) at -= 1;
        best.splice(at, 0, entry);
        if (best.length > size + 1) best.pop();
      }
      for (const entry of best.slice(0, size)) {
        rows.push(entry.row);
        kept.push(score);
      }
      return { rows, scores: kept, leftOutScore: score, leftOutNoise: best[size]!.noise };
    }
    i = end;
  }
  return list.beyond >= 0
    ? { rows, scores: kept, leftOutScore: list.beyond, leftOutNoise: NOISE_SPAN - 1 }
    : { rows, scores: kept, leftOutScore: -1, leftOutNoise: 0 };
}

/**
 * `count` rows of the list a request also links to so that a profile's requests, which share one
 * ranking, do not all compete for the same few volunteers: among the list's first `within` rows
 * (and those tied with the last of them), the rows this request's tie-break prefers (highest
 * tie-break points), skipping `skip`. Spread this way, the requests of a profile reach between
 * them most of the volunteers those rows hold.
 */
export function spreadEdges(
  pool: OfferPool,
  list: CandidateList,
  skip: ReadonlySet<number>,
  requestHash: number,
  count: number,
  within: number,
): { readonly rows: number[]; readonly scores: number[] } {
  const best: (Ranked & { readonly score: number })[] = [];
  if (count <= 0) return { rows: [], scores: [] };
  const hashes = pool.volunteerHash;
  let end = Math.min(within, list.rows.length);
  while (end > 0 && end < list.rows.length && list.scores[end] === list.scores[end - 1]) end += 1;
  for (let j = 0; j < end; j += 1) {
    const row = list.rows[j]!;
    if (skip.has(row)) continue;
    const key = pairTieKey(requestHash, hashes[row]!);
    const entry = { row, noise: noiseOf(key), key, score: list.scores[j]! };
    if (best.length === count && !ahead(entry, best[count - 1]!)) continue;
    let at = best.length;
    while (at > 0 && ahead(entry, best[at - 1]!)) at -= 1;
    best.splice(at, 0, entry);
    if (best.length > count) best.pop();
  }
  return { rows: best.map((entry) => entry.row), scores: best.map((entry) => entry.score) };
}
