// prekeys.add_one_time: add one-time prekeys to the caller device's supply, all or none.
import type { PrekeyService } from '../../domain/prekeys.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysAddOneTime(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.add_one_time',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async (payload, { caller }) => ({
      oneTimeRemaining: await prekeys.addOneTime(callerDevice(caller), payload.prekeys),
    }),
  });
}
