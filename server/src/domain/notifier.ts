// What the domain tells connected clients, without knowing how: the realtime layer implements
// this with socket.io rooms (and, scaled out, the Redis adapter).
import type {
  ConversationMessageWire,
  ConversationWire,
  ConversationsDelivered,
  DevicesChanged,
  MatchesChanged,
  QueueChanged,
  ReportsChanged,
  RequestsChanged,
} from '@kolokol/shared';

export interface Notifier {
  /** To the device's sockets: its pools of one-time prekeys are running low. */
  prekeysLow(
    deviceId: string,
    left: { oneTimeRemaining: number; oneTimeKemRemaining: number },
  ): void;
  /** To every socket of the account, whichever device (or none) it acts as. */
  devicesChanged(event: DevicesChanged): void;
  /** To every socket of the request's contact: the request changed state. */
  requestChanged(ownerId: string, event: RequestsChanged): void;
  /** To the recipient device's sockets: its envelope of a conversation message. */
  conversationMessage(deviceId: string, message: ConversationMessageWire): void;
  /** To every socket of the account: one of its conversations opened, closed or changed its timer. */
  conversationChanged(accountId: string, conversation: ConversationWire): void;
  /**
   * To every socket of the account: the other participant's devices raised the delivered mark of
   * one of its conversations (every message up to `seq` reached at least one of them).
   */
  conversationDelivered(accountId: string, event: ConversationsDelivered): void;
  /** To every moderator's and admin's sockets: the queue of pending proposals changed. */
  queueChanged(event: QueueChanged): void;
  /** To every socket of the account: one of its matches changed state. */
  matchChanged(accountId: string, event: MatchesChanged): void;
  /** To every staff (moderator, admin) socket: an abuse report was made or closed. */
  reportChanged(event: ReportsChanged): void;
}

/** Tells no one: for the host CLI and tests, where no sockets are connected to tell. */
export const SILENT_NOTIFIER: Notifier = {
  prekeysLow() {},
  devicesChanged() {},
  requestChanged() {},
  queueChanged() {},
  matchChanged() {},
  reportChanged() {},
  conversationMessage() {},
  conversationChanged() {},
  conversationDelivered() {},
};
