// requests.list: the contact's own requests with their states.
import type { RequestService } from '../../domain/requests.js';
import { defineHandler } from '../handler.js';

export function requestsList(requests: RequestService) {
  return defineHandler({
    event: 'requests.list',
    roles: ['contact'],
    handle: async (_input, { caller }) => ({ requests: await requests.list(caller) }),
  });
}
