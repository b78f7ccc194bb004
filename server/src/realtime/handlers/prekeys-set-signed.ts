// prekeys.set_signed: replace the caller's signed X25519 and ML-KEM-768 prekeys.
import type { PrekeyService } from '../../domain/prekeys.js';
import { defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysSetSigned(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.set_signed',
    roles: EVERY_ROLE,
    handle: async ({ signedPrekey, kemPrekey }, { caller }) => {
      await prekeys.setSigned(caller.accountId, signedPrekey, kemPrekey);
      return {};
    },
  });
}
