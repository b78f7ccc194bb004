// moderation.approve: approve a proposal by a signed statement, with the request's details
// re-wrapped for the volunteer (certified moderators and admins).
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import type { ProposalDecisions } from '../../domain/moderation/proposal-decisions.js';
import { defineHandler } from '../handler.js';

export function moderationApprove(decisions: ProposalDecisions) {
  return defineHandler({
    event: 'moderation.approve',
    roles: ['moderator', 'admin'],
    handle: async ({ statement, details }, { caller }) => {
      const { proposal, entry } = await decisions.approve(caller, statement, details);
      return { proposal, entry: wireEntryRef(entry) };
    },
  });
}
