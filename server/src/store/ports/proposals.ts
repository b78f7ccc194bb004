// The proposal port: the engine's proposals (a request, a volunteer, the score and its reasons, up
// to two alternatives) and their way through moderation to a live match; and the pair bars, the
// engine's "never these two again". A proposal's change and its request's change are written
// together or not at all (ProposalChange), so the two never disagree.
import type { PairBarReason, ProposalState } from '@kolokol/shared';
import type { ConversationRecord } from './conversations.js';
import type { RequestRecord, RequestTransition } from './requests.js';

/** One moderator's approval: who, and the audit entry that records it. */
export interface ProposalApproval {
  readonly moderatorId: string;
  readonly seq: number;
}

/** A scored alternative volunteer, as the engine gave it (reasons are the engine's JSON). */
export interface ProposalAlternative {
  readonly volunteerId: string;
  readonly score: number;
  readonly reasons: readonly Readonly<Record<string, unknown>>[];
}

export interface ProposalRecord {
  /** Server-issued. */
  readonly id: string;
  readonly requestId: string;
  readonly volunteerId: string;
  /** The request's contact (denormalised: bars, matches and the channel policy read it). */
  readonly contactId: string;
  readonly score: number;
  readonly reasons: readonly Readonly<Record<string, unknown>>[];
  readonly alternatives: readonly ProposalAlternative[];
  readonly state: ProposalState;
  readonly approvals: readonly ProposalApproval[];
  readonly createdAt: number;
  /** When the moderators' decision (approve, reject, replace) took effect. */
  readonly decidedAt: number | null;
  /** While approved: when the offer to the volunteer times out. */
  readonly offeredUntil: number | null;
  /** When the state last changed. */
  readonly updatedAt: number;
}

/**
 * A proposal a moderator rejected or replaced, as the next moderator sees it: who decided, in which
 * audit entry, with which reason code, and their sealed note (null when none, or once the
 * request ended: the note goes with the request's details). decidedBy and seq are null for
 * decisions recorded before they were kept.
 */
export interface DecidedProposal {
  readonly id: string;
  readonly volunteerId: string;
  readonly state: 'rejected' | 'replaced';
  readonly decidedAt: number;
  readonly decidedBy: string | null;
  readonly seq: number | null;
  readonly reason: string | null;
  readonly note: Uint8Array | null;
}

/** A moderator's decision kept with the proposal it decided (reject, re-propose). */
export interface ProposalDecisionRecord {
  readonly moderatorId: string;
  /** The audit log entry that records it. */
  readonly seq: number;
  /** The statement's reason code; null when it named none. */
  readonly reason: string | null;
  /** The sealed note whose SHA-256 the statement signs; null when none. */
  readonly note: Uint8Array | null;
}

export type NewProposal = Omit<
  ProposalRecord,
  'state' | 'approvals' | 'decidedAt' | 'offeredUntil' | 'updatedAt'
>;

export interface PairBar {
  readonly contactId: string;
  readonly volunteerId: string;
  readonly reason: PairBarReason;
  readonly at: number;
}

/** A request change inside a ProposalChange: RequestTransition on one request, maybe new details. */
export interface RequestChange extends RequestTransition {
  readonly id: string;
  /** Replace the sealed details (approve: the envelope re-wrapped for the volunteer). */
  readonly details?: Uint8Array;
}

/**
 * One atomic, durable change: every part applies (each compare-and-swap still holding, no pair
 * proposed twice) or nothing is written. A change that moves a proposal or writes a bar also
 * closes, in the same transaction, the pair's open conversation once no live match is left
 * between them (see `closeUnmatchedConversations`), so no crash leaves a match over and its
 * conversation open.
 */
export interface ProposalChange {
  /** Moves proposal `id` from one of `from` to `to` (or keeps the state and updates the rest). */
  readonly update?: {
    readonly id: string;
    readonly from: readonly ProposalState[];
    readonly to: ProposalState;
    readonly at: number;
    readonly approvals?: readonly ProposalApproval[];
    readonly decidedAt?: number;
    readonly offeredUntil?: number | null;
    /** Reject, re-propose: who decided, why, and their sealed note. */
    readonly decision?: ProposalDecisionRecord;
  };
  /** A new pending proposal; refused when its (request, volunteer) pair was ever proposed. */
  readonly insert?: NewProposal;
  readonly request?: RequestChange;
  /** A pair bar (kept once per contact, volunteer and reason). */
  readonly bar?: PairBar;
}

export type ProposalChangeOutcome =
  | {
      readonly kind: 'applied';
      readonly updated?: ProposalRecord;
      readonly inserted?: ProposalRecord;
      readonly request?: RequestRecord;
      /** The pair's conversation this change closed (their match is no longer live). */
      readonly closedConversations?: readonly ConversationRecord[];
    }
  /** A compare-and-swap failed or the pair was proposed before: nothing written. */
  | { readonly kind: 'conflict' };

export interface ProposalStore {
  /** Applies the change in one durable transaction. */
  applyProposalChange(change: ProposalChange): Promise<ProposalChangeOutcome>;
  findProposal(id: string): Promise<ProposalRecord | undefined>;
  /** Pending proposals, oldest first, at most `limit`; and how many are pending in all. */
  pendingProposals(limit: number): Promise<{ proposals: ProposalRecord[]; total: number }>;
  /** The volunteer's proposals in one of `states`, newest first, at most `limit`. */
  proposalsOfVolunteer(
    volunteerId: string,
    states: readonly ProposalState[],
    limit: number,
  ): Promise<ProposalRecord[]>;
  /** The contact's proposals in one of `states`, newest first, at most `limit`. */
  proposalsOfContact(
    contactId: string,
    states: readonly ProposalState[],
    limit: number,
  ): Promise<ProposalRecord[]>;
  /**
   * The request's rejected and replaced proposals: the newest `limit` by decision time, returned
   * oldest first.
   */
  decidedProposalsOfRequest(requestId: string, limit: number): Promise<DecidedProposal[]>;
  /** Each volunteer's number of proposals in one of `states` (missing: none). */
  loads(states: readonly ProposalState[]): Promise<Map<string, number>>;
  /**
   * Whether a match between the two accounts (either way round) is live: the proposal accepted,
   * its request active, and neither side has blocked the other. The channel policy's
   * contact↔volunteer rule.
   */
  hasLiveMatchBetween(a: string, b: string): Promise<boolean>;
  /** The live match between a contact and a volunteer (as hasLiveMatchBetween), if any. */
  liveMatchBetween(contactId: string, volunteerId: string): Promise<ProposalRecord | undefined>;
  /**
   * Closes open conversations between a contact and a volunteer that the channel policy no longer
   * allows — no live match between the two, or either suspended — of one of `accounts` (every
   * account when absent), at most `limit`, oldest first: the records after. Conversations with
   * staff are never touched.
   */
  closeUnmatchedConversations(options: {
    readonly at: number;
    readonly accounts?: readonly string[];
    readonly limit: number;
  }): Promise<ConversationRecord[]>;
  /**
   * Withdraws up to `limit` live proposals (pending, approved, accepted) whose request is no
   * longer in the state that goes with them (cancelled or expired meanwhile): the proposals after.
   */
  withdrawOrphans(at: number, limit: number): Promise<ProposalRecord[]>;
  /**
   * Pending and approved proposals, oldest first, at most `limit`, whose volunteer can no longer
   * take them: suspended, or no longer vetted.
   */
  proposalsOfUnmatchable(limit: number): Promise<ProposalRecord[]>;
  /** Approved proposals whose offer timed out by `now`, oldest first, at most `limit`. */
  overdueOffers(now: number, limit: number): Promise<ProposalRecord[]>;
  /**
   * Every proposal with an approval recorded or in a state only an approval leads to, for
   * `audit-verify` (which checks them against the log's approve statements).
   */
  everyApproved(): Promise<ProposalRecord[]>;
  /** Every bar, and every (request, volunteer) pair ever proposed: the engine's history. */
  history(): Promise<{
    readonly barred: readonly PairBar[];
    readonly proposed: readonly { readonly requestId: string; readonly volunteerId: string }[];
  }>;
  /** The bars between one contact and one volunteer. */
  barsBetween(contactId: string, volunteerId: string): Promise<PairBar[]>;
}
