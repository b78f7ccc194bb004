// requests.cancel: the contact withdraws one of their requests before it is resolved.
import type { RequestService } from '../../domain/requests.js';
import { defineHandler } from '../handler.js';

export function requestsCancel(requests: RequestService) {
  return defineHandler({
    event: 'requests.cancel',
    roles: ['contact'],
    handle: async ({ id }, { caller }) => ({ request: await requests.cancel(caller, id) }),
  });
}
