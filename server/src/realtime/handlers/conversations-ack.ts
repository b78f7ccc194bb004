// conversations.ack: the caller device's high water; its envelopes up to it are deleted.
import type { ConversationMessageService } from '../../domain/conversations/conversation-messages.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function conversationsAck(messages: ConversationMessageService) {
  return defineHandler({
    event: 'conversations.ack',
    roles: EVERY_ROLE,
    device: 'required',
    handle: (request, { caller }) =>
      messages.ack({ accountId: caller.accountId, deviceId: callerDevice(caller) }, request),
  });
}
