// matches.block: either side blocks the other; a live match is withdrawn.
import type { MatchService } from '../../domain/moderation/matches.js';
import { defineHandler } from '../handler.js';

export function matchesBlock(matches: MatchService) {
  return defineHandler({
    event: 'matches.block',
    roles: ['contact', 'volunteer'],
    handle: async ({ id }, { caller }) => ({ match: await matches.block(caller, id) }),
  });
}
