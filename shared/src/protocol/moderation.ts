// Payloads of the moderation pipeline: the engine's proposals as moderators see them in their
// queue, their decisions on them (approve, reject, re-propose: signed audit statements), and the
// matches a volunteer and a contact see once moderators approved one (accept, decline, end,
// block). docs/protocol.md, "Proposals and matches", has the whole flow.
import { z } from 'zod';
import { languageCodeSchema, regionCodeSchema } from '../skills/regions.js';
import { skillCodeSchema } from '../skills/taxonomy.js';
import { auditEntryRefSchema, MAX_AUDIT_STATEMENT_WIRE_BYTES, vettingTierSchema } from './audit.js';
import { bytesSchema, idSchema } from './common.js';
import { offerResultSchema } from './offers.js';
import { MAX_REQUEST_DETAILS_BYTES, requestWireSchema, urgencySchema } from './requests.js';

/**
 * A proposal's states. pending: waiting for moderators. approved: offered to the volunteer.
 * accepted: the match is live (the request is active). ended: resolved or closed. From pending:
 * rejected, or replaced (re-proposed to another volunteer). From approved: declined (by the
 * volunteer) or timed_out. From accepted: withdrawn (the contact declined the volunteer, or either
 * side blocked the other).
 */
export const PROPOSAL_STATES = [
  'pending',
  'approved',
  'accepted',
  'ended',
  'rejected',
  'replaced',
  'declined',
  'timed_out',
  'withdrawn',
] as const;
export type ProposalState = (typeof PROPOSAL_STATES)[number];
export const proposalStateSchema = z.enum(PROPOSAL_STATES);

/** Every legal change of a proposal's state, by the state it leaves; what is not listed is illegal. */
export const PROPOSAL_TRANSITIONS: Readonly<Record<ProposalState, readonly ProposalState[]>> = {
  pending: ['approved', 'rejected', 'replaced', 'withdrawn'],
  approved: ['accepted', 'declined', 'timed_out', 'withdrawn'],
  accepted: ['ended', 'withdrawn'],
  ended: [],
  rejected: [],
  replaced: [],
  declined: [],
  timed_out: [],
  withdrawn: [],
};

/** The states that take one of the volunteer's capacity slots (their active load). */
export const LOADED_PROPOSAL_STATES: readonly ProposalState[] = ['pending', 'approved', 'accepted'];

/**
 * Why a contact and a volunteer are never matched again: a decline by either side, a block by
 * either side, a moderator's rejection of a proposal between them.
 */
export const PAIR_BAR_REASONS = ['declined', 'blocked', 'rejected'] as const;
export type PairBarReason = (typeof PAIR_BAR_REASONS)[number];

/** Pending proposals `moderation.queue` returns at most, oldest first. */
export const MAX_QUEUE_PAGE = 20;
/** Matches `matches.list` returns at most, newest first. */
export const MAX_LISTED_MATCHES = 50;
/** Reasons the engine gives for one score (one per factor), and for each alternative. */
export const MAX_PROPOSAL_REASONS = 8;
/** Other volunteers a proposal carries for a one-step re-proposal. */
export const MAX_PROPOSAL_ALTERNATIVES = 2;
/**
 * The largest sealed note on a rejection or re-proposal: a sealed envelope (crypto.md §6) of at
 * most 4095 bytes of plaintext, sealedEnvelopeLength(4095), as a report's note; a test pins the two.
 */
export const MAX_PROPOSAL_NOTE_BYTES = 25_030;
/**
 * Earlier decided (rejected, replaced) proposals of the same request a queue entry shows at most,
 * the newest of them: enough for the next moderator to see why the last volunteers were turned
 * down, while a queue page stays bounded (each may carry a MAX_PROPOSAL_NOTE_BYTES note).
 */
export const MAX_QUEUE_HISTORY = 5;

/**
 * One factor of the engine's score: its code (e.g. `skill.level_3`), its points, and the
 * parameters a translated sentence needs (the skill, the load and capacity, the hours waited, …).
 */
export const proposalReasonSchema = z
  .object({ factor: z.string(), code: z.string(), points: z.number() })
  .catchall(z.union([z.string(), z.number(), z.boolean()]));
export type ProposalReason = z.output<typeof proposalReasonSchema>;

const approvalSchema = z.object({
  moderatorId: idSchema,
  /** The audit log entry that records the approval. */
  seq: z.number().int().positive(),
});

/** A proposal as moderators see it. */
export const proposalWireSchema = z.object({
  id: idSchema,
  requestId: idSchema,
  volunteerId: idSchema,
  state: proposalStateSchema,
  score: z.number(),
  reasons: z.array(proposalReasonSchema).max(MAX_PROPOSAL_REASONS),
  /** The approvals recorded so far, oldest first. */
  approvals: z.array(approvalSchema),
  /** 2 when the request names a critical skill (two different moderators), else 1. */
  approvalsNeeded: z.number().int().min(1).max(2),
  createdAt: z.number().int(),
  decidedAt: z.number().int().nullable(),
  /** While approved: when the offer to the volunteer times out. */
  offeredUntil: z.number().int().nullable(),
});
export type ProposalWire = z.input<typeof proposalWireSchema>;

/** A volunteer as a queue entry shows them: tier and whole offer (its sealed note included). */
const candidateSchema = z.object({
  volunteerId: idSchema,
  tier: vettingTierSchema,
  /** null when the volunteer withdrew their offer meanwhile. */
  offer: offerResultSchema.nullable(),
});

/** The request's fields matching used, and its details sealed to the moderators. */
const queuedRequestSchema = requestWireSchema.omit({ updatedAt: true }).extend({
  /** Bound to the request's clientId and the fields matching used (requestDetailsContext). */
  details: bytesSchema({ min: 1, max: MAX_REQUEST_DETAILS_BYTES }),
});

/**
 * An earlier proposal of the same request that a moderator rejected or replaced: who decided,
 * why (the statement's reason code; null when it named none) and the sealed note, if any (context
 * proposalNoteContext({ proposal: proposalId, request, volunteer: volunteerId, kind })). decidedBy
 * and seq are null for decisions recorded before notes were kept.
 */
export const decidedProposalSchema = z.object({
  proposalId: idSchema,
  volunteerId: idSchema,
  state: z.enum(['rejected', 'replaced']),
  reason: z.string().nullable(),
  decidedAt: z.number().int(),
  decidedBy: idSchema.nullable(),
  /** The audit log entry that records the decision (its statement signs the note's digest). */
  seq: z.number().int().positive().nullable(),
  note: bytesSchema({ min: 1, max: MAX_PROPOSAL_NOTE_BYTES }).nullable(),
});
export type DecidedProposalWire = z.input<typeof decidedProposalSchema>;

export const queueEntrySchema = z.object({
  proposal: proposalWireSchema,
  request: queuedRequestSchema,
  volunteer: candidateSchema,
  alternatives: z
    .array(
      candidateSchema.extend({
        score: z.number(),
        reasons: z.array(proposalReasonSchema).max(MAX_PROPOSAL_REASONS),
      }),
    )
    .max(MAX_PROPOSAL_ALTERNATIVES),
  /** The request's earlier rejected or replaced proposals (at most MAX_QUEUE_HISTORY), oldest first. */
  history: z.array(decidedProposalSchema).max(MAX_QUEUE_HISTORY),
});
export type QueueEntry = z.input<typeof queueEntrySchema>;

export const moderationQueueResultSchema = z.object({
  entries: z.array(queueEntrySchema).max(MAX_QUEUE_PAGE),
  /** Pending proposals beyond this page (they come up as these are decided). */
  more: z.boolean(),
});

/** A signed decision on a proposal: `moderation.reject`, `moderation.repropose`. */
export const proposalDecisionSchema = z
  .object({
    statement: bytesSchema({ min: 1, max: MAX_AUDIT_STATEMENT_WIRE_BYTES }),
    /**
     * A note sealed to the certified moderators, context proposalNoteContext(…); present exactly
     * when the statement carries noteDigest = SHA-256 of these bytes.
     */
    note: bytesSchema({ min: 1, max: MAX_PROPOSAL_NOTE_BYTES }).optional(),
  })
  .strict();

export const moderationApproveSchema = z
  .object({
    /** An approve statement: subject the volunteer, the request, the proposal, envelopeDigest. */
    statement: bytesSchema({ min: 1, max: MAX_AUDIT_STATEMENT_WIRE_BYTES }),
    /**
     * The request's sealed details with the volunteer added by addEnvelopeRecipient (the body
     * unchanged); SHA-256 of these bytes is the statement's envelopeDigest.
     */
    details: bytesSchema({ min: 1, max: MAX_REQUEST_DETAILS_BYTES }),
  })
  .strict();

export const proposalDecisionResultSchema = z.object({
  proposal: proposalWireSchema,
  entry: auditEntryRefSchema,
});

export const reproposeResultSchema = z.object({
  /** The proposal replaced. */
  replaced: proposalWireSchema,
  /** The new pending proposal to the statement's subject. */
  proposal: proposalWireSchema,
  entry: auditEntryRefSchema,
});

/** Pushed to moderators' and admins' sockets when the queue changed; ask `moderation.queue`. */
export const queueChangedSchema = z.object({ pending: z.number().int().nonnegative() });
export type QueueChanged = z.infer<typeof queueChangedSchema>;

/** The states a match is in once moderators approved it, as its two sides see it. */
export const MATCH_STATES = [
  'approved',
  'accepted',
  'ended',
  'declined',
  'timed_out',
  'withdrawn',
] as const satisfies readonly ProposalState[];
export const matchStateSchema = z.enum(MATCH_STATES);

/**
 * A match as one side sees it. The volunteer sees the request's fields and its details re-wrapped
 * for them (their client opens them; `addedBy` names the approving moderator); the contact sees
 * the volunteer's account (to open a channel) only once the volunteer accepted.
 */
export const matchWireSchema = z.object({
  id: idSchema,
  requestId: idSchema,
  /** The other side: the contact (for the volunteer) or the volunteer (for the contact). */
  counterpartId: idSchema,
  state: matchStateSchema,
  /** The request's clientId: with the fields below, the details' context (requestDetailsContext). */
  clientId: idSchema,
  skills: z.array(skillCodeSchema),
  urgency: urgencySchema,
  languages: z.array(languageCodeSchema),
  region: regionCodeSchema,
  /** Volunteer only, while approved or accepted: the details with their key slot added. */
  details: bytesSchema({ min: 1, max: MAX_REQUEST_DETAILS_BYTES }).nullable(),
  /** While approved: when the offer times out. */
  offeredUntil: z.number().int().nullable(),
  updatedAt: z.number().int(),
});
export type MatchWire = z.input<typeof matchWireSchema>;

export const matchesListResultSchema = z.object({
  matches: z.array(matchWireSchema).max(MAX_LISTED_MATCHES),
});

export const matchIdSchema = z.object({ id: idSchema }).strict();

/** How a live match ends: resolved (helped) or closed (ended otherwise). */
export const MATCH_OUTCOMES = ['resolved', 'closed'] as const;
export const matchesEndSchema = z
  .object({ id: idSchema, outcome: z.enum(MATCH_OUTCOMES) })
  .strict();

export const matchResultSchema = z.object({ match: matchWireSchema });

/** Pushed to a match's sides when its state changed (the contact from acceptance on). */
export const matchesChangedSchema = z.object({
  id: idSchema,
  requestId: idSchema,
  state: matchStateSchema,
  updatedAt: z.number().int(),
});
export type MatchesChanged = z.infer<typeof matchesChangedSchema>;
