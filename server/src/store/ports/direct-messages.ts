// The direct-message port: the interim store-and-forward mailbox of opaque ciphertext, one per
// recipient device.
import type { MailboxShare } from '@kolokol/shared';

export interface DirectMessageRecord {
  readonly id: string;
  readonly senderId: string;
  /** The device that sent it (the sender's socket's device). */
  readonly senderDeviceId: string;
  readonly recipientId: string;
  /** The device whose mailbox holds it. */
  readonly recipientDeviceId: string;
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
  /** Storing it would pass one of the quota's caps (the one named); nothing stored. */
  | { readonly kind: 'full'; readonly share: keyof MailboxQuota }
  /**
   * The recipient's device list is not at the version the sender encrypted for, or does not
   * name the recipient device: nothing stored.
   */
  | { readonly kind: 'devices-changed' }
  /** The sending device was removed meanwhile: nothing stored. */
  | { readonly kind: 'sender-removed' };

/**
 * The caps a put must stay within, each on messages and on body bytes, counting the new one.
 * The domain chooses them from who the sender is; the store only counts.
 */
export interface MailboxQuota {
  /** Every undelivered envelope of the recipient device, whoever sent it. */
  readonly mailbox: MailboxShare;
  /** This sender's undelivered envelopes to the recipient device. */
  readonly sender: MailboxShare;
  /**
   * Set when the sender is a new account: every new sender's undelivered envelopes to the
   * recipient device together. The message is then stored as from a new sender, and counts
   * here later.
   */
  readonly newSenders?: MailboxShare;
}

/**
 * Interim store-and-forward mailbox for end-to-end-encrypted direct messages (issue 3), until
 * conversations with gapless sequences replace it. Messages are deleted once acknowledged, and
 * with their device when it is removed.
 */
export interface DirectMessageStore {
  /**
   * Stores the message unless the recipient's device list moved on from `deviceListVersion`
   * ('devices-changed'), the sender's device is gone ('sender-removed'), or it would pass a cap
   * of `quota` ('full'). A repeated (senderId, clientId) is 'duplicate' before anything else is
   * checked, so a retry of a stored send is answered even when the mailbox is full or the list
   * changed since. Checks and write are one atomic step.
   */
  put(
    message: DirectMessageRecord,
    quota: MailboxQuota,
    deviceListVersion: number,
  ): Promise<PutDirectMessageResult>;
  /** Undelivered messages for a device, oldest first (by createdAt, then id), at most `limit`. */
  listForRecipient(recipientDeviceId: string, limit: number): Promise<DirectMessageRecord[]>;
  /** Deletes those of `ids` addressed to the device; returns how many were deleted. */
  deleteForRecipient(recipientDeviceId: string, ids: readonly string[]): Promise<number>;
}
