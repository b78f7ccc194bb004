// matches.decline: the volunteer declines an approved match, or the contact the accepted volunteer.
import type { MatchService } from '../../domain/moderation/matches.js';
import { defineHandler } from '../handler.js';

export function matchesDecline(matches: MatchService) {
  return defineHandler({
    event: 'matches.decline',
    roles: ['contact', 'volunteer'],
    handle: async ({ id }, { caller }) => ({ match: await matches.decline(caller, id) }),
  });
}
