// prekeys.status: how many one-time prekeys the caller has left, and its signed prekey id.
import type { PrekeyService } from '../../domain/prekeys.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysStatus(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.status',
    roles: EVERY_ROLE,
    handle: (_payload, { caller }) => prekeys.status(caller.accountId),
  });
}
