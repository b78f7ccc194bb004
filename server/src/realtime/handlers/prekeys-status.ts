// prekeys.status: how many one-time prekeys of each kind the caller's device has left, and its
// signed prekey id.
import type { PrekeyService } from '../../domain/prekeys.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function prekeysStatus(prekeys: PrekeyService) {
  return defineHandler({
    event: 'prekeys.status',
    roles: EVERY_ROLE,
    device: 'required',
    handle: (_payload, { caller }) => prekeys.status(callerDevice(caller)),
  });
}
