// matches.end: either side ends a live match, resolved or closed.
import type { MatchService } from '../../domain/moderation/matches.js';
import { defineHandler } from '../handler.js';

export function matchesEnd(matches: MatchService) {
  return defineHandler({
    event: 'matches.end',
    roles: ['contact', 'volunteer'],
    handle: async ({ id, outcome }, { caller }) => ({
      match: await matches.end(caller, id, outcome),
    }),
  });
}
