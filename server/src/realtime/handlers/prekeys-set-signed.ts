// prekeys.set_signed: replace the caller device's signed X25519 and last-resort ML-KEM-768 prekeys.
import type { PrekeyService } from '../../domain/prekeys.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysSetSigned(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.set_signed',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async ({ signedPrekey, kemPrekey }, { caller }) => {
      await prekeys.setSigned(callerDevice(caller), signedPrekey, kemPrekey);
      return {};
    },
  });
}
