// conversations.block: either side of a match blocks the other from their conversation.
import type { MatchService } from '../../domain/moderation/matches.js';
import { defineHandler } from '../handler.js';

export function conversationsBlock(matches: MatchService) {
  return defineHandler({
    event: 'conversations.block',
    roles: ['contact', 'volunteer'],
    handle: async ({ conversation }, { caller }) => ({
      conversation: await matches.blockInConversation(caller, conversation),
    }),
  });
}
