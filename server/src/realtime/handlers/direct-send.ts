// direct.send: store and forward an end-to-end-encrypted envelope to one account.
import type { DirectMessageService } from '../../domain/direct-messages.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function directSend(direct: DirectMessageService) {
  return defineHandler({
    event: 'direct.send',
    roles: EVERY_ROLE,
    handle: (message, { caller }) => direct.send(caller, message),
  });
}
