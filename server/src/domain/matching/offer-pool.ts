// The matchable offers laid out for fast scans: one row per offer that can take a request now
// (vetted, not paused, a free slot), in an order that does not depend on the input's, with each
// factor the score needs precomputed, and an index from each skill to the offers that have it.
import { REGIONS, SKILL_CODES, type RegionCode, type SkillCode } from '@kolokol/shared';
import { timezoneOverlap } from './score/availability.js';
import { isMatchable, tierRank } from './constraints.js';
import { idHash } from './tie-break.js';
import type { MatchOffer } from './types.js';
import { loadPoints, timezonePoints } from './score/weights.js';

export const SKILL_COUNT = SKILL_CODES.length;
export const REGION_COUNT = REGIONS.length;

const SKILL_INDEX: ReadonlyMap<SkillCode, number> = new Map(SKILL_CODES.map((c, i) => [c, i]));
const REGION_INDEX: ReadonlyMap<RegionCode, number> = new Map(REGIONS.map((r, i) => [r.code, i]));

export function skillIndex(code: SkillCode): number {
  const index = SKILL_INDEX.get(code);
  if (index === undefined) throw new RangeError('unknown skill code');
  return index;
}

export function regionIndex(code: RegionCode): number {
  const index = REGION_INDEX.get(code);
  if (index === undefined) throw new RangeError('unknown region code');
  return index;
}

export class OfferPool {
  /** The matchable offers, ordered by the hash of their volunteer id, then the id. */
  readonly offers: readonly MatchOffer[];
  readonly size: number;
  readonly volunteerHash: Uint32Array;
  /** Row o, skill s: the level offered, 0 if none (size × SKILL_COUNT). */
  readonly levels: Uint8Array;
  readonly tierRank: Uint8Array;
  /** Bit i: serves REGIONS[i]. */
  readonly regions: Uint32Array;
  /** Row o, region i: the time-zone points for a contact in REGIONS[i] (size × REGION_COUNT). */
  readonly timezonePoints: Uint8Array;
  /** Free slots now, and the load points of the first of them. */
  readonly freeSlots: Uint8Array;
  readonly firstSlotPoints: Uint8Array;
  /** Languages as bits: language → bit number; `languageWords` 32-bit words per row. */
  readonly languageBit: ReadonlyMap<string, number>;
  readonly languageWords: number;
  readonly languages: Uint32Array;
  /** Per skill, the rows that offer it, ascending. */
  readonly bySkill: readonly Int32Array[];
  readonly #row: ReadonlyMap<string, number>;

  constructor(offers: readonly MatchOffer[]) {
    const seen = new Set<string>();
    for (const offer of offers) {
      if (seen.has(offer.volunteerId)) throw new RangeError('two offers for one volunteer');
      seen.add(offer.volunteerId);
      checkOffer(offer);
    }
    const keyed = offers
      .filter(isMatchable)
      .map((offer) => ({ offer, hash: idHash(offer.volunteerId) }))
      .sort((a, b) => a.hash - b.hash || compareIds(a.offer.volunteerId, b.offer.volunteerId));
    const size = keyed.length;
    this.offers = keyed.map(({ offer }) => offer);
    this.size = size;
    this.volunteerHash = Uint32Array.from(keyed, ({ hash }) => hash);
    const languageBit = new Map<string, number>();
    for (const { offer } of keyed) {
      for (const language of offer.languages) {
        if (!languageBit.has(language)) languageBit.set(language, languageBit.size);
      }
    }
    this.languageBit = languageBit;
    this.languageWords = Math.max(1, Math.ceil(languageBit.size / 32));
    this.levels = new Uint8Array(size * SKILL_COUNT);
    this.tierRank = new Uint8Array(size);
    this.regions = new Uint32Array(size);
    this.timezonePoints = new Uint8Array(size * REGION_COUNT);
    this.freeSlots = new Uint8Array(size);
    this.firstSlotPoints = new Uint8Array(size);
    this.languages = new Uint32Array(size * this.languageWords);
    const bySkill: number[][] = Array.from({ length: SKILL_COUNT }, () => []);
    const row = new Map<string, number>();
    for (let o = 0; o < size; o += 1) {
      const offer = this.offers[o]!;
      row.set(offer.volunteerId, o);
      for (const skill of offer.skills) {
        const s = skillIndex(skill.code);
        this.levels[o * SKILL_COUNT + s] = skill.level;
        bySkill[s]!.push(o);
      }
      this.tierRank[o] = tierRank(offer.vetting);
      for (const region of offer.regions) this.regions[o]! |= 1 << regionIndex(region);
      for (let i = 0; i < REGION_COUNT; i += 1) {
        const overlap = timezoneOverlap(offer, REGIONS[i]!.code);
        this.timezonePoints[o * REGION_COUNT + i] = timezonePoints(overlap.hours);
      }
      this.freeSlots[o] = offer.capacity - offer.activeLoad;
      this.firstSlotPoints[o] = loadPoints(offer.activeLoad, offer.capacity);
      for (const language of offer.languages) {
        const bit = languageBit.get(language)!;
        this.languages[o * this.languageWords + (bit >>> 5)]! |= 1 << (bit & 31);
      }
    }
    this.bySkill = bySkill.map((rows) => Int32Array.from(rows));
    this.#row = row;
  }

  /** The row of a matchable volunteer's offer, or −1. */
  rowOf(volunteerId: string): number {
    return this.#row.get(volunteerId) ?? -1;
  }

  /** A request's languages as this pool's bit words (languages no offer has set no bit). */
  languageMask(languages: readonly string[]): Uint32Array {
    const mask = new Uint32Array(this.languageWords);
    for (const language of languages) {
      const bit = this.languageBit.get(language);
      if (bit !== undefined) mask[bit >>> 5]! |= 1 << (bit & 31);
    }
    return mask;
  }
}

/** Code-unit order, the same everywhere (localeCompare is not). */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An offer's numbers must be what the wire schema allows, or the typed rows would lie. */
function checkOffer(offer: MatchOffer): void {
  const { capacity, activeLoad } = offer;
  if (!Number.isInteger(capacity) || capacity < 1 || capacity > 255) {
    throw new RangeError('an offer capacity is a whole number 1–255');
  }
  if (!Number.isInteger(activeLoad) || activeLoad < 0) {
    throw new RangeError('an active load is a whole number ≥ 0');
  }
  for (const skill of offer.skills) {
    skillIndex(skill.code);
    if (skill.level !== 1 && skill.level !== 2 && skill.level !== 3) {
      throw new RangeError('a skill level is 1, 2 or 3');
    }
  }
  for (const region of offer.regions) regionIndex(region);
}
