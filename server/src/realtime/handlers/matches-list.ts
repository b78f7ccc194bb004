// matches.list: a volunteer's approved and accepted matches, or a contact's accepted ones.
import type { MatchService } from '../../domain/moderation/matches.js';
import { defineHandler } from '../handler.js';

export function matchesList(matches: MatchService) {
  return defineHandler({
    event: 'matches.list',
    roles: ['contact', 'volunteer'],
    handle: async (_input, { caller }) => ({ matches: await matches.list(caller) }),
  });
}
