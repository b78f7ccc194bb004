// A moderator's whole work on the queue through the client core, against the real server with a
// certified organisation: two core moderators vet a volunteer `high` (two signatures), read a
// critical request's details opened on the device, re-propose it to another volunteer with a
// sealed note the next moderator opens, and approve it by two moderators (the same one twice is
// refused, changing nothing); the volunteer's core opens the details the second approval shared.
// Every decision is a statement signed on the device that carries the log head the client saw.
import { describe, expect, it } from 'vitest';
import { equalBytes, type TrustConfiguration } from '@kolokol/shared/crypto';
import { KolokolError, type KolokolClient } from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import {
  freshLanguage,
  matchingSettled,
  onModerationBoard,
  type Board,
} from '../support/matching.js';
import { offerInput } from '../support/requests.js';
import { boardTrust, certifiedModerator, trustingMember } from './staff-support.js';

let board: Board;
onModerationBoard((started) => (board = started));

const CRITICAL = 'military.leaving-service' as const;

const refusedWith =
  (code: KolokolError['code']) =>
  (error: unknown): boolean =>
    error instanceof KolokolError && error.code === code;

/** A volunteer on the core with an offer for the critical skill in `language`. */
async function volunteerFor(
  trust: TrustConfiguration,
  language: string,
  level: 1 | 2 | 3,
): Promise<KolokolClient> {
  const volunteer = await trustingMember(board, trust, 'volunteer');
  const { note: _none, ...offer } = offerInput({
    skills: [{ code: CRITICAL, level }],
    languages: [language],
  });
  await volunteer.offers.put(offer);
  return volunteer;
}

describe('moderation decisions through the client core', () => {
  it('vets high by two, re-proposes with a note, and approves a critical case by two moderators', async () => {
    const trust = await boardTrust(board);
    const first = await certifiedModerator(board, trust);
    const second = await certifiedModerator(board, trust);
    const language = freshLanguage();
    const best = await volunteerFor(trust, language, 3);
    const other = await volunteerFor(trust, language, 1);
    const contact = await trustingMember(board, trust, 'contact');
    const clients = [first, second, best, other, contact];
    try {
      // A critical skill is high risk: each volunteer needs two moderators' `high`.
      const seen: string[] = [];
      first.updates.vetting.on((status) => seen.push(`${status.accountId}:${status.tier}`));
      for (const volunteer of [best, other]) {
        const endorsed = await first.vetting.vet(volunteer.accountId, 'high');
        expect(endorsed.status.tier).toBe('none');
        expect(endorsed.status.highEndorsedBy).toEqual([first.accountId]);
        const vetted = await second.moderation.vet(volunteer.accountId, 'high');
        expect(vetted.status.tier).toBe('high');
      }
      expect(seen).toEqual([`${best.accountId}:none`, `${other.accountId}:none`]);
      expect((await best.vetting.status()).tier).toBe('high');

      const details = 'Хочу уйти со службы, контракт продлили без согласия.';
      const created = await contact.requests.create({
        skills: [CRITICAL],
        urgency: 'high',
        languages: [language],
        region: 'ru.volga',
        details,
      });
      await matchingSettled(board);
      const entryOf = async (moderator: KolokolClient) => {
        const { entries } = await moderator.moderation.queue();
        const entry = entries.find((e) => e.request.id === created.request.id);
        if (entry === undefined) throw new Error('the request is not in the queue');
        return entry;
      };

      // The first moderator reads the details on the device and re-proposes with a note.
      const proposed = await entryOf(first);
      expect(proposed.proposal.volunteerId).toBe(best.accountId);
      expect(proposed.proposal.approvalsNeeded).toBe(2);
      expect(first.moderation.details(proposed)).toMatchObject({ text: details });
      const reproposed = await first.moderation.repropose(proposed, other.accountId, {
        reason: 'mismatch',
        note: 'Говорит только по-английски, а нужен русский.',
      });
      expect(reproposed.replaced.state).toBe('replaced');
      expect(reproposed.proposal.volunteerId).toBe(other.accountId);

      // The second moderator sees why and opens the note, sealed by the first.
      const waiting = await entryOf(second);
      expect(waiting.proposal.id).toBe(reproposed.proposal.id);
      const [decided] = waiting.history;
      expect(decided?.decidedBy).toBe(first.accountId);
      expect(await second.moderation.note(waiting, decided!)).toMatchObject({
        text: 'Говорит только по-английски, а нужен русский.',
      });

      // Two-person approval: the first only records it; the same moderator again changes nothing.
      const once = await second.moderation.approve(waiting);
      expect(once.proposal.state).toBe('pending');
      expect(once.proposal.approvals.map((a) => a.moderatorId)).toEqual([second.accountId]);
      const again = await entryOf(second);
      await expectUnchanged(board.server, () =>
        expect(second.moderation.approve(again)).rejects.toSatisfy(refusedWith('CONFLICT')),
      );
      const twice = await first.moderation.approve(await entryOf(first));
      expect(twice.proposal.state).toBe('approved');

      // The volunteer's core opens the details the approving moderator shared with them.
      const [view] = await other.matches.list();
      expect(view?.details?.text).toBe(details);
      expect(view?.details?.addedBy).toEqual(first.identity.signingKey);

      // Every decision carried the head the client saw; the log's head is the last one's entry.
      const head = await first.moderation.auditHead();
      expect(head.length).toBe(twice.entry.seq);
      expect(equalBytes(head.head, twice.entry.hash)).toBe(true);
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('refuses the queue, vetting and the audit head to those not allowed, changing nothing', async () => {
    const trust = await boardTrust(board);
    const contact = await trustingMember(board, trust, 'contact');
    const uncertified = await trustingMember(board, trust, 'volunteer');
    try {
      await expectUnchanged(board.server, async () => {
        await expect(contact.moderation.queue()).rejects.toSatisfy(refusedWith('FORBIDDEN'));
        await expect(contact.vetting.unvet(uncertified.accountId)).rejects.toSatisfy(
          refusedWith('FORBIDDEN'),
        );
        await expect(uncertified.vetting.status(contact.accountId)).rejects.toSatisfy(
          refusedWith('FORBIDDEN'),
        );
        await expect(contact.moderation.auditHead()).rejects.toSatisfy(refusedWith('FORBIDDEN'));
      });
    } finally {
      contact.close();
      uncertified.close();
    }
  });
});
