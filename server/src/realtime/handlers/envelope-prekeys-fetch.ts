// envelope_prekeys.fetch: another account's current envelope prekey (moderators and admins).
import type { EnvelopePrekeyService } from '../../domain/envelope-prekeys.js';
import { defineHandler } from '../handler.js';

export function envelopePrekeysFetch(envelopePrekeys: EnvelopePrekeyService) {
  return defineHandler({
    event: 'envelope_prekeys.fetch',
    roles: ['moderator', 'admin'],
    handle: ({ accountId }, { caller }) => envelopePrekeys.fetch(caller, accountId),
  });
}
