// The direct-message port: the interim store-and-forward mailbox of opaque ciphertext.

export interface DirectMessageRecord {
  readonly id: string;
  readonly senderId: string;
  readonly recipientId: string;
  /** Sender-chosen id; (senderId, clientId) is unique, which makes a retried send idempotent. */
  readonly clientId: string;
  /** End-to-end-encrypted envelope, opaque to the server. */
  readonly body: Uint8Array;
  readonly createdAt: number;
}

export type PutDirectMessageResult =
  | { readonly kind: 'created'; readonly message: DirectMessageRecord }
  /** The same (senderId, clientId) was stored before: that earlier record, unchanged. */
  | { readonly kind: 'duplicate'; readonly message: DirectMessageRecord }
  /** The recipient's mailbox (or this sender's share of it) is full; nothing stored. */
  | { readonly kind: 'full' };

/**
 * Interim store-and-forward mailbox for end-to-end-encrypted direct messages (issue 3), until
 * conversations with gapless sequences replace it. Messages are deleted once acknowledged.
 */
export interface DirectMessageStore {
  /**
   * 'full' when the recipient already has `maxPending` undelivered messages, or — when given —
   * `maxPendingFromSender` of them from this sender (so one sender cannot fill a mailbox for all).
   */
  put(
    message: DirectMessageRecord,
    maxPending: number,
    maxPendingFromSender?: number,
  ): Promise<PutDirectMessageResult>;
  /** Undelivered messages for a recipient, oldest first (by createdAt, then id), at most `limit`. */
  listForRecipient(recipientId: string, limit: number): Promise<DirectMessageRecord[]>;
  /** Deletes those of `ids` addressed to `recipientId`; returns how many were deleted. */
  deleteForRecipient(recipientId: string, ids: readonly string[]): Promise<number>;
}
