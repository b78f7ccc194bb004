// The shape of the client's own state, as it is sealed in the vault (JSON, purpose
// 'client-state') and parsed back from `unknown` with these schemas: the pinned peers, the
// conversations with the device's high water, the outbox, and each conversation's history.
import { z } from 'zod';
import { ENVELOPE_BUCKETS, idSchema } from '@kolokol/shared';

const base64 = z.string().max(4 * ENVELOPE_BUCKETS[ENVELOPE_BUCKETS.length - 1]!);

/** A peer's identity as first seen (trust on first use) and its newest verified device list. */
export const pinnedPeerSchema = z.object({
  signingKey: base64,
  exchangeKey: base64,
  exchangeSignature: base64,
  deviceList: base64,
  /** Device id → the local record id its sealed session is stored under. */
  sessions: z.record(idSchema, z.string()),
});
export type PinnedPeer = z.infer<typeof pinnedPeerSchema>;

export const localConversationSchema = z.object({
  id: idSchema,
  peer: idSchema,
  /** The local record id its history is stored under. */
  record: z.string(),
  ttlSeconds: z.number().int(),
  createdAt: z.number().int(),
  closedAt: z.number().int().nullable(),
  /** The highest sequence number this device has processed and stored (its high water). */
  received: z.number().int().min(0),
  /**
   * The delivered mark: the highest sequence number a device of the peer acknowledged
   * (`conversations.delivered`, `conversations.list`); own messages up to it are `delivered`.
   * Absent in state sealed before it existed: 0.
   */
  delivered: z.number().int().min(0).default(0),
  /**
   * The highest sequence number the server gave one of this device's own messages here; with
   * `received`, what the next clientId's prefix starts from (client-ids.ts). Absent in state
   * sealed before it existed: 0.
   */
  sent: z.number().int().min(0).default(0),
});
export type LocalConversation = z.infer<typeof localConversationSchema>;

export const outboxEntrySchema = z.object({
  clientId: idSchema,
  conversation: idSchema,
  text: z.string(),
  /** Once encrypted, the exact envelopes every retry sends (the ratchet state is already advanced). */
  envelopes: z.array(z.object({ device: idSchema, body: base64 })).nullable(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

export const clientStateSchema = z.object({
  version: z.literal(1),
  accountId: idSchema,
  deviceId: idSchema,
  peers: z.record(idSchema, pinnedPeerSchema),
  conversations: z.record(idSchema, localConversationSchema),
  outbox: z.array(outboxEntrySchema),
});
export type ClientState = z.infer<typeof clientStateSchema>;

/**
 * `queued`: in the outbox, not yet acknowledged by the server; `sent`: stored by the server under
 * `seq`; `delivered`: a device of the peer acknowledged it (the conversation's delivered mark
 * reached its `seq`); `failed`: refused for good (the conversation closed, say); `received`: from
 * the peer; `undecryptable`: from the peer, but it did not decrypt (shown as such, never silently
 * dropped).
 */
export const messageStateSchema = z.enum([
  'queued',
  'sent',
  'delivered',
  'failed',
  'received',
  'undecryptable',
]);
export type MessageState = z.infer<typeof messageStateSchema>;

export const localMessageSchema = z.object({
  /** The sender's clientId for own messages; `seq:<n>` for received ones. */
  id: z.string(),
  conversation: idSchema,
  from: z.enum(['me', 'peer']),
  /** The conversation's sequence number, once the server assigned one. */
  seq: z.number().int().nullable(),
  text: z.string().nullable(),
  /** When it was written (own) or sent (received, the server's time). */
  at: z.number().int(),
  state: messageStateSchema,
  /** Why a message failed or did not decrypt (an error code, never key material). */
  problem: z.string().optional(),
});
export type LocalMessage = z.infer<typeof localMessageSchema>;

export const historySchema = z.array(localMessageSchema);

/** What travels inside the ratchet: a versioned message, so later kinds can be added. */
export const messagePlaintextSchema = z.object({
  v: z.literal(1),
  kind: z.literal('text'),
  text: z.string(),
});
