// Matches as their two sides see them, once moderators approved a proposal: the volunteer lists
// theirs (with the details re-wrapped for them) and accepts or declines; the contact learns of an
// acceptance and may decline the volunteer; either side ends a live match or blocks the other.
// Each change is one durable write of the proposal, its request (RequestLifecycle.plan) and any
// bar; whatever frees the request sends it back to matching. A match that stops being live closes
// the pair's conversation in that same write (the store does it; both sides are told here), and
// either side may block the other from that conversation. Housekeeping times out offers the
// volunteer left unanswered.
import {
  LOADED_PROPOSAL_STATES,
  MAX_LISTED_MATCHES,
  PROPOSAL_TRANSITIONS,
  type ConversationWire,
  type MatchWire,
  type ProposalState,
  type RequestState,
  type Role,
} from '@kolokol/shared';
import { AppError } from '../../errors.js';
import type { PairBar, ProposalChange, ProposalRecord, Store } from '../../store/ports.js';
import { isStaff } from '../channel-policy.js';
import type { Clock } from '../clock.js';
import { toConversationWire, type ConversationService } from '../conversations/conversations.js';
import type { Notifier } from '../notifier.js';
import type { RequestLifecycle } from '../request-lifecycle.js';
import { TIMEOUTS_PER_RUN } from './moderation-limits.js';
import { isMatchState, toMatchWire } from './proposal-wire.js';
import type { Proposer } from './proposer.js';

interface Caller {
  readonly accountId: string;
  readonly role: Role;
}

/** What each side lists: the volunteer its offers and live matches, the contact its live matches. */
const LISTED: Readonly<Record<'volunteer' | 'contact', readonly ProposalState[]>> = {
  volunteer: ['approved', 'accepted'],
  contact: ['accepted'],
};

/** The request state that goes with each live proposal state. */
const REQUEST_STATE_OF: Partial<Record<ProposalState, RequestState>> = {
  approved: 'approved',
  accepted: 'active',
};

/** States in which the contact knows the match (it was accepted at some point). */
const CONTACT_KNOWS: readonly ProposalState[] = ['accepted', 'ended'];

export class MatchService {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly lifecycle: RequestLifecycle;
      readonly notifier: Notifier;
      readonly proposer: Proposer;
      readonly conversations: ConversationService;
    },
  ) {}

  /** The caller's matches, newest first (contacts and volunteers only). */
  async list(caller: Caller): Promise<MatchWire[]> {
    const side = sideOf(caller);
    const records =
      side === 'volunteer'
        ? await this.deps.store.proposals.proposalsOfVolunteer(
            caller.accountId,
            LISTED.volunteer,
            MAX_LISTED_MATCHES,
          )
        : await this.deps.store.proposals.proposalsOfContact(
            caller.accountId,
            LISTED.contact,
            MAX_LISTED_MATCHES,
          );
    const matches: MatchWire[] = [];
    for (const record of records) {
      const request = await this.deps.store.requests.findRequest(record.requestId);
      if (request === undefined) continue;
      const details =
        side === 'volunteer'
          ? await this.deps.store.requests.findRequestDetails(record.requestId)
          : undefined;
      matches.push(toMatchWire(record, request, side, details));
    }
    return matches;
  }

  /** The volunteer accepts an approved match before it timed out: it goes live, both sides told. */
  async accept(caller: Caller, id: string): Promise<MatchWire> {
    const proposal = await this.#visible(caller, id);
    if (sideOf(caller) !== 'volunteer') {
      throw new AppError('FORBIDDEN', 'only the volunteer accepts a match');
    }
    if (proposal.state !== 'approved') throw conflict(proposal);
    const now = this.deps.clock.now();
    if (proposal.offeredUntil !== null && proposal.offeredUntil <= now) {
      throw new AppError('CONFLICT', 'the offer timed out');
    }
    return this.#apply(caller, proposal, 'accepted', 'active');
  }

  /**
   * The volunteer declines an approved match, or the contact declines the volunteer of an
   * accepted one: the two are barred from each other and the request goes back to matching.
   */
  async decline(caller: Caller, id: string): Promise<MatchWire> {
    const proposal = await this.#visible(caller, id);
    const side = sideOf(caller);
    const from: ProposalState = side === 'volunteer' ? 'approved' : 'accepted';
    if (proposal.state !== from) throw conflict(proposal);
    return this.#apply(
      caller,
      proposal,
      side === 'volunteer' ? 'declined' : 'withdrawn',
      'open',
      'declined',
    );
  }

  /** Either side ends a live match: resolved (helped) or closed; the request ends with it. */
  async end(caller: Caller, id: string, outcome: 'resolved' | 'closed'): Promise<MatchWire> {
    const proposal = await this.#visible(caller, id);
    if (proposal.state !== 'accepted') throw conflict(proposal);
    return this.#apply(caller, proposal, 'ended', outcome);
  }

  /**
   * Either side blocks the other: never matched again. A live match (approved or accepted) is
   * withdrawn and its request goes back to matching; an ended one only gains the bar.
   */
  async block(caller: Caller, id: string): Promise<MatchWire> {
    const proposal = await this.#visible(caller, id);
    if (proposal.state === 'approved' || proposal.state === 'accepted') {
      return this.#apply(caller, proposal, 'withdrawn', 'open', 'blocked');
    }
    const bar: PairBar = {
      contactId: proposal.contactId,
      volunteerId: proposal.volunteerId,
      reason: 'blocked',
      at: this.deps.clock.now(),
    };
    const outcome = await this.deps.store.proposals.applyProposalChange({ bar });
    if (outcome.kind !== 'applied') throw conflict(proposal);
    this.deps.conversations.announce(outcome.closedConversations ?? []);
    return this.#wire(caller, proposal);
  }

  /**
   * `conversations.block`: either side of a live match blocks the other from their conversation —
   * the pair barred, the match withdrawn (its request matched again with someone else) and the
   * conversation closed, in one write. NOT_FOUND for a conversation the caller is not in (as for
   * no such id); FORBIDDEN when the other participant is staff (staff must be able to reach anyone
   * for vetting and moderation: report them instead); CONFLICT once the conversation is closed
   * (blocked already, or closed: matches.block still bars the pair by the match).
   */
  async blockInConversation(caller: Caller, conversationId: string): Promise<ConversationWire> {
    const side = sideOf(caller);
    const conversation = await this.deps.conversations.participantOf(caller, conversationId);
    const peerId = conversation.participants.find((id) => id !== caller.accountId);
    const peer = peerId === undefined ? undefined : await this.deps.store.accounts.findById(peerId);
    if (peer === undefined) throw new AppError('NOT_FOUND', 'no such conversation');
    if (isStaff(peer.role)) {
      throw new AppError('FORBIDDEN', 'staff cannot be blocked; report them instead');
    }
    if (conversation.closedAt !== null) {
      throw new AppError('CONFLICT', 'the conversation is closed');
    }
    const [contactId, volunteerId] =
      side === 'contact' ? [caller.accountId, peer.id] : [peer.id, caller.accountId];
    const match = await this.deps.store.proposals.liveMatchBetween(contactId, volunteerId);
    // An open conversation between the two with no live match: a sweep's work left to do.
    if (match === undefined) throw new AppError('CONFLICT', 'no live match between you');
    await this.#apply(caller, match, 'withdrawn', 'open', 'blocked');
    const closed = await this.deps.store.conversations.findConversation(conversation.id);
    if (closed === undefined) throw new AppError('NOT_FOUND', 'no such conversation');
    return toConversationWire(closed, caller.accountId);
  }

  /** Housekeeping: approved offers past their timeout → timed_out, the request matched again. */
  async housekeep(): Promise<number> {
    const now = this.deps.clock.now();
    const overdue = await this.deps.store.proposals.overdueOffers(now, TIMEOUTS_PER_RUN);
    let timedOut = 0;
    for (const proposal of overdue) {
      const outcome = await this.deps.store.proposals.applyProposalChange({
        update: { id: proposal.id, from: ['approved'], to: 'timed_out', at: now },
        request: this.deps.lifecycle.plan(proposal.requestId, 'approved', 'open'),
      });
      if (outcome.kind !== 'applied' || outcome.updated === undefined) continue;
      timedOut += 1;
      this.#tell(outcome.updated, false);
      if (outcome.request) this.deps.lifecycle.announce(outcome.request);
    }
    if (timedOut > 0) void this.deps.proposer.request();
    return timedOut;
  }

  /**
   * Moves the proposal to `to` and its request to `requestTo` (with a bar when given) in one
   * write; tells both sides; re-matches when the request is open again.
   */
  async #apply(
    caller: Caller,
    proposal: ProposalRecord,
    to: ProposalState,
    requestTo: RequestState,
    barReason?: PairBar['reason'],
  ): Promise<MatchWire> {
    const requestFrom = REQUEST_STATE_OF[proposal.state];
    if (requestFrom === undefined || !PROPOSAL_TRANSITIONS[proposal.state].includes(to)) {
      throw conflict(proposal);
    }
    const now = this.deps.clock.now();
    const change: ProposalChange = {
      update: { id: proposal.id, from: [proposal.state], to, at: now },
      request: this.deps.lifecycle.plan(proposal.requestId, requestFrom, requestTo),
      ...(barReason === undefined
        ? {}
        : {
            bar: {
              contactId: proposal.contactId,
              volunteerId: proposal.volunteerId,
              reason: barReason,
              at: now,
            },
          }),
    };
    const outcome = await this.deps.store.proposals.applyProposalChange(change);
    if (outcome.kind !== 'applied' || outcome.updated === undefined) {
      throw new AppError('CONFLICT', 'the match or its request changed meanwhile; reload');
    }
    const updated = outcome.updated;
    this.#tell(updated, proposal.state === 'accepted' || to === 'accepted');
    this.deps.conversations.announce(outcome.closedConversations ?? []);
    if (outcome.request) this.deps.lifecycle.announce(outcome.request);
    // An open request, or a slot the volunteer freed: matching has something new to do.
    if (requestTo === 'open' || !LOADED_PROPOSAL_STATES.includes(to)) {
      void this.deps.proposer.request();
    }
    return this.#wire(caller, updated);
  }

  #tell(proposal: ProposalRecord, contactToo: boolean): void {
    if (!isMatchState(proposal.state)) return;
    const event = {
      id: proposal.id,
      requestId: proposal.requestId,
      state: proposal.state,
      updatedAt: proposal.updatedAt,
    };
    this.deps.notifier.matchChanged(proposal.volunteerId, event);
    if (contactToo) this.deps.notifier.matchChanged(proposal.contactId, event);
  }

  async #wire(caller: Caller, proposal: ProposalRecord): Promise<MatchWire> {
    const request = await this.deps.store.requests.findRequest(proposal.requestId);
    if (request === undefined) throw new AppError('NOT_FOUND', 'no such match');
    const side = sideOf(caller);
    const details =
      side === 'volunteer' && (proposal.state === 'approved' || proposal.state === 'accepted')
        ? await this.deps.store.requests.findRequestDetails(proposal.requestId)
        : undefined;
    return toMatchWire(proposal, request, side, details);
  }

  /**
   * The caller's match `id`: the volunteer's once approved, the contact's once accepted.
   * NOT_FOUND for anything else, one answer whether it does not exist or is someone else's.
   */
  async #visible(caller: Caller, id: string): Promise<ProposalRecord> {
    const side = sideOf(caller);
    const proposal = await this.deps.store.proposals.findProposal(id);
    const visible =
      proposal !== undefined &&
      isMatchState(proposal.state) &&
      (side === 'volunteer'
        ? proposal.volunteerId === caller.accountId
        : proposal.contactId === caller.accountId && CONTACT_KNOWS.includes(proposal.state));
    if (!visible) throw new AppError('NOT_FOUND', 'no such match');
    return proposal;
  }
}

function sideOf(caller: Caller): 'volunteer' | 'contact' {
  if (caller.role === 'volunteer') return 'volunteer';
  if (caller.role === 'contact') return 'contact';
  throw new AppError('FORBIDDEN', 'matches are for contacts and volunteers');
}

function conflict(proposal: ProposalRecord): AppError {
  return new AppError('CONFLICT', `the match is ${proposal.state}`);
}
