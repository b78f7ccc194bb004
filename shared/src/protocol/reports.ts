// Payloads of abuse reports: anyone signed in may report an account (with a reason code from a
// fixed list, perhaps the request or conversation it concerns, and an optional note sealed to the certified
// moderators); moderators and admins list the open ones and close each by a signed decision —
// dismissed (`reports.dismiss`) or actioned (`moderation.suspend` naming the report).
// docs/protocol.md ("What the server learns about a report") lists everything the server sees.
import { z } from 'zod';
import { auditEntryRefSchema, signedDecisionSchema } from './audit.js';
import { bytesSchema, idSchema } from './common.js';

/**
 * Why an account is reported, as a code a moderator's client shows in the reader's language.
 * Append only (clients and stored rows name them); the details belong in the sealed note.
 */
export const REPORT_REASONS = [
  'harassment',
  'threat',
  'suspected_infiltrator',
  'scam',
  'spam',
  'other',
] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
export const reportReasonSchema = z.enum(REPORT_REASONS);

/** A report is open until a moderator closes it: dismissed, or actioned (the subject suspended). */
export const REPORT_STATES = ['open', 'dismissed', 'actioned'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
export const reportStateSchema = z.enum(REPORT_STATES);

/**
 * The largest sealed note: a sealed envelope (crypto.md §6) of at most 4095 bytes of plaintext,
 * sealedEnvelopeLength(4095), whatever the number of moderators; a test pins the two.
 */
export const MAX_REPORT_NOTE_BYTES = 25_030;
/** Open reports `reports.list` returns at most per page, oldest first. */
export const MAX_LISTED_REPORTS = 50;

export const reportsCreateSchema = z
  .object({
    /** The reported account. */
    subject: idSchema,
    reason: reportReasonSchema,
    /** The request the report is about, if any: one the reporter or the subject made. */
    request: idSchema.optional(),
    /**
     * The conversation the report is about, if any: the reporter's with the subject. The server
     * learns only that; quotes of its messages go in the note (they cannot be verified).
     */
    conversation: idSchema.optional(),
    /** A sealed envelope to the certified moderators, context reportNoteContext(…); absent: none. */
    note: bytesSchema({ min: 1, max: MAX_REPORT_NOTE_BYTES }).optional(),
  })
  .strict();
export type ReportsCreateInput = z.input<typeof reportsCreateSchema>;

/**
 * All the reporter learns: the report was received, and its id. A repeat while the reporter's
 * report about the same account is open answers that report's id.
 */
export const reportsCreateResultSchema = z.object({
  received: z.literal(true),
  id: idSchema,
});

/** Where a page of `reports.list` ends: the next page starts after this report. */
export const reportCursorSchema = z
  .object({ createdAt: z.number().int().nonnegative(), id: idSchema })
  .strict();

export const reportsListSchema = z.object({ after: reportCursorSchema.optional() }).strict();

/** An open report as moderators see it. */
export const reportWireSchema = z.object({
  id: idSchema,
  reporterId: idSchema,
  subjectId: idSchema,
  reason: reportReasonSchema,
  /** The request it concerns; null when none. */
  requestId: idSchema.nullable(),
  /** The conversation it concerns (the reporter's with the subject); null when none. */
  conversationId: idSchema.nullable(),
  /** The sealed note; null when none. */
  note: bytesSchema({ min: 1, max: MAX_REPORT_NOTE_BYTES }).nullable(),
  /** Whether the reporter's account was younger than KOLOKOL_NEW_ACCOUNT_HOURS when it reported. */
  fromNewAccount: z.boolean(),
  state: reportStateSchema,
  createdAt: z.number().int(),
});
export type ReportWire = z.input<typeof reportWireSchema>;

export const reportsListResultSchema = z.object({
  reports: z.array(reportWireSchema),
  /** Pass as `after` for the next page; null when this page is the last. */
  next: reportCursorSchema.nullable(),
});

/** `reports.dismiss`: a signed dismiss_report statement naming the report. */
export const reportsDismissSchema = signedDecisionSchema;

export const reportsDismissResultSchema = z.object({
  report: z.object({ id: idSchema, state: reportStateSchema, closedAt: z.number().int() }),
  /** The audit log entry that records the dismissal. */
  entry: auditEntryRefSchema,
});

/** Pushed to staff sockets when a report is made or closed. */
export const reportsChangedSchema = z.object({
  id: idSchema,
  state: reportStateSchema,
  at: z.number().int(),
});
export type ReportsChanged = z.infer<typeof reportsChangedSchema>;
