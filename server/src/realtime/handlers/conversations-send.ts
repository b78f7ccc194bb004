// conversations.send: store one message (an envelope per device of the peer), then ack its seq.
import type { ConversationMessageService } from '../../domain/conversations/conversation-messages.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsSend(messages: ConversationMessageService) {
  return defineHandler({
    event: 'conversations.send',
    roles: EVERY_ROLE,
    device: 'required',
    handle: (message, { caller }) =>
      messages.send({ accountId: caller.accountId, deviceId: callerDevice(caller) }, message),
  });
}
