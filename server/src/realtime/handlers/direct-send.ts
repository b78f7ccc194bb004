// direct.send: store and forward an end-to-end-encrypted envelope to one device of one account.
import type { DirectMessageService } from '../../domain/direct-messages.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function directSend(direct: DirectMessageService) {
  return defineHandler({
    event: 'direct.send',
    roles: EVERY_ROLE,
    device: 'required',
    handle: (message, { caller }) =>
      direct.send({ ...caller, deviceId: callerDevice(caller) }, message),
  });
}
