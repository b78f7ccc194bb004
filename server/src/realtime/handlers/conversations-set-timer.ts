// conversations.set_timer: either participant sets the disappearing-message timer.
import type { ConversationService } from '../../domain/conversations/conversations.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsSetTimer(conversations: ConversationService) {
  return defineHandler({
    event: 'conversations.set_timer',
    roles: EVERY_ROLE,
    handle: async ({ conversation, ttlSeconds }, { caller }) => ({
      conversation: await conversations.setTimer(caller, conversation, ttlSeconds),
    }),
  });
}
