// A profile's candidate list: one scan of the pool through the skill index, scoring every eligible
// offer by what the profile alone decides (skill, region, time zone, first-slot load) and keeping
// the best, with an exact bound on what it leaves out (beyond).
import { MAX_SCORE, REGION_POINTS } from '../score/weights.js';
import { REGION_COUNT, SKILL_COUNT, type OfferPool } from '../offer-pool.js';
import { pairTieKey } from '../tie-break.js';
import type { Profile } from './profile.js';

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
