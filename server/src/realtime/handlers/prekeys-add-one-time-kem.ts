// prekeys.add_one_time_kem: add signed one-time ML-KEM-768 prekeys to the caller device's
// supply, all or none.
import type { PrekeyService } from '../../domain/prekeys.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysAddOneTimeKem(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.add_one_time_kem',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async (payload, { caller }) => ({
      oneTimeKemRemaining: await prekeys.addOneTimeKem(callerDevice(caller), payload.prekeys),
    }),
  });
}
