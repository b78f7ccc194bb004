// The conversation port: conversations between two accounts, their messages under a gapless
// per-conversation sequence, and the end-to-end-encrypted envelopes (one per recipient device,
// opaque to the server) each kept until its device acknowledges it or the conversation's timer
// runs out. Once a message's envelopes are gone, only what sequencing and idempotent retries need
// is kept (sender, its device, clientId, seq, time), and that too goes at the timer.

export interface ConversationRecord {
  readonly id: string;
  /** The two participants, in no particular order. */
  readonly participants: readonly [string, string];
  /** The disappearing-message timer: a message is purged this long after it was sent. */
  readonly ttlMs: number;
  /** The newest message's sequence number; 0 before the first. */
  readonly lastSeq: number;
  readonly createdAt: number;
  readonly closedAt: number | null;
}

export interface NewConversation {
  readonly id: string;
  readonly participants: readonly [string, string];
  readonly ttlMs: number;
  readonly createdAt: number;
}

export interface NewConversationMessage {
  readonly conversationId: string;
  readonly senderId: string;
  readonly senderDeviceId: string;
  /** Sender-chosen; (conversationId, senderId, clientId) is unique: a retried send is idempotent. */
  readonly clientId: string;
  readonly sentAt: number;
  /** One per recipient device, opaque ciphertext. */
  readonly envelopes: readonly { readonly deviceId: string; readonly body: Uint8Array }[];
}

/** The caps on what one recipient device may hold unacknowledged in one conversation. */
export interface BacklogCaps {
  readonly envelopes: number;
  readonly bytes: number;
}

export type AppendMessageResult =
  | { readonly kind: 'created'; readonly seq: number; readonly sentAt: number }
  /** The same clientId was stored before by this sender: that first ack, nothing stored. */
  | { readonly kind: 'duplicate'; readonly seq: number; readonly sentAt: number }
  /** No such conversation, or the sender is not a participant: nothing stored. */
  | { readonly kind: 'not-found' }
  | { readonly kind: 'closed' }
  /** The envelopes do not name exactly the recipient's current devices: nothing stored. */
  | { readonly kind: 'devices-changed' }
  /** The sending device was removed meanwhile: nothing stored. */
  | { readonly kind: 'sender-removed' }
  /** A recipient device's unacknowledged backlog would pass a cap: nothing stored. */
  | { readonly kind: 'backlog-full' };

export interface ConversationEnvelopeRecord {
  readonly conversationId: string;
  readonly seq: number;
  readonly senderId: string;
  readonly senderDeviceId: string;
  readonly sentAt: number;
  readonly body: Uint8Array;
}

export type AckResult =
  /** The device's high water after the ack (unchanged when the ack was not above it). */
  | {
      readonly kind: 'acked';
      readonly ackedSeq: number;
      readonly deleted: number;
      /**
       * The acknowledging account's delivered mark in the conversation — the highest high water
       * among its devices — when this ack raised it; null when it did not.
       */
      readonly delivered: number | null;
    }
  /** The sequence number is above the conversation's newest: nothing changed. */
  | { readonly kind: 'no-such-seq' };

export interface ConversationStore {
  /**
   * Opens a conversation between the two, unless one between them is open already: then that
   * one, unchanged ('existing'). Check and insert are one atomic step.
   */
  openConversation(
    conversation: NewConversation,
  ): Promise<{ readonly kind: 'created' | 'existing'; readonly conversation: ConversationRecord }>;
  findConversation(id: string): Promise<ConversationRecord | undefined>;
  /** The open conversation between the two accounts (in either order), if there is one. */
  findOpenBetween(first: string, second: string): Promise<ConversationRecord | undefined>;
  /**
   * The account's conversations, newest first, at most `limit`, each with `deviceId`'s
   * acknowledged high water (0 for none or a null device) and the delivered mark: the highest
   * high water of any current device of the other participant (0 for none).
   */
  listConversations(
    accountId: string,
    deviceId: string | null,
    limit: number,
  ): Promise<(ConversationRecord & { readonly ackedSeq: number; readonly delivered: number })[]>;
  /** Closes an open conversation; the record after it (unchanged when it was closed already). */
  closeConversation(id: string, at: number): Promise<ConversationRecord | undefined>;
  /** Sets an open conversation's timer; undefined when there is no such open conversation. */
  setTimer(id: string, ttlMs: number): Promise<ConversationRecord | undefined>;
  /**
   * Stores a message and its envelopes under the conversation's next sequence number, or says
   * why not (see AppendMessageResult). A repeated clientId is 'duplicate' before anything else
   * is checked. The promise resolves only once the message is committed: the caller acks after it.
   */
  appendMessage(message: NewConversationMessage, caps: BacklogCaps): Promise<AppendMessageResult>;
  /** The first ack of a stored (conversationId, senderId, clientId), if it is still kept. */
  findSent(
    conversationId: string,
    senderId: string,
    clientId: string,
  ): Promise<{ readonly seq: number; readonly sentAt: number } | undefined>;
  /**
   * The device's envelopes in the conversation with a sequence number above `after`, sent after
   * `sentAfter` (older ones are expired), in order, at most `limit`.
   */
  fetchEnvelopes(
    conversationId: string,
    deviceId: string,
    options: { readonly after: number; readonly sentAfter: number; readonly limit: number },
  ): Promise<ConversationEnvelopeRecord[]>;
  /**
   * Raises the device's high water to `seq` and deletes its envelopes up to it; resolves once
   * that is committed. Reads, and writes nothing else: the delivered mark is computed from the
   * high waters of the device's account's devices.
   */
  acknowledge(conversationId: string, deviceId: string, seq: number): Promise<AckResult>;
  /**
   * Deletes messages (with their envelopes) sent at least their conversation's timer before
   * `now`, and closed conversations closed at least their timer before it; returns how many
   * messages and conversations went.
   */
  purgeExpired(now: number): Promise<{ readonly messages: number; readonly conversations: number }>;
}
