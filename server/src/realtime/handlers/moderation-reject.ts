// moderation.reject: reject a proposal by a signed statement with a reason and perhaps a sealed note
// (certified staff).
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import type { ProposalDecisions } from '../../domain/moderation/proposal-decisions.js';
import { defineHandler } from '../handler.js';

export function moderationReject(decisions: ProposalDecisions) {
  return defineHandler({
    event: 'moderation.reject',
    roles: ['moderator', 'admin'],
    handle: async ({ statement, note }, { caller }) => {
      const { proposal, entry } = await decisions.reject(caller, statement, note);
      return { proposal, entry: wireEntryRef(entry) };
    },
  });
}
