// envelope_prekeys.publish: store the caller's newest identity-signed envelope prekey.
import type { EnvelopePrekeyService } from '../../domain/envelope-prekeys.js';
import { ENVELOPE_PREKEY_ROLES } from '../../domain/envelope-prekeys.js';
import { defineHandler } from '../handler.js';

export function envelopePrekeysPublish(envelopePrekeys: EnvelopePrekeyService) {
  return defineHandler({
    event: 'envelope_prekeys.publish',
    roles: ENVELOPE_PREKEY_ROLES,
    handle: async ({ prekey }, { caller }) => {
      await envelopePrekeys.publish(caller, prekey);
      return {};
    },
  });
}
