// Payloads of the audited moderator decisions (vetting, suspension) and of the audit log's head.
// A decision travels as one signed audit statement (crypto.md §5.2), made in the actor's client;
// the server checks it and answers with the log entry that now records it.
import { z } from 'zod';
import { RISK_TIERS } from '../skills/taxonomy.js';
import { bytesSchema, idSchema } from './common.js';
import { MAX_CERTIFICATE_BYTES, MAX_REVOCATION_LIST_BYTES } from './keys.js';

/**
 * A ceiling for an audit statement on the wire, above the largest the format allows
 * (MAX_AUDIT_STATEMENT_BYTES, 519 bytes; crypto checks the exact bounds).
 */
export const MAX_AUDIT_STATEMENT_WIRE_BYTES = 1024;

/** Where a volunteer stands: not vetted, or vetted at a risk tier (RISK_TIERS). */
export const VETTING_TIERS = ['none', ...RISK_TIERS] as const;
export type VettingTier = (typeof VETTING_TIERS)[number];
export const vettingTierSchema = z.enum(VETTING_TIERS);

/** `volunteers.vet`, `volunteers.unvet`, `moderation.suspend`, `moderation.reinstate`. */
export const signedDecisionSchema = z
  .object({
    /** issueAuditStatement() by the caller's certified identity, of the event's kind. */
    statement: bytesSchema({ min: 1, max: MAX_AUDIT_STATEMENT_WIRE_BYTES }),
  })
  .strict();

/** The log entry that records a decision: its number and hash (the new head, for the client to keep). */
export const auditEntryRefSchema = z.object({
  seq: z.number().int().positive(),
  hash: bytesSchema(32),
});

export const vettingStatusInputSchema = z
  .object({
    /** The volunteer; a volunteer asking about itself may leave it out. */
    accountId: idSchema.optional(),
  })
  .strict();

export const vettingStatusSchema = z.object({
  accountId: idSchema,
  tier: vettingTierSchema,
  /** When the current tier took effect (ms); null when not vetted. */
  since: z.number().int().nullable(),
  /** Staff only: who decided the current tier (two moderators for high). */
  decidedBy: z.array(idSchema).optional(),
  /** Staff only: moderators whose `high` statement waits for a second, different moderator's. */
  highEndorsedBy: z.array(idSchema).optional(),
});
export type VettingStatus = z.output<typeof vettingStatusSchema>;

export const vettingDecisionResultSchema = z.object({
  status: vettingStatusSchema,
  entry: auditEntryRefSchema,
});

export const suspendResultSchema = z.object({
  /** How many live sessions the suspension ended (their sockets were disconnected at once). */
  sessionsEnded: z.number().int(),
  entry: auditEntryRefSchema,
});

export const reinstateResultSchema = z.object({ entry: auditEntryRefSchema });

export const auditHeadSchema = z.object({
  /** Entries in the log (the last one's number); 0 for an empty log. */
  length: z.number().int().nonnegative(),
  /** The last entry's hash; 32 zero bytes for an empty log. */
  head: bytesSchema(32),
});

/**
 * Entries `audit.entries` returns at most per page: bounds one answer to about 100 × 2 KiB for
 * decisions (a revocation statement, ≤ 256 KiB, is signed offline by the operator and rare).
 */
export const MAX_AUDIT_ENTRIES_PAGE = 100;

/** What an entry holds (AUDIT_ENTRY_TYPES in shared/src/crypto/trust/audit-chain.ts). */
export const auditEntryTypeSchema = z.enum(['statement', 'certificate', 'revocation', 'operator']);

export const auditEntriesInputSchema = z
  .object({
    /** The last entry the client has (0 to start at entry 1). */
    after: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
    limit: z.number().int().min(1).max(MAX_AUDIT_ENTRIES_PAGE),
  })
  .strict();

/** One log entry exactly as stored: every field the chain hashes (auditEntryHash), and the hash. */
export const auditEntryWireSchema = z.object({
  seq: z.number().int().positive(),
  type: auditEntryTypeSchema,
  recordedAt: z.number().int().nonnegative(),
  /** The statement, certificate, revocation statement or operator action. */
  payload: bytesSchema({ min: 1, max: MAX_REVOCATION_LIST_BYTES }),
  /** For a statement: the actor's certificate it was verified against. */
  certificate: bytesSchema({ min: 1, max: MAX_CERTIFICATE_BYTES }).nullable(),
  prevHash: bytesSchema(32),
  hash: bytesSchema(32),
});

export const auditEntriesResultSchema = z.object({
  /** Entries with seq > `after`, ascending, at most `limit`; fewer than `limit` at the log's end. */
  entries: z.array(auditEntryWireSchema).max(MAX_AUDIT_ENTRIES_PAGE),
  /** The log's length and head when the page was read (as `audit.head`). */
  length: z.number().int().nonnegative(),
  head: bytesSchema(32),
});
