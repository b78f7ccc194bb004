// Reporting from a conversation through the real server: `reports.create` naming the conversation
// the reporter has with the subject — also once it is closed (block, then report). Moderators see
// that the report concerns that conversation (its id) and nothing of its content; the note, sealed
// to them, is bound to the conversation as well, and quotes in it are the reporter's word (the
// server cannot verify them: no message franking). A conversation that is not the reporter's is
// NOT_FOUND (as an unknown id), one the subject is not in BAD_REQUEST, each changing nothing; the
// reporter's hourly budget holds as for any report, and a refusal costs none of it.
import { describe, expect, it } from 'vitest';
import { reportWireSchema, type ReportWire } from '@kolokol/shared';
import { CryptoError, openEnvelope, reportNoteContext, utf8 } from '@kolokol/shared/crypto';
import { REPORTS_PER_REPORTER_PER_HOUR } from '../../server/src/domain/report-limits.js';
import { newId } from '../../server/src/domain/secrets.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { call, registerAndLogin, type ClientSocket } from '../support/client.js';
import { openTestConversation } from '../support/conversations.js';
import { addDevice, type LoggedIn } from '../support/keys.js';
import { talkingPair } from '../support/match-conversations.js';
import { bytes, onModerationBoard, type Board } from '../support/matching.js';
import { reportInput } from '../support/reports.js';
import { enrolStaff } from '../support/staff.js';

let board: Board;

onModerationBoard((started) => (board = started));

/** The open report `id` as the moderator anna lists it. */
async function listed(id: string): Promise<ReportWire | undefined> {
  for (let after: { createdAt: number; id: string } | undefined; ;) {
    const page = await call(
      board.anna.socket,
      'reports.list',
      after === undefined ? {} : { after },
    );
    if (!page.ok) throw new Error(`reports.list failed: ${page.error.code}`);
    const found = page.data.reports.find((report) => report.id === id);
    if (found !== undefined || page.data.next === null) return found;
    after = page.data.next;
  }
}

function reportFrom(
  socket: ClientSocket,
  reporter: LoggedIn,
  subject: string,
  options: Parameters<typeof reportInput>[2] = {},
) {
  return call(
    socket,
    'reports.create',
    reportInput(reporter.accountId, subject, {
      sender: reporter.account.identity,
      recipients: [board.anna.recipient, board.boris.recipient],
      ...options,
    }),
  );
}

describe('reports.create with a conversation', () => {
  it('after a block: moderators see which conversation, never its content; the note is bound to it', async () => {
    const pair = await talkingPair(board);
    expect(
      await call(pair.contactDevice.socket, 'conversations.block', {
        conversation: pair.conversation,
      }),
    ).toMatchObject({ ok: true });
    const text = 'Он написал: «я знаю, где ты живёшь».';
    const made = await reportFrom(pair.contact.socket, pair.contact, pair.volunteer.accountId, {
      reason: 'threat',
      conversation: pair.conversation,
      text,
    });
    expect(made).toMatchObject({ ok: true, data: { received: true } });
    if (!made.ok) return;
    const report = await listed(made.data.id);
    expect(report).toMatchObject({
      reporterId: pair.contact.accountId,
      subjectId: pair.volunteer.accountId,
      conversationId: pair.conversation,
      requestId: null,
    });
    // Exactly the fields of a report: nothing of the conversation but its id.
    expect(Object.keys(report!).sort()).toEqual(Object.keys(reportWireSchema.shape).sort());
    const fields = {
      reporter: report!.reporterId,
      subject: report!.subjectId,
      reason: report!.reason,
      conversation: report!.conversationId!,
    };
    const opened = openEnvelope(bytes(report!.note!), board.anna.envelopePrekeys.openingKeys(), {
      context: reportNoteContext(fields),
      expectedSenderSigningKey: pair.contact.account.identity.signing.publicKey,
    });
    expect(opened.plaintext).toEqual(utf8(text));
    // Shown under another conversation, or none, it does not open.
    const { conversation: _conversation, ...without } = fields;
    for (const moved of [without, { ...fields, conversation: newId() }]) {
      expect(() =>
        openEnvelope(bytes(report!.note!), board.anna.envelopePrekeys.openingKeys(), {
          context: reportNoteContext(moved),
        }),
      ).toThrow(CryptoError);
    }
  });

  it('a conversation with staff: reported (for admins), never blocked', async () => {
    const { id, staff, peer } = await openTestConversation(board.server, 'volunteer');
    const made = await reportFrom(peer.socket, peer, staff.accountId, {
      conversation: id,
      reason: 'harassment',
    });
    expect(made).toMatchObject({ ok: true, data: { received: true } });
  });

  it('refuses a conversation not the reporter’s, or without the subject, changing nothing; the budget holds', async () => {
    const pair = await talkingPair(board);
    const other = await talkingPair(board);
    const { contact, volunteer } = pair;
    const refused: [subject: string, conversation: string, code: string][] = [
      // Another pair's conversation, about its own volunteer: as an unknown id.
      [other.volunteer.accountId, other.conversation, 'NOT_FOUND'],
      [volunteer.accountId, newId(), 'NOT_FOUND'],
      // The reporter's own conversation, about someone not in it.
      [other.volunteer.accountId, pair.conversation, 'BAD_REQUEST'],
    ];
    for (const [subject, conversation, code] of refused) {
      await expectRefusedUnchanged(
        board.server,
        () => reportFrom(contact.socket, contact, subject, { conversation }),
        code,
      );
    }
    // None of that cost budget: the whole hour's worth still goes through, the last one the
    // conversation's; one more is refused, with a conversation as without.
    for (let i = 1; i < REPORTS_PER_REPORTER_PER_HOUR; i += 1) {
      const stranger = await registerAndLogin(board.server.url, 'stranger');
      expect(
        await reportFrom(contact.socket, contact, stranger.accountId, { reason: 'spam' }),
      ).toMatchObject({ ok: true });
    }
    expect(
      await reportFrom(contact.socket, contact, volunteer.accountId, {
        conversation: pair.conversation,
      }),
    ).toMatchObject({ ok: true });
    // Past the budget: a report from another conversation of the contact's (with a moderator).
    const moderator = await addDevice(
      board.server.url,
      await enrolStaff(board.server, 'moderator'),
    );
    const withStaff = await call(moderator.socket, 'conversations.open', {
      peer: contact.accountId,
    });
    if (!withStaff.ok) throw new Error(`conversations.open failed: ${withStaff.error.code}`);
    await expectRefusedUnchanged(
      board.server,
      () =>
        reportFrom(contact.socket, contact, moderator.accountId, {
          conversation: withStaff.data.conversation.id,
        }),
      'RATE_LIMITED',
    );
  });
});
