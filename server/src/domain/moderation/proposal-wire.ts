// Proposals and matches on the wire, and the one rule both need: how many moderators a proposal
// takes (two different ones when its request names a critical skill).
import type { MatchWire, ProposalReason, ProposalWire, SkillCode } from '@kolokol/shared';
import { MATCH_STATES, toBase64Url } from '@kolokol/shared';
import type { ProposalRecord, RequestRecord } from '../../store/ports.js';

/** Approvals a proposal needs: 2 (by two different moderators) for a critical skill, else 1. */
export function approvalsNeeded(
  skills: readonly SkillCode[],
  criticalSkills: ReadonlySet<SkillCode>,
): 1 | 2 {
  return skills.some((skill) => criticalSkills.has(skill)) ? 2 : 1;
}

/** The engine's reasons as stored; the schema checks their shape on the way out. */
export function toReasons(reasons: ProposalRecord['reasons']): ProposalReason[] {
  return reasons as ProposalReason[];
}

export function toProposalWire(record: ProposalRecord, needed: 1 | 2): ProposalWire {
  return {
    id: record.id,
    requestId: record.requestId,
    volunteerId: record.volunteerId,
    state: record.state,
    score: record.score,
    reasons: toReasons(record.reasons),
    approvals: record.approvals.map(({ moderatorId, seq }) => ({ moderatorId, seq })),
    approvalsNeeded: needed,
    createdAt: record.createdAt,
    decidedAt: record.decidedAt,
    offeredUntil: record.offeredUntil,
  };
}

/** Whether a proposal in this state is one its volunteer (and, once accepted, contact) sees. */
export function isMatchState(state: ProposalRecord['state']): state is MatchWire['state'] {
  return (MATCH_STATES as readonly string[]).includes(state);
}

export function toMatchWire(
  record: ProposalRecord,
  request: RequestRecord,
  side: 'volunteer' | 'contact',
  details: Uint8Array | undefined,
): MatchWire {
  if (!isMatchState(record.state)) throw new Error('match: a pending proposal is no match');
  return {
    id: record.id,
    requestId: record.requestId,
    counterpartId: side === 'volunteer' ? record.contactId : record.volunteerId,
    state: record.state,
    clientId: request.clientId,
    skills: [...request.skills],
    urgency: request.urgency,
    languages: [...request.languages],
    region: request.region,
    details: side === 'volunteer' && details !== undefined ? toBase64Url(details) : null,
    offeredUntil: record.state === 'approved' ? record.offeredUntil : null,
    updatedAt: record.updatedAt,
  };
}
