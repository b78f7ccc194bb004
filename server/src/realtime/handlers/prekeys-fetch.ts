// prekeys.fetch: another account's bundle, consuming one of its one-time prekeys.
import type { PrekeyService } from '../../domain/prekeys.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysFetch(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.fetch',
    roles: EVERY_ROLE,
    handle: ({ accountId }, { caller }) => prekeys.fetchBundle(caller, accountId),
  });
}
