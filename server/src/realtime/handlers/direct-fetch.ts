// direct.fetch: undelivered envelopes in the caller device's mailbox, oldest first.
import { MAX_DIRECT_FETCH } from '@kolokol/shared';
import type { DirectMessageService } from '../../domain/direct-messages.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function directFetch(direct: DirectMessageService) {
  return defineHandler({
    event: 'direct.fetch',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async ({ limit }, { caller }) => ({
      messages: await direct.fetch(callerDevice(caller), limit ?? MAX_DIRECT_FETCH),
    }),
  });
}
