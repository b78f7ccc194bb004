// The Notifier port over socket.io rooms: pushes reach every socket of the device (or of the
// account), on this node or (with the Redis adapter) any other.
import type { Notifier } from '../domain/notifier.js';
import { STAFF_ROOM, accountRoom, deviceRoom, type KolokolServer } from './socket-types.js';

export function socketNotifier(io: () => KolokolServer | undefined): Notifier {
  return {
    prekeysLow(deviceId, left) {
      io()?.to(deviceRoom(deviceId)).emit('prekeys.low', left);
    },
    devicesChanged(event) {
      io()?.to(accountRoom(event.accountId)).emit('devices.changed', event);
    },
    requestChanged(ownerId, event) {
      io()?.to(accountRoom(ownerId)).emit('requests.changed', event);
    },
    conversationMessage(deviceId, message) {
      io()?.to(deviceRoom(deviceId)).emit('conversations.message', message);
    },
    conversationChanged(accountId, conversation) {
      io()?.to(accountRoom(accountId)).emit('conversations.changed', { conversation });
    },
    conversationDelivered(accountId, event) {
      io()?.to(accountRoom(accountId)).emit('conversations.delivered', event);
    },
    queueChanged(event) {
      io()?.to(STAFF_ROOM).emit('moderation.queue_changed', event);
    },
    matchChanged(accountId, event) {
      io()?.to(accountRoom(accountId)).emit('matches.changed', event);
    },
    reportChanged(event) {
      io()?.to(STAFF_ROOM).emit('reports.changed', event);
    },
  };
}
