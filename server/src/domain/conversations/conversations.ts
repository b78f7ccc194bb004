// Conversations between two accounts (issue 9): opened where the channel policy allows the two
// to talk, seen, written and closed by the two participants and nobody else, each with its own
// disappearing-message timer. The messages themselves are conversation-messages.ts.
import {
  CONTACT_CONVERSATION_TTL_SECONDS,
  CONVERSATION_LIMITS,
  DEFAULT_CONVERSATION_TTL_SECONDS,
  type ConversationListEntryWire,
  type ConversationWire,
  type Role,
} from '@kolokol/shared';
import { AppError } from '../../errors.js';
import type { AccountRecord, ConversationRecord, Store } from '../../store/ports.js';
import { isStaff, mayOpenChannel } from '../channel-policy.js';
import type { Clock } from '../clock.js';
import type { Notifier } from '../notifier.js';
import { newId } from '../secrets.js';
import { UNMATCHED_CONVERSATIONS_PER_RUN } from './conversation-closing-limits.js';

export interface ConversationCaller {
  readonly accountId: string;
  readonly role: Role;
  readonly deviceId: string | null;
}

const SECOND_MS = 1000;

/** The conversation as `viewer` sees it: the other participant is the peer. */
export function toConversationWire(
  conversation: ConversationRecord,
  viewer: string,
): ConversationWire {
  const [first, second] = conversation.participants;
  return {
    id: conversation.id,
    peer: first === viewer ? second : first,
    ttlSeconds: Math.round(conversation.ttlMs / SECOND_MS),
    lastSeq: conversation.lastSeq,
    createdAt: conversation.createdAt,
    closedAt: conversation.closedAt,
  };
}

/** True when `accountId` takes part in the conversation. */
export function isParticipant(conversation: ConversationRecord, accountId: string): boolean {
  return conversation.participants.includes(accountId);
}

/**
 * The one place that decides whether two accounts may have a conversation: the channel policy
 * (staff↔anyone; contact↔volunteer once a moderator-approved match is accepted). Who may *start*
 * one with staff is narrower: see `mayStart`.
 */
export function mayHaveConversation(
  store: Store,
  caller: { readonly accountId: string; readonly role: Role },
  peer: AccountRecord,
): Promise<boolean> {
  return mayOpenChannel(store, caller, peer);
}

/**
 * Whether `caller` may start a new conversation with `peer` (one the policy allows). Decision
 * (issue 9): a conversation between staff and someone who is not staff is started by the staff
 * member — vetting, a question about a request, a report — never by the other side. Otherwise any
 * throwaway account could open a conversation with every moderator and fill each moderator's
 * device with a backlog of its own (CONVERSATION_LIMITS.backlog is per conversation), so that
 * what a flood costs would grow with the number of accounts. Reaching staff without being asked
 * goes through requests and reports, which have budgets of their own.
 */
function mayStart(caller: { readonly role: Role }, peer: AccountRecord): boolean {
  return isStaff(caller.role) || !isStaff(peer.role);
}

export class ConversationService {
  constructor(
    private readonly deps: {
      readonly store: Store;
      readonly clock: Clock;
      readonly notifier: Notifier;
    },
  ) {}

  async open(
    caller: ConversationCaller,
    request: { peer: string; ttlSeconds?: number | undefined },
  ): Promise<ConversationWire> {
    const peer = await this.deps.store.accounts.findById(request.peer);
    // Unknown, suspended and not allowed answer alike, so account ids cannot be probed.
    if (peer === undefined || !(await mayHaveConversation(this.deps.store, caller, peer))) {
      throw new AppError('NOT_FOUND', 'no such account');
    }
    if (!mayStart(caller, peer)) {
      // The staff member's conversation with the caller, if they started one; else the same
      // answer as for an unknown account, so a non-staff caller cannot tell staff ids apart.
      const started = await this.deps.store.conversations.findOpenBetween(
        caller.accountId,
        peer.id,
      );
      if (started === undefined) throw new AppError('NOT_FOUND', 'no such account');
      return toConversationWire(started, caller.accountId);
    }
    // A week when a contact takes part (their device is the one most likely to be seized).
    const contactTakesPart = caller.role === 'contact' || peer.role === 'contact';
    const ttlSeconds =
      request.ttlSeconds ??
      (contactTakesPart ? CONTACT_CONVERSATION_TTL_SECONDS : DEFAULT_CONVERSATION_TTL_SECONDS);
    const opened = await this.deps.store.conversations.openConversation({
      id: newId(),
      participants: [caller.accountId, peer.id],
      ttlMs: ttlSeconds * SECOND_MS,
      createdAt: this.deps.clock.now(),
    });
    if (opened.kind === 'created') this.#announce(opened.conversation);
    return toConversationWire(opened.conversation, caller.accountId);
  }

  async list(caller: ConversationCaller): Promise<ConversationListEntryWire[]> {
    const found = await this.deps.store.conversations.listConversations(
      caller.accountId,
      caller.deviceId,
      CONVERSATION_LIMITS.list,
    );
    return found.map((conversation) => ({
      ...toConversationWire(conversation, caller.accountId),
      ackedSeq: conversation.ackedSeq,
      delivered: conversation.delivered,
    }));
  }

  async close(caller: ConversationCaller, id: string): Promise<ConversationWire> {
    const conversation = await this.participantOf(caller, id);
    if (conversation.closedAt !== null) return toConversationWire(conversation, caller.accountId);
    const closed = await this.deps.store.conversations.closeConversation(id, this.deps.clock.now());
    if (closed === undefined) throw new AppError('NOT_FOUND', 'no such conversation');
    this.#announce(closed);
    return toConversationWire(closed, caller.accountId);
  }

  async setTimer(
    caller: ConversationCaller,
    id: string,
    ttlSeconds: number,
  ): Promise<ConversationWire> {
    const conversation = await this.participantOf(caller, id);
    if (conversation.closedAt !== null) {
      throw new AppError('CONFLICT', 'the conversation is closed');
    }
    const changed = await this.deps.store.conversations.setTimer(id, ttlSeconds * SECOND_MS);
    if (changed === undefined) throw new AppError('CONFLICT', 'the conversation is closed');
    if (changed.ttlMs !== conversation.ttlMs) this.#announce(changed);
    return toConversationWire(changed, caller.accountId);
  }

  /**
   * Closes the contact↔volunteer conversations of `accounts` (every account when absent) that the
   * channel policy no longer allows — no live match between the two, or either suspended — and
   * tells both sides; how many closed. After a write that could end a match without closing its
   * conversation in the same transaction (a request cancelled, an account suspended), and as
   * housekeeping's sweep, which closes whatever a crash between two such writes left open.
   */
  async closeUnmatched(accounts?: readonly string[]): Promise<number> {
    const closed = await this.deps.store.proposals.closeUnmatchedConversations({
      at: this.deps.clock.now(),
      ...(accounts === undefined ? {} : { accounts }),
      limit: UNMATCHED_CONVERSATIONS_PER_RUN,
    });
    this.announce(closed);
    return closed.length;
  }

  /** Housekeeping: the sweep of closeUnmatched over every account. */
  housekeep(): Promise<number> {
    return this.closeUnmatched();
  }

  /** Tells both participants of each conversation that it changed (opened, closed, timer). */
  announce(conversations: readonly ConversationRecord[]): void {
    for (const conversation of conversations) this.#announce(conversation);
  }

  /** The conversation, if the caller takes part in it; NOT_FOUND otherwise, as for no such id. */
  async participantOf(caller: { accountId: string }, id: string): Promise<ConversationRecord> {
    const conversation = await this.deps.store.conversations.findConversation(id);
    if (conversation === undefined || !isParticipant(conversation, caller.accountId)) {
      throw new AppError('NOT_FOUND', 'no such conversation');
    }
    return conversation;
  }

  #announce(conversation: ConversationRecord): void {
    for (const participant of conversation.participants) {
      this.deps.notifier.conversationChanged(
        participant,
        toConversationWire(conversation, participant),
      );
    }
  }
}
