// conversations.open: a conversation with another account where the channel policy allows it.
import type { ConversationService } from '../../domain/conversations/conversations.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsOpen(conversations: ConversationService) {
  return defineHandler({
    event: 'conversations.open',
    roles: EVERY_ROLE,
    handle: async (request, { caller }) => ({
      conversation: await conversations.open(caller, request),
    }),
  });
}
