// direct.ack: the caller's device confirms receipt; the server deletes those envelopes.
import type { DirectMessageService } from '../../domain/direct-messages.js';
import { callerDevice, defineHandler, EVERY_ROLE } from '../handler.js';

export function directAck(direct: DirectMessageService) {
  return defineHandler({
    event: 'direct.ack',
    roles: EVERY_ROLE,
    device: 'required',
    handle: async ({ ids }, { caller }) => ({
      deleted: await direct.ack(callerDevice(caller), ids),
    }),
  });
}
