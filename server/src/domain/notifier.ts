// What the domain tells connected clients, without knowing how: the realtime layer implements
// this with socket.io rooms (and, scaled out, the Redis adapter).
import type { DirectMessageRecord } from '../store/ports.js';

export interface Notifier {
  prekeysLow(accountId: string, oneTimeRemaining: number): void;
  directMessage(message: DirectMessageRecord): void;
}
