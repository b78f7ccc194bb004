// matches.accept: the volunteer accepts an approved match; it goes live.
import type { MatchService } from '../../domain/moderation/matches.js';
import { defineHandler } from '../handler.js';

export function matchesAccept(matches: MatchService) {
  return defineHandler({
    event: 'matches.accept',
    roles: ['volunteer'],
    handle: async ({ id }, { caller }) => ({ match: await matches.accept(caller, id) }),
  });
}
