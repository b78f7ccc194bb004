// Staff decisions about people through the client core, against the real server with a certified
// organisation: a report's note opened on the moderator's device and the report dismissed;
// another report actioned by a suspension that signs the suspended account out; reinstating it;
// unvetting a volunteer. Each decision is a statement signed on the device; a repeat, an unknown
// account or report, and anyone but staff are refused with their code and change nothing.
import { describe, expect, it } from 'vitest';
import { KolokolError, type KolokolClient, type SignedOutReason } from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import { onModerationBoard, type Board } from '../support/matching.js';
import { eventually } from './support.js';
import { boardTrust, certifiedModerator, trustingMember } from './staff-support.js';

let board: Board;
onModerationBoard((started) => (board = started));

const refusedWith =
  (code: KolokolError['code']) =>
  (error: unknown): boolean =>
    error instanceof KolokolError && error.code === code;

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

describe('staff decisions about people through the client core', () => {
  it('opens and dismisses a report, suspends with another, reinstates, and unvets', async () => {
    const trust = await boardTrust(board);
    const moderator = await certifiedModerator(board, trust);
    const reporter = await trustingMember(board, trust, 'contact');
    const other = await trustingMember(board, trust, 'contact');
    const volunteer = await trustingMember(board, trust, 'volunteer');
    const clients = [moderator, reporter, other, volunteer];
    try {
      const told: string[] = [];
      moderator.updates.reports.on((change) => told.push(`${change.id}:${change.state}`));
      const note = 'Писал мне ночью, угрожал найти по адресу.';
      const made = await reporter.reports.create({
        subject: volunteer.accountId,
        reason: 'threat',
        note,
      });
      const { reports } = await moderator.reports.list();
      const view = reports.find((r) => r.report.id === made.id);
      expect(view?.note).toMatchObject({
        text: note,
        senderSigningKey: reporter.identity.signingKey,
      });

      const dismissed = await moderator.reports.dismiss(view!.report, 'other');
      expect(dismissed.report.state).toBe('dismissed');
      await expectUnchanged(board.server, () =>
        expect(moderator.reports.dismiss(view!.report)).rejects.toSatisfy(refusedWith('CONFLICT')),
      );
      await eventually(() => told.includes(`${made.id}:dismissed`));

      // A second report, actioned by the suspension: the volunteer is signed out at once.
      const second = await other.reports.create({ subject: volunteer.accountId, reason: 'spam' });
      const signedOut: SignedOutReason[] = [];
      volunteer.signedOut.on((reason) => signedOut.push(reason));
      const suspended = await moderator.suspensions.suspend(
        volunteer.accountId,
        'abuse',
        second.id,
      );
      expect(suspended.sessionsEnded).toBeGreaterThanOrEqual(1);
      await eventually(() => signedOut.length > 0);
      expect(signedOut).toEqual(['suspended']);
      expect((await moderator.reports.list()).reports.map((r) => r.report.id)).not.toContain(
        second.id,
      );
      await expectUnchanged(board.server, () =>
        expect(moderator.suspensions.suspend(volunteer.accountId, 'abuse')).rejects.toSatisfy(
          refusedWith('CONFLICT'),
        ),
      );
      await moderator.suspensions.reinstate(volunteer.accountId, 'mistake');
      await expectUnchanged(board.server, () =>
        expect(moderator.suspensions.reinstate(volunteer.accountId)).rejects.toSatisfy(
          refusedWith('CONFLICT'),
        ),
      );

      // Unvetting: the status the app shows follows the answer; unvetting again changes nothing.
      await moderator.vetting.vet(volunteer.accountId, 'standard');
      const tiers: string[] = [];
      moderator.updates.vetting.on((status) => tiers.push(status.tier));
      const unvetted = await moderator.vetting.unvet(volunteer.accountId, 'safety_risk');
      expect(unvetted.status.tier).toBe('none');
      expect(tiers).toEqual(['none']);
      await expectUnchanged(board.server, () =>
        expect(moderator.vetting.unvet(volunteer.accountId)).rejects.toSatisfy(
          refusedWith('CONFLICT'),
        ),
      );
    } finally {
      for (const client of clients) client.close();
    }
  });

  it('refuses unknown accounts and reports, and anyone but staff, changing nothing', async () => {
    const trust = await boardTrust(board);
    const moderator = await certifiedModerator(board, trust);
    const contact = await trustingMember(board, trust, 'contact');
    try {
      const unknownReport = {
        id: UNKNOWN_ID,
        subjectId: contact.accountId,
      } as Parameters<KolokolClient['reports']['dismiss']>[0];
      await expectUnchanged(board.server, async () => {
        await expect(moderator.suspensions.suspend(UNKNOWN_ID, 'abuse')).rejects.toSatisfy(
          refusedWith('NOT_FOUND'),
        );
        await expect(moderator.reports.dismiss(unknownReport)).rejects.toSatisfy(
          refusedWith('NOT_FOUND'),
        );
        await expect(contact.reports.list()).rejects.toSatisfy(refusedWith('FORBIDDEN'));
        await expect(contact.suspensions.suspend(moderator.accountId, 'abuse')).rejects.toSatisfy(
          refusedWith('FORBIDDEN'),
        );
        await expect(moderator.suspensions.suspend(moderator.accountId, 'abuse')).rejects.toSatisfy(
          refusedWith('FORBIDDEN'),
        );
      });
    } finally {
      moderator.close();
      contact.close();
    }
  });
});
