// Payloads for direct end-to-end-encrypted envelopes: an interim store-and-forward mailbox
// (issue 3) until conversations with gapless sequences replace it. Bodies are opaque ciphertext.
// Every device has its own mailbox: a sender sends one envelope per device of the recipient,
// each with the version of the recipient's device list it was made for.
import { z } from 'zod';
import { bytesSchema, idSchema } from './common.js';

/** Largest envelope: a 64 KiB padded plaintext plus ratchet and PQXDH overhead. */
export const MAX_DIRECT_BODY_BYTES = 72 * 1024;
export const MAX_DIRECT_FETCH = 100;
const KIB = 1024;
const MIB = 1024 * KIB;

/** A bound on part of a mailbox: how many undelivered envelopes, and how many bytes of body. */
export interface MailboxShare {
  readonly messages: number;
  readonly bytes: number;
}

/**
 * Limits on one recipient device's mailbox of undelivered envelopes. Past any of them `direct.send`
 * answers RATE_LIMITED and stores nothing; acknowledged envelopes free their room. Each share
 * exists so that accounts anyone can create for free cannot lock staff out of their mailbox
 * (docs/protocol.md, `direct.send`). "New" means a non-staff account younger than
 * KOLOKOL_NEW_ACCOUNT_HOURS; staff are moderators and admins, whom the operator created.
 */
export const DIRECT_MAILBOX_LIMITS = {
  /** Everything one mailbox holds, whoever sent it: bounds a recipient's storage on the server. */
  mailbox: { messages: 1000, bytes: 32 * MIB },
  /** Room in every mailbox that only staff may fill, so staff can always reach anyone. */
  staffReserve: { messages: 100, bytes: 4 * MIB },
  /** All new accounts together: any number of fresh accounts fill only this part of a mailbox. */
  newSenders: { messages: 100, bytes: 2 * MIB },
  /** One new account: a few envelopes (about 7 of the largest) until the recipient reads them. */
  perNewSender: { messages: 10, bytes: 512 * KIB },
  /** One established non-staff account: enough for a long backlog, far from a whole mailbox. */
  perSender: { messages: 100, bytes: 4 * MIB },
} as const satisfies Record<string, MailboxShare>;

export const directSendSchema = z
  .object({
    to: idSchema,
    /** The recipient's device this envelope is for. */
    device: idSchema,
    /** The version of the recipient's device list the sender encrypted for; a stale one is refused. */
    deviceListVersion: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    /** Chosen by the sender; resending the same clientId is idempotent. */
    clientId: idSchema,
    body: bytesSchema({ min: 1, max: MAX_DIRECT_BODY_BYTES }),
  })
  .strict();

export const directMessageSchema = z.object({
  id: idSchema,
  from: idSchema,
  /** The sender's device (the server's word: check it against the sender's device list). */
  fromDevice: idSchema,
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
