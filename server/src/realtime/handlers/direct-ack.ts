// direct.ack: the caller confirms receipt; the server deletes those envelopes.
import type { DirectMessageService } from '../../domain/direct-messages.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function directAck(direct: DirectMessageService) {
  return defineHandler({
    event: 'direct.ack',
    roles: EVERY_ROLE,
    handle: async ({ ids }, { caller }) => ({ deleted: await direct.ack(caller.accountId, ids) }),
  });
}
