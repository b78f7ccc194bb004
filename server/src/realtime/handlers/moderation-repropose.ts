// moderation.repropose: replace a pending proposal by one to another volunteer, perhaps with a
// sealed note (certified staff).
import { wireEntryRef } from '../../domain/audit/audit-log.js';
import type { ProposalDecisions } from '../../domain/moderation/proposal-decisions.js';
import { defineHandler } from '../handler.js';

export function moderationRepropose(decisions: ProposalDecisions) {
  return defineHandler({
    event: 'moderation.repropose',
    roles: ['moderator', 'admin'],
    handle: async ({ statement, note }, { caller }) => {
      const { replaced, proposal, entry } = await decisions.repropose(caller, statement, note);
      return { replaced, proposal, entry: wireEntryRef(entry) };
    },
  });
}
