// Payloads for direct end-to-end-encrypted envelopes: an interim store-and-forward mailbox
// (issue 3) until conversations with gapless sequences replace it. Bodies are opaque ciphertext.
import { z } from 'zod';
import { bytesSchema, idSchema } from './common.js';

/** Largest envelope: a 64 KiB padded plaintext plus ratchet and PQXDH overhead. */
export const MAX_DIRECT_BODY_BYTES = 72 * 1024;
export const MAX_DIRECT_FETCH = 100;
/** Undelivered messages a recipient's mailbox holds before senders get RATE_LIMITED. */
export const MAX_PENDING_DIRECT_MESSAGES = 1000;
/** ...and at most this many of them from any one sender, so no sender can fill it for all. */
export const MAX_PENDING_DIRECT_MESSAGES_PER_SENDER = 200;

export const directSendSchema = z
  .object({
    to: idSchema,
    /** Chosen by the sender; resending the same clientId is idempotent. */
    clientId: idSchema,
    body: bytesSchema({ min: 1, max: MAX_DIRECT_BODY_BYTES }),
  })
  .strict();

export const directMessageSchema = z.object({
  id: idSchema,
  from: idSchema,
  body: bytesSchema({ min: 1, max: MAX_DIRECT_BODY_BYTES }),
  createdAt: z.number().int(),
});
export type DirectMessageWire = z.input<typeof directMessageSchema>;

export const directFetchSchema = z
  .object({ limit: z.number().int().min(1).max(MAX_DIRECT_FETCH).optional() })
  .strict();

export const directAckSchema = z
  .object({ ids: z.array(idSchema).min(1).max(MAX_DIRECT_FETCH) })
  .strict();
