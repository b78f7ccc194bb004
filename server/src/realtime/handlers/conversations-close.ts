// conversations.close: either participant ends the conversation; no more messages.
import type { ConversationService } from '../../domain/conversations/conversations.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsClose(conversations: ConversationService) {
  return defineHandler({
    event: 'conversations.close',
    roles: EVERY_ROLE,
    handle: async ({ conversation }, { caller }) => ({
      conversation: await conversations.close(caller, conversation),
    }),
  });
}
