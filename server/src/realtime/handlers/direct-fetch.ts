// direct.fetch: undelivered envelopes addressed to the caller, oldest first.
import { MAX_DIRECT_FETCH } from '@kolokol/shared';
import type { DirectMessageService } from '../../domain/direct-messages.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function directFetch(direct: DirectMessageService) {
  return defineHandler({
    event: 'direct.fetch',
    roles: EVERY_ROLE,
    handle: async ({ limit }, { caller }) => ({
      messages: await direct.fetch(caller.accountId, limit ?? MAX_DIRECT_FETCH),
    }),
  });
}
