// Ranking one request against every offer: the best volunteer the hard constraints allow and up to
// two alternatives, each with its score's reasons, so a moderator who rejects the first can
// re-propose in one step. One pass over the offers, cheapest checks first; only survivors are scored.
import { requiredRiskTier, tierRank } from './constraints.js';
import { overlapHours, regionWaking, wakingMask, namesAnyHour } from './score/availability.js';
import { asHistoryIndex, type PairHistoryIndex } from './history.js';
import { requestPoints, scorePair, type Reason } from './score/score.js';
import { idHash, pairTieKey, seededHash } from './tie-break.js';
import type { MatchOffer, MatchRequest, PairHistory } from './types.js';
import { REGION_POINTS, loadPoints, skillShare, timezonePoints } from './score/weights.js';

/** Alternatives a proposal carries besides its chosen volunteer. */
export const ALTERNATIVES = 2;

export interface Candidate {
  readonly volunteerId: string;
  readonly score: number;
  readonly reasons: readonly Reason[];
}

export interface Ranking {
  readonly requestId: string;
  /** The best eligible volunteer, or null when the hard constraints leave nobody. */
  readonly chosen: Candidate | null;
  /** The next best, at most ALTERNATIVES, best first. */
  readonly alternatives: readonly Candidate[];
  /** How many offers passed every hard constraint. */
  readonly eligible: number;
}

interface Ranked {
  readonly offer: MatchOffer;
  readonly score: number;
  readonly tieKey: number;
}

/** Higher score first; among equals the pair's tie key decides, then the id (total, reproducible). */
function better(a: Ranked, b: Ranked): boolean {
  if (a.score !== b.score) return a.score > b.score;
  if (a.tieKey !== b.tieKey) return a.tieKey < b.tieKey;
  return a.offer.volunteerId < b.offer.volunteerId;
}

export interface RankOptions {
  /** Orders equally good volunteers (tie-break.ts); 0 unless given. */
  readonly tieBreakSeed?: number;
}

export function rankOffers(
  request: MatchRequest,
  offers: readonly MatchOffer[],
  history: PairHistory | PairHistoryIndex,
  now: number,
  options: RankOptions = {},
): Ranking {
  const excluded = asHistoryIndex(history).excludedFor(request);
  const needed = request.skills;
  const neededTier = tierRank(requiredRiskTier(needed));
  const waking = regionWaking(request.region);
  const fixedPoints = requestPoints(request, now);
  const requestHash = seededHash(request.id, options.tieBreakSeed ?? 0);
  const top: Ranked[] = [];
  let eligible = 0;
  for (const offer of offers) {
    if (offer.paused || offer.activeLoad >= offer.capacity) continue;
    if (offer.vetting === 'none' || tierRank(offer.vetting) < neededTier) continue;
    let skillPoints = 0;
    for (const code of needed) {
      for (const skill of offer.skills) {
        if (skill.code === code) skillPoints += skillShare(skill.level, needed.length);
      }
    }
    if (skillPoints === 0) continue;
    if (!offer.languages.some((language) => request.languages.includes(language))) continue;
    if (offer.volunteerId === request.contactId || excluded.has(offer.volunteerId)) continue;
    eligible += 1;
    const hours = namesAnyHour(offer.availability)
      ? overlapHours(offer.availability, waking)
      : overlapHours(wakingMask(offer.utcOffsetMinutes), waking);
    const ranked: Ranked = {
      offer,
      score:
        fixedPoints +
        skillPoints +
        loadPoints(offer.activeLoad, offer.capacity) +
        (offer.regions.includes(request.region) ? REGION_POINTS : 0) +
        timezonePoints(hours),
      tieKey: pairTieKey(requestHash, idHash(offer.volunteerId)),
    };
    insertTop(top, ranked, ALTERNATIVES + 1);
  }
  const [chosen, ...alternatives] = top.map(({ offer }): Candidate => ({
    volunteerId: offer.volunteerId,
    ...scorePair(request, offer, now),
  }));
  return { requestId: request.id, chosen: chosen ?? null, alternatives, eligible };
}

/** Keeps `top` the best `size` entries, best first, one per volunteer. */
function insertTop(top: Ranked[], entry: Ranked, size: number): void {
  if (top.length === size && !better(entry, top[size - 1]!)) return;
  const same = top.findIndex((kept) => kept.offer.volunteerId === entry.offer.volunteerId);
  if (same !== -1) {
    if (!better(entry, top[same]!)) return;
    top.splice(same, 1);
  }
  let at = top.length;
  while (at > 0 && better(entry, top[at - 1]!)) at -= 1;
  top.splice(at, 0, entry);
  if (top.length > size) top.pop();
}
