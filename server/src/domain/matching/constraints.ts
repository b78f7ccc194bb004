// The hard constraints: a pair that fails any of them is never proposed, whatever its score.
import { skillDefinition, type RiskTier, type SkillCode } from '@kolokol/shared';
import type { PairHistoryIndex } from './history.js';
import type { BarReason, MatchOffer, MatchRequest, VettingTier } from './types.js';

/** Why a volunteer cannot be proposed for a request: stable codes a moderator's UI translates. */
export const REFUSALS = [
  'same_account',
  'paused',
  'not_vetted',
  'vetted_below_risk_tier',
  'no_capacity',
  'no_needed_skill',
  'no_shared_language',
  'declined_before',
  'blocked',
  'rejected_before',
  'already_proposed',
] as const;
export type Refusal = (typeof REFUSALS)[number];

const BAR_REFUSAL: Readonly<Record<BarReason, Refusal>> = {
  declined: 'declined_before',
  blocked: 'blocked',
  rejected: 'rejected_before',
};

const TIER_RANK: Readonly<Record<VettingTier, number>> = { none: 0, standard: 1, high: 2 };

export function tierRank(tier: VettingTier): number {
  return TIER_RANK[tier];
}

/** The highest risk tier among a request's skills: the least a volunteer must be vetted at. */
export function requiredRiskTier(skills: readonly SkillCode[]): RiskTier {
  return skills.some((code) => skillDefinition(code).risk === 'high') ? 'high' : 'standard';
}

/** Whether the offer can take any request now: vetted, not paused, a free slot. */
export function isMatchable(offer: MatchOffer): boolean {
  return offer.vetting !== 'none' && !offer.paused && offer.activeLoad < offer.capacity;
}

/**
 * Every hard constraint the pair fails, in REFUSALS order; empty when it may be proposed. The
 * skill rule: at least one of the request's needed skills is offered (the score then counts how
 * many, and at what level), so a request with three needs is not starved for want of one
 * volunteer who has all three.
 */
export function refusals(
  request: MatchRequest,
  offer: MatchOffer,
  history: PairHistoryIndex,
): Refusal[] {
  const found: Refusal[] = [];
  if (request.contactId === offer.volunteerId) found.push('same_account');
  if (offer.paused) found.push('paused');
  if (offer.vetting === 'none') found.push('not_vetted');
  else if (tierRank(offer.vetting) < tierRank(requiredRiskTier(request.skills))) {
    found.push('vetted_below_risk_tier');
  }
  if (offer.activeLoad >= offer.capacity) found.push('no_capacity');
  if (!offer.skills.some((skill) => request.skills.includes(skill.code))) {
    found.push('no_needed_skill');
  }
  if (!offer.languages.some((language) => request.languages.includes(language))) {
    found.push('no_shared_language');
  }
  for (const reason of history.barReasons(request.contactId, offer.volunteerId)) {
    found.push(BAR_REFUSAL[reason]);
  }
  if (history.wasProposed(request.id, offer.volunteerId)) found.push('already_proposed');
  return REFUSALS.filter((refusal) => found.includes(refusal));
}
