// The moderator's screens' state (client/src/ui/moderation) over the real client core and the real
// server with certified moderators: a request reaches both queues by push alone with its details
// opened on the device; a re-proposal with a sealed note shows in the other moderator's queue with
// that note opened; a rejection empties both queues; the log head follows each decision; a report
// reaches the reports list by push, and suspending its subject actions it and signs them out.
import { describe, expect, it } from 'vitest';
import type { SignedOutReason } from '@kolokol/client/core';
import { QueueDesk } from '../../client/src/ui/moderation/queue-desk.js';
import { ReportsDesk } from '../../client/src/ui/moderation/reports-desk.js';
import {
  freshLanguage,
  matchingSettled,
  onModerationBoard,
  type Board,
} from '../support/matching.js';
import { offerInput } from '../support/requests.js';
import { eventually } from '../client/support.js';
import { DEPLOYMENT } from '../client/support.js';
import { certifiedModerator } from '../client/staff-support.js';
import { joined, publishRevocations, vet } from './support.js';

let board: Board;
onModerationBoard((started) => (board = started));

describe('the moderator’s screens’ state over the client core', () => {
  it('keeps the queue live, re-proposes with a note the other moderator reads, rejects, and actions a report', async () => {
    await publishRevocations(board);
    const trust = {
      deployment: DEPLOYMENT,
      rootPublicKey: board.org.root.publicKey,
      minRevocationIssuedAt: 0,
    };
    const m1 = await certifiedModerator(board, trust);
    const m2 = await certifiedModerator(board, trust);
    const language = freshLanguage();
    const volunteers = [await joined(board, 'volunteer'), await joined(board, 'volunteer')];
    for (const volunteer of volunteers) {
      const { note: _none, ...offer } = offerInput({ languages: [language] });
      await volunteer.offers.put(offer);
      await vet(board, volunteer.accountId);
    }
    const contact = await joined(board, 'contact');
    const first = new QueueDesk(m1);
    const second = new QueueDesk(m2);
    const reports = new ReportsDesk(m1);
    try {
      await Promise.all([first.start(), second.start(), reports.start()]);
      const headBefore = first.head.value?.length ?? 0;

      const details = 'Нужна консультация по повестке, срок явки через неделю.';
      const created = await contact.requests.create({
        skills: ['legal.military-law'],
        urgency: 'normal',
        languages: [language],
        region: 'ru.volga',
        details,
      });
      await matchingSettled(board);
      const entryIn = (desk: QueueDesk) =>
        desk.entries.items.value?.find((entry) => entry.request.id === created.request.id);
      // Neither desk is asked to refresh: the push alone brings the entry.
      await eventually(() => entryIn(first) !== undefined && entryIn(second) !== undefined);
      const entry = entryIn(first)!;
      expect(first.details(entry)).toMatchObject({ text: details });
      expect(first.approvedByMe(entry)).toBe(false);

      const other = entry.alternatives[0]?.volunteerId;
      expect(other).toBeDefined();
      const note = 'Первый волонтёр занят до конца месяца.';
      await first.repropose(entry, other!, 'over_capacity', note);
      expect(first.head.value?.length).toBeGreaterThan(headBefore);
      await eventually(() => entryIn(second)?.proposal.volunteerId === other);
      const replaced = entryIn(second)!;
      const decided = replaced.history.find((h) => h.proposalId === entry.proposal.id);
      expect(decided).toMatchObject({ state: 'replaced', reason: 'over_capacity' });
      expect(await second.note(replaced, decided!)).toMatchObject({ text: note });

      await second.reject(replaced, 'mismatch', '');
      await eventually(() => entryIn(first) === undefined && entryIn(second) === undefined);

      // A report about the first volunteer: by push into the list, then actioned by a suspension.
      const reported = volunteers[0]!;
      const signedOut: SignedOutReason[] = [];
      reported.signedOut.on((reason) => signedOut.push(reason));
      const made = await contact.reports.create({
        subject: reported.accountId,
        reason: 'threat',
        note: 'Угрожал мне в переписке.',
      });
      const viewOf = () => reports.reports.items.value?.find((v) => v.report.id === made.id);
      await eventually(() => viewOf() !== undefined);
      expect(viewOf()!.note).toMatchObject({ text: 'Угрожал мне в переписке.' });
      await reports.suspendSubject(viewOf()!, 'abuse');
      expect(viewOf()).toBeUndefined();
      await eventually(() => signedOut.includes('suspended'));
      const stored = (board.server.snapshot().reports ?? []).map(
        (row) => JSON.parse(row as string) as { id: string; state: string },
      );
      expect(stored.find((row) => row.id === made.id)?.state).toBe('actioned');
    } finally {
      for (const desk of [first, second, reports]) desk.stop();
      await Promise.all(
        [m1, m2, contact, ...volunteers].map((c) => c.logout().catch(() => undefined)),
      );
    }
  }, 180_000);
});
