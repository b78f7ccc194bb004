// conversations.list: the caller's conversations, with its device's high water in each.
import type { ConversationService } from '../../domain/conversations/conversations.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsList(conversations: ConversationService) {
  return defineHandler({
    event: 'conversations.list',
    roles: EVERY_ROLE,
    handle: async (_request, { caller }) => ({
      conversations: await conversations.list(caller),
    }),
  });
}
