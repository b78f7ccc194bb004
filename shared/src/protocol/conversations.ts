// Payloads of conversations (issue 9): two accounts talk through Double Ratchet envelopes the
// server cannot read, one per recipient device, stored before they are acknowledged, under a
// gapless per-conversation sequence, deleted once the device acknowledges them or at the
// conversation's disappearing-message timer. They are the one messaging path (protocol 4.0).
import { z } from 'zod';
import { base64UrlTextSchema, bytesSchema, idSchema } from './common.js';
import { MAX_DEVICES_PER_ACCOUNT_CEILING } from './devices.js';

const KIB = 1024;
const MIB = 1024 * KIB;
const HOUR_SECONDS = 3600;
const DAY_SECONDS = 24 * HOUR_SECONDS;

/**
 * The padded plaintext sizes of the crypto (`PADDING_BUCKETS`, docs/crypto.md §6): every
 * envelope's ciphertext is one of these plus a fixed overhead, so its length tells only a bucket.
 * A test pins this list to the crypto's.
 */
export const ENVELOPE_BUCKETS = [256, 1024, 4096, 16384, 65536] as const;

/** A Double Ratchet message (suite 0x02) is its bucket plus this (crypto's MIN_RATCHET_MESSAGE_BYTES). */
export const RATCHET_ENVELOPE_OVERHEAD = 100;

/** A PQXDH prekey message (suite 0x03) is its bucket plus this: the handshake, then a ratchet message. */
export const PREKEY_ENVELOPE_OVERHEAD = 1366;

/** Every length an envelope may have: a padded ratchet or prekey message, nothing in between. */
export const ENVELOPE_SIZES: ReadonlySet<number> = new Set(
  ENVELOPE_BUCKETS.flatMap((bucket) => [
    bucket + RATCHET_ENVELOPE_OVERHEAD,
    bucket + PREKEY_ENVELOPE_OVERHEAD,
  ]),
);

/** The largest envelope: a prekey message carrying the largest bucket. */
export const MAX_ENVELOPE_BYTES = Math.max(...ENVELOPE_SIZES);

/**
 * Every limit of conversations, each with what it bounds and why (docs/protocol.md,
 * "Conversations"). The messages-per-minute rate is configuration (KOLOKOL_CONVERSATION_MESSAGES_PER_MINUTE).
 */
export const CONVERSATION_LIMITS = {
  /**
   * Envelope bytes in one `conversations.send`, all devices together: one send stays within the
   * socket message limit, and a recipient with many devices gets smaller buckets or several sends.
   */
  sendBytes: 250 * KIB,
  /** Envelopes in one send: one per device of the recipient, and a device list names at most 20. */
  envelopesPerSend: MAX_DEVICES_PER_ACCOUNT_CEILING,
  /**
   * Unacknowledged envelopes one recipient device may hold in one conversation, by count and by
   * bytes: a device that never reads cannot grow the server's disk beyond this per conversation;
   * the timer purges the rest. Past it the sender gets RATE_LIMITED until the device acks.
   */
  backlog: { envelopes: 1000, bytes: 16 * MIB },
  /** Messages one `conversations.fetch` returns at most. */
  fetch: 100,
  /** Conversations `conversations.list` returns at most (the most recently active first). */
  list: 500,
} as const;

/** The disappearing-message timer's range: an hour to four weeks (issue 9). */
export const CONVERSATION_TTL_SECONDS = { min: HOUR_SECONDS, max: 28 * DAY_SECONDS } as const;

/** The timer a conversation gets when the opener chooses none and a contact takes part: a week. */
export const CONTACT_CONVERSATION_TTL_SECONDS = 7 * DAY_SECONDS;

/** The timer a conversation between staff and a volunteer gets by default: the longest. */
export const DEFAULT_CONVERSATION_TTL_SECONDS = CONVERSATION_TTL_SECONDS.max;

const ttlSchema = z
  .number()
  .int()
  .min(CONVERSATION_TTL_SECONDS.min)
  .max(CONVERSATION_TTL_SECONDS.max);

/** A sequence number: 1 is the first message of a conversation. */
const seqSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

export const conversationSchema = z.object({
  id: idSchema,
  /** The other participant's account id. */
  peer: idSchema,
  ttlSeconds: ttlSchema,
  /** The sequence number of the newest message (0 before the first). */
  lastSeq: seqSchema,
  createdAt: z.number().int(),
  closedAt: z.number().int().nullable(),
});
export type ConversationWire = z.input<typeof conversationSchema>;

/** A conversation as `conversations.list` shows it to one device. */
export const conversationListEntrySchema = conversationSchema.extend({
  /** The highest sequence number the caller's device acknowledged (0 on a socket without a device). */
  ackedSeq: seqSchema,
  /**
   * The delivered mark: the highest high water any device of the peer acknowledged in the
   * conversation (0 for none). Every message of the caller's up to it reached the peer's side
   * (docs/protocol.md, "Delivered").
   */
  delivered: seqSchema,
});
export type ConversationListEntryWire = z.input<typeof conversationListEntrySchema>;

export const conversationsOpenSchema = z
  .object({
    peer: idSchema,
    /** The timer for a new conversation; an open one keeps its own. */
    ttlSeconds: ttlSchema.optional(),
  })
  .strict();

export const conversationsListSchema = z.object({}).strict();

export const envelopeSchema = z
  .object({
    /** The recipient's device this envelope is for. */
    device: idSchema,
    /**
     * Its length is checked against ENVELOPE_SIZES by the server (PAYLOAD_TOO_LARGE above the
     * largest). Parsed as text, not bytes: the server forwards it as received (docs/relay.md).
     */
    body: base64UrlTextSchema({ min: 1, max: CONVERSATION_LIMITS.sendBytes }),
  })
  .strict();

export const conversationsSendSchema = z
  .object({
    conversation: idSchema,
    /** Chosen by the sender; resending the same clientId returns the first ack and stores nothing. */
    clientId: idSchema,
    /** One envelope for every device on the recipient's device list, and no other. */
    envelopes: z.array(envelopeSchema).min(1).max(CONVERSATION_LIMITS.envelopesPerSend),
  })
  .strict();

export const conversationsSendResultSchema = z.object({
  seq: seqSchema,
  sentAt: z.number().int(),
});

export const conversationMessageSchema = z.object({
  conversation: idSchema,
  seq: seqSchema,
  from: idSchema,
  /** The sending device (the server's word: check it against the sender's device list). */
  fromDevice: idSchema,
  body: bytesSchema({ min: 1, max: MAX_ENVELOPE_BYTES }),
  sentAt: z.number().int(),
});
export type ConversationMessageWire = z.input<typeof conversationMessageSchema>;

export const conversationsFetchSchema = z
  .object({
    conversation: idSchema,
    /** Messages with a sequence number above this one (the device's acknowledged high water). */
    after: seqSchema,
    limit: z.number().int().min(1).max(CONVERSATION_LIMITS.fetch).optional(),
  })
  .strict();

export const conversationsAckSchema = z
  .object({ conversation: idSchema, seq: seqSchema.min(1) })
  .strict();

export const conversationsCloseSchema = z.object({ conversation: idSchema }).strict();

/**
 * Either side of a match blocks the other from their conversation: the pair barred for good, the
 * match withdrawn, the conversation closed (docs/protocol.md, "conversations.block").
 */
export const conversationsBlockSchema = z.object({ conversation: idSchema }).strict();

export const conversationsSetTimerSchema = z
  .object({ conversation: idSchema, ttlSeconds: ttlSchema })
  .strict();

/** Pushed to both participants' sockets when a conversation opens, closes or changes its timer. */
export const conversationsChangedSchema = z.object({ conversation: conversationSchema });
export type ConversationsChanged = z.input<typeof conversationsChangedSchema>;

/**
 * Pushed to every socket of a conversation's participant when the other participant's devices
 * raised their delivered mark: every message up to `seq` reached at least one device of theirs.
 */
export const conversationsDeliveredSchema = z.object({
  conversation: idSchema,
  seq: seqSchema.min(1),
});
export type ConversationsDelivered = z.input<typeof conversationsDeliveredSchema>;

/** Why an envelope's length is refused, or null when it is a padded envelope size. */
export function envelopeSizeProblem(length: number): 'too-large' | 'not-padded' | null {
  if (length > MAX_ENVELOPE_BYTES) return 'too-large';
  return ENVELOPE_SIZES.has(length) ? null : 'not-padded';
}
