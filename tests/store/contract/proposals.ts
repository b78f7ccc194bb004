// Contract for ProposalStore: a ProposalChange applies whole or not at all — the proposal's
// compare-and-swap, a new proposal (never the same request–volunteer pair twice), the request's
// compare-and-swap with new or dropped details, a bar; loads, the live-match test the channel
// policy uses, the conversations a match that stops being live closes with it, orphans of ended
// requests, and the engine's history.
import { describe, expect, it } from 'vitest';
import type { RequestState } from '@kolokol/shared';
import type { NewProposal, RequestChange } from '../../../server/src/store/ports.js';
import type { CurrentStore } from './fixtures.js';
import { bytes, createAccount, unique } from './fixtures.js';

const LIVE: readonly RequestState[] = ['open', 'proposed', 'approved', 'active'];

export function proposalsContract(store: CurrentStore): void {
  describe('proposals', () => {
    /** A contact with an open request and a volunteer. */
    const setUp = async () => {
      const contact = await createAccount(store());
      const volunteer = await createAccount(store(), { role: 'volunteer' });
      const requestId = unique('request');
      const created = await store().requests.createRequest(
        {
          id: requestId,
          ownerId: contact.id,
          clientId: unique('client'),
          skills: ['legal.military-law'],
          urgency: 'high',
          languages: ['ru'],
          region: 'ru.volga',
          details: bytes(500, 3),
          createdAt: 1_000,
        },
        { maxLive: 10, liveStates: LIVE },
      );
      expect(created.kind).toBe('created');
      return { contact, volunteer, requestId };
    };
    const proposal = (requestId: string, contactId: string, volunteerId: string): NewProposal => ({
      id: unique('proposal'),
      requestId,
      volunteerId,
      contactId,
      score: 42.5,
      reasons: [
        { factor: 'skill', code: 'skill.level_3', points: 40, skill: 'legal.military-law' },
      ],
      alternatives: [{ volunteerId: 'someone-else-0000', score: 30, reasons: [] }],
      createdAt: 2_000,
    });
    const move = (
      id: string,
      from: RequestState,
      to: RequestState,
      extra: Partial<RequestChange> = {},
    ): RequestChange => ({ id, from: [from], to, at: 3_000, dropDetails: false, ...extra });

    it('writes a proposal with its request open → proposed, and reads it back', async () => {
      const { contact, volunteer, requestId } = await setUp();
      const input = proposal(requestId, contact.id, volunteer.id);
      const outcome = await store().proposals.applyProposalChange({
        insert: input,
        request: move(requestId, 'open', 'proposed'),
      });
      expect(outcome).toMatchObject({
        kind: 'applied',
        inserted: {
          ...input,
          state: 'pending',
          approvals: [],
          decidedAt: null,
          offeredUntil: null,
        },
        request: { id: requestId, state: 'proposed' },
      });
      expect(await store().proposals.findProposal(input.id)).toStrictEqual(
        outcome.kind === 'applied' ? outcome.inserted : undefined,
      );
      expect((await store().proposals.pendingProposals(10)).total).toBe(1);
      expect((await store().proposals.loads(['pending'])).get(volunteer.id)).toBe(1);
      expect(await store().proposals.history()).toStrictEqual({
        barred: [],
        proposed: [{ requestId, volunteerId: volunteer.id }],
      });
    });

    it('never the same pair twice; a failed part writes nothing', async () => {
      const { contact, volunteer, requestId } = await setUp();
      const first = proposal(requestId, contact.id, volunteer.id);
      await store().proposals.applyProposalChange({
        insert: first,
        request: move(requestId, 'open', 'proposed'),
      });
      // The same pair again, with a request change that would apply: nothing.
      const again = await store().proposals.applyProposalChange({
        insert: proposal(requestId, contact.id, volunteer.id),
        request: move(requestId, 'proposed', 'open'),
      });
      expect(again).toEqual({ kind: 'conflict' });
      expect((await store().requests.findRequest(requestId))?.state).toBe('proposed');
      // A proposal update from a state it is not in, with a bar: nothing, not even the bar.
      const stale = await store().proposals.applyProposalChange({
        update: { id: first.id, from: ['approved'], to: 'accepted', at: 4_000 },
        bar: { contactId: contact.id, volunteerId: volunteer.id, reason: 'declined', at: 4_000 },
      });
      expect(stale).toEqual({ kind: 'conflict' });
      expect(await store().proposals.barsBetween(contact.id, volunteer.id)).toEqual([]);
      expect((await store().proposals.findProposal(first.id))?.state).toBe('pending');
    });

    it('approves with new details, accepts, and the pair is a live match only while accepted', async () => {
      const { contact, volunteer, requestId } = await setUp();
      const input = proposal(requestId, contact.id, volunteer.id);
      await store().proposals.applyProposalChange({
        insert: input,
        request: move(requestId, 'open', 'proposed'),
      });
      const rewrapped = bytes(500, 9);
      const approvedOutcome = await store().proposals.applyProposalChange({
        update: {
          id: input.id,
          from: ['pending'],
          to: 'approved',
          at: 5_000,
          approvals: [{ moderatorId: 'moderator-00000001', seq: 7 }],
          decidedAt: 5_000,
          offeredUntil: 9_000,
        },
        request: move(requestId, 'proposed', 'approved', { details: rewrapped }),
      });
      expect(approvedOutcome).toMatchObject({
        kind: 'applied',
        updated: {
          state: 'approved',
          approvals: [{ moderatorId: 'moderator-00000001', seq: 7 }],
          offeredUntil: 9_000,
        },
      });
      expect(await store().requests.findRequestDetails(requestId)).toStrictEqual(rewrapped);
      expect(await store().proposals.overdueOffers(8_999, 10)).toEqual([]);
      expect((await store().proposals.overdueOffers(9_000, 10)).map((p) => p.id)).toEqual([
        input.id,
      ]);
      expect(await store().proposals.hasLiveMatchBetween(contact.id, volunteer.id)).toBe(false);
      await store().proposals.applyProposalChange({
        update: { id: input.id, from: ['approved'], to: 'accepted', at: 6_000 },
        request: move(requestId, 'approved', 'active'),
      });
      expect(await store().proposals.hasLiveMatchBetween(contact.id, volunteer.id)).toBe(true);
      expect(await store().proposals.hasLiveMatchBetween(volunteer.id, contact.id)).toBe(true);
      const listed = await store().proposals.proposalsOfContact(contact.id, ['accepted'], 10);
      expect(listed.map((p) => p.id)).toEqual([input.id]);
      // Ended: the details go, the match is no longer live.
      await store().proposals.applyProposalChange({
        update: { id: input.id, from: ['accepted'], to: 'ended', at: 7_000 },
        request: move(requestId, 'active', 'resolved', { dropDetails: true }),
        bar: { contactId: contact.id, volunteerId: volunteer.id, reason: 'blocked', at: 7_000 },
      });
      expect(await store().requests.findRequestDetails(requestId)).toBeUndefined();
      expect(await store().proposals.hasLiveMatchBetween(contact.id, volunteer.id)).toBe(false);
      expect(await store().proposals.barsBetween(contact.id, volunteer.id)).toMatchObject([
        { reason: 'blocked' },
      ]);
    });

    it('a match that stops being live closes the pair’s conversation in its own write', async () => {
      const { contact, volunteer, requestId } = await setUp();
      const moderator = await createAccount(store(), { role: 'moderator' });
      const input = proposal(requestId, contact.id, volunteer.id);
      await store().proposals.applyProposalChange({
        insert: input,
        request: move(requestId, 'open', 'proposed'),
      });
      await store().proposals.applyProposalChange({
        update: { id: input.id, from: ['pending'], to: 'approved', at: 5_000, offeredUntil: 9_000 },
        request: move(requestId, 'proposed', 'approved'),
      });
      const accepted = await store().proposals.applyProposalChange({
        update: { id: input.id, from: ['approved'], to: 'accepted', at: 6_000 },
        request: move(requestId, 'approved', 'active'),
      });
      expect(accepted).not.toHaveProperty('closedConversations');
      expect((await store().proposals.liveMatchBetween(contact.id, volunteer.id))?.id).toBe(
        input.id,
      );
      expect(await store().proposals.liveMatchBetween(volunteer.id, contact.id)).toBeUndefined();
      const open = async (participants: [string, string]) =>
        (
          await store().conversations.openConversation({
            id: unique('conversation'),
            participants,
            ttlMs: 3_600_000,
            createdAt: 6_500,
          })
        ).conversation.id;
      const matched = await open([volunteer.id, contact.id]);
      const withStaff = await open([contact.id, moderator.id]);
      // While the match is live, nothing to close.
      expect(
        await store().proposals.closeUnmatchedConversations({
          at: 6_600,
          accounts: [contact.id, volunteer.id],
          limit: 10,
        }),
      ).toEqual([]);
      // A change whose compare-and-swap fails writes nothing, the conversation included.
      expect(
        await store().proposals.applyProposalChange({
          update: { id: input.id, from: ['approved'], to: 'withdrawn', at: 7_000 },
        }),
      ).toEqual({ kind: 'conflict' });
      expect((await store().conversations.findConversation(matched))?.closedAt).toBeNull();
      const ended = await store().proposals.applyProposalChange({
        update: { id: input.id, from: ['accepted'], to: 'ended', at: 7_000 },
        request: move(requestId, 'active', 'resolved', { dropDetails: true }),
      });
      expect(ended).toMatchObject({
        kind: 'applied',
        closedConversations: [{ id: matched, closedAt: 7_000 }],
      });
      expect((await store().conversations.findConversation(matched))?.closedAt).toBe(7_000);
      expect((await store().conversations.findConversation(withStaff))?.closedAt).toBeNull();
      expect(await store().proposals.liveMatchBetween(contact.id, volunteer.id)).toBeUndefined();
      // One the store was left with anyway (opened past the policy here): closing scoped to one of
      // its accounts closes it, scoped to others it does not, and never the one with staff.
      const stray = await open([contact.id, volunteer.id]);
      expect(
        await store().proposals.closeUnmatchedConversations({
          at: 8_000,
          accounts: [moderator.id],
          limit: 10,
        }),
      ).toEqual([]);
      expect(
        await store().proposals.closeUnmatchedConversations({
          at: 8_000,
          accounts: [volunteer.id],
          limit: 10,
        }),
      ).toMatchObject([{ id: stray, closedAt: 8_000 }]);
      expect((await store().conversations.findConversation(withStaff))?.closedAt).toBeNull();
    });

    it('withdraws live proposals whose request ended meanwhile', async () => {
      const { contact, volunteer, requestId } = await setUp();
      const input = proposal(requestId, contact.id, volunteer.id);
      await store().proposals.applyProposalChange({
        insert: input,
        request: move(requestId, 'open', 'proposed'),
      });
      expect(await store().proposals.withdrawOrphans(4_000, 10)).toEqual([]);
      await store().requests.transitionRequest(requestId, {
        from: ['proposed'],
        to: 'cancelled',
        at: 4_000,
        dropDetails: true,
      });
      const withdrawn = await store().proposals.withdrawOrphans(5_000, 10);
      expect(withdrawn).toMatchObject([{ id: input.id, state: 'withdrawn', updatedAt: 5_000 }]);
      expect((await store().proposals.findProposal(input.id))?.state).toBe('withdrawn');
    });
  });
}
