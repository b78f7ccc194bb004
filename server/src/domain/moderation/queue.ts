// The moderators' queue: pending proposals, oldest first, each with what a moderator needs to
// decide — the request's clear fields and its details sealed to the moderators (their client
// opens them), the chosen volunteer's whole offer (sealed note included) and vetting tier, the
// score and its reasons, up to two alternatives, the approvals so far and how many it needs, and
// the request's earlier rejected or replaced proposals with the deciding moderators' sealed notes.
import {
  MAX_QUEUE_HISTORY,
  MAX_QUEUE_PAGE,
  toBase64Url,
  type DecidedProposalWire,
  type QueueEntry,
  type SkillCode,
} from '@kolokol/shared';
import type { DecidedProposal, OfferRecord, Store } from '../../store/ports.js';
import { toOfferResult } from '../offers.js';
import { approvalsNeeded, toProposalWire, toReasons } from './proposal-wire.js';

export class ModerationQueue {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly criticalSkills: ReadonlySet<SkillCode>;
    },
  ) {}

  /** The oldest MAX_QUEUE_PAGE pending proposals whose request still waits for them. */
  async list(): Promise<{ entries: QueueEntry[]; more: boolean }> {
    const { store } = this.deps;
    const { proposals, total } = await store.proposals.pendingProposals(MAX_QUEUE_PAGE);
    const volunteerIds = new Set<string>();
    for (const proposal of proposals) {
      volunteerIds.add(proposal.volunteerId);
      for (const alternative of proposal.alternatives) volunteerIds.add(alternative.volunteerId);
    }
    const ids = [...volunteerIds];
    const tiers = await store.vetting.tiersOf(ids);
    const offers = new Map(
      (await store.offers.findOffers(ids)).map((offer) => [offer.accountId, offer]),
    );
    const candidate = (volunteerId: string) => ({
      volunteerId,
      tier: tiers.get(volunteerId) ?? 'none',
      offer: wireOffer(offers.get(volunteerId)),
    });
    const entries: QueueEntry[] = [];
    for (const proposal of proposals) {
      const request = await store.requests.findRequest(proposal.requestId);
      const details = await store.requests.findRequestDetails(proposal.requestId);
      // A request cancelled or expired meanwhile: its proposal is withdrawn on the next run.
      if (request?.state !== 'proposed' || details === undefined) continue;
      entries.push({
        proposal: toProposalWire(
          proposal,
          approvalsNeeded(request.skills, this.deps.criticalSkills),
        ),
        request: {
          id: request.id,
          clientId: request.clientId,
          skills: [...request.skills],
          urgency: request.urgency,
          languages: [...request.languages],
          region: request.region,
          state: request.state,
          createdAt: request.createdAt,
          details: toBase64Url(details),
        },
        volunteer: candidate(proposal.volunteerId),
        alternatives: proposal.alternatives.map((alternative) => ({
          ...candidate(alternative.volunteerId),
          score: alternative.score,
          reasons: toReasons(alternative.reasons),
        })),
        history: (
          await store.proposals.decidedProposalsOfRequest(request.id, MAX_QUEUE_HISTORY)
        ).map(toDecidedWire),
      });
    }
    return { entries, more: total > proposals.length };
  }
}

function wireOffer(offer: OfferRecord | undefined) {
  return offer === undefined ? null : toOfferResult(offer);
}

function toDecidedWire(decided: DecidedProposal): DecidedProposalWire {
  return {
    proposalId: decided.id,
    volunteerId: decided.volunteerId,
    state: decided.state,
    reason: decided.reason,
    decidedAt: decided.decidedAt,
    decidedBy: decided.decidedBy,
    seq: decided.seq,
    note: decided.note === null ? null : toBase64Url(decided.note),
  };
}
