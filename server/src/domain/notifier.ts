// What the domain tells connected clients, without knowing how: the realtime layer implements
// this with socket.io rooms (and, scaled out, the Redis adapter).
import type { DevicesChanged, ReportsChanged, RequestsChanged } from '@kolokol/shared';
import type { DirectMessageRecord } from '../store/ports.js';

export interface Notifier {
  /** To the device's sockets: its pools of one-time prekeys are running low. */
  prekeysLow(
    deviceId: string,
    left: { oneTimeRemaining: number; oneTimeKemRemaining: number },
  ): void;
  /** To the recipient device's sockets. */
  directMessage(message: DirectMessageRecord): void;
  /** To every socket of the account, whichever device (or none) it acts as. */
  devicesChanged(event: DevicesChanged): void;
  /** To every socket of the request's contact: the request changed state. */
  requestChanged(ownerId: string, event: RequestsChanged): void;
  /** To every staff (moderator, admin) socket: an abuse report was made or closed. */
  reportChanged(event: ReportsChanged): void;
}
