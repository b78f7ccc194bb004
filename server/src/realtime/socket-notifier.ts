// The Notifier port over socket.io rooms: pushes reach every socket of the account, on this
// node or (with the Redis adapter) any other.
import { toDirectMessageWire } from '../domain/direct-messages.js';
import type { Notifier } from '../domain/notifier.js';
import { accountRoom, type KolokolServer } from './socket-types.js';

export function socketNotifier(io: () => KolokolServer | undefined): Notifier {
  return {
    prekeysLow(accountId, oneTimeRemaining) {
      io()?.to(accountRoom(accountId)).emit('prekeys.low', { oneTimeRemaining });
    },
    directMessage(message) {
      io()
        ?.to(accountRoom(message.recipientId))
        .emit('direct.message', toDirectMessageWire(message));
    },
  };
}
