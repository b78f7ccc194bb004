// socket.io's server and socket types, parameterised by the event maps from shared.
import type { Server, Socket } from 'socket.io';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
} from '@kolokol/shared';

export type KolokolServer = Server<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;
export type KolokolSocket = Socket<
  ClientToServerEvents,
  ServerToClientEvents,
  InterServerEvents,
  SocketData
>;

export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;
export const accountRoom = (accountId: string): string => `account:${accountId}`;
export const deviceRoom = (deviceId: string): string => `device:${deviceId}`;
/** Every moderator's and admin's socket: where the moderation queue's and abuse reports' changes are pushed. */
export const STAFF_ROOM = 'staff';
