// conversations.fetch: the caller device's envelopes in a conversation after a sequence number.
import type { ConversationMessageService } from '../../domain/conversations/conversation-messages.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsFetch(messages: ConversationMessageService) {
  return defineHandler({
    event: 'conversations.fetch',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async (request, { caller }) => ({
      messages: await messages.fetch(
        { accountId: caller.accountId, deviceId: callerDevice(caller) },
        request,
      ),
    }),
  });
}
