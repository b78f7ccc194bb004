// requests.create: a contact asks for help; the details are sealed to the moderators.
import type { RequestService } from '../../domain/requests.js';
import { defineHandler } from '../handler.js';

export function requestsCreate(requests: RequestService) {
  return defineHandler({
    event: 'requests.create',
    roles: ['contact'],
    handle: (input, { caller }) => requests.create(caller, input),
  });
}
