// Stored rows as the matching engine reads them: a request, a volunteer's offer with its vetting
// tier and active load, and the pair history (bars and every pair proposed). Shared by the
// proposer (batch runs) and re-proposal (one pair's hard constraints).
import { LOADED_PROPOSAL_STATES } from '@kolokol/shared';
import type { OfferRecord, RequestRecord, Store } from '../../store/ports.js';
import type { MatchOffer, MatchRequest, PairHistory, VettingTier } from '../matching/index.js';

export function toMatchRequest(record: RequestRecord): MatchRequest {
  return {
    id: record.id,
    contactId: record.ownerId,
    skills: record.skills,
    urgency: record.urgency,
    languages: record.languages,
    region: record.region,
    createdAt: record.createdAt,
  };
}

/** The active load counts pending proposals too, so a batch never over-fills a volunteer. */
export function toMatchOffer(
  offer: OfferRecord,
  vetting: VettingTier,
  activeLoad: number,
): MatchOffer {
  return {
    volunteerId: offer.accountId,
    skills: offer.skills,
    languages: offer.languages,
    regions: offer.regions,
    utcOffsetMinutes: offer.utcOffsetMinutes,
    availability: offer.availability,
    capacity: offer.capacity,
    activeLoad,
    paused: offer.paused,
    vetting,
  };
}

/** Every volunteer's load: their proposals pending, approved or accepted. */
export function loadsOf(store: Store): Promise<Map<string, number>> {
  return store.proposals.loads(LOADED_PROPOSAL_STATES);
}

export async function pairHistory(store: Store): Promise<PairHistory> {
  const { barred, proposed } = await store.proposals.history();
  return { barred, proposed };
}
