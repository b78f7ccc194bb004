// Ending and blocking a match, and reporting an account, through the client core against the
// real server with certified moderators (tests/support/matching): the contact's core makes the
// request (sealed to the directory it verified), anna approves, the volunteer accepts; the
// contact's core then ends one match, blocks in another, and reports with a note sealed to the
// verified moderators that anna opens under reportNoteContext. Refusals are KolokolError with
// the server's code and change nothing.
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from '@kolokol/shared';
import { openEnvelope, reportNoteContext, type TrustConfiguration } from '@kolokol/shared/crypto';
import { KolokolClient, KolokolError, MemoryStorage } from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import { revoking, staff } from '../support/audit.js';
import { call } from '../support/client.js';
import {
  approved,
  freshLanguage,
  matchingSettled,
  onModerationBoard,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';
import { DEPLOYMENT, PASSPHRASE, newHandle } from './support.js';

let board: Board;
onModerationBoard((started) => (board = started));

const refusedWith = (code: string) => (error: unknown) =>
  error instanceof KolokolError && error.code === code;

let published = false;
/** A contact on the core, trusting the board's root; the directory verifies once published. */
async function coreContact(): Promise<KolokolClient> {
  if (!published) {
    const admin = await staff(board.server, board.org, 'admin');
    const answer = await call(admin.socket, 'revocations.publish', {
      revocationList: revoking(board.org, []),
    });
    expect(answer).toMatchObject({ ok: true });
    published = true;
  }
  const trust: TrustConfiguration = {
    deployment: DEPLOYMENT,
    rootPublicKey: board.org.root.publicKey,
    minRevocationIssuedAt: 0,
  };
  const { client } = await KolokolClient.register(
    { url: board.server.url, deployment: DEPLOYMENT, storage: new MemoryStorage(), trust },
    { handle: newHandle('contact'), passphrase: PASSPHRASE, role: 'contact' },
  );
  return client;
}

/** A core contact's request matched with a vetted volunteer, approved by anna and accepted. */
async function acceptedMatch() {
  const language = freshLanguage();
  const volunteer = await vettedVolunteer(board, {
    skills: [{ code: 'legal.military-law', level: 3 }],
    languages: [language],
  });
  const contact = await coreContact();
  const { request } = await contact.requests.create({
    skills: ['legal.military-law'],
    urgency: 'low',
    languages: [language],
    region: 'ru.volga',
    details: 'Нужна консультация',
  });
  await matchingSettled(board);
  const matchId = await approved(board, { requestId: request.id }, volunteer);
  expect(await call(volunteer.socket, 'matches.accept', { id: matchId })).toMatchObject({
    ok: true,
  });
  return { contact, volunteer, matchId };
}

describe('match actions and reports through the client core', () => {
  it('ends a live match, and refuses to end it twice, changing nothing', async () => {
    const { contact, matchId } = await acceptedMatch();
    try {
      const [view] = await contact.matches.list();
      expect(view?.match.id).toBe(matchId);
      const ended = await contact.matches.end(matchId, 'resolved');
      expect(ended.match.state).toBe('ended');
      await expectUnchanged(board.server, () =>
        expect(contact.matches.end(matchId, 'closed')).rejects.toSatisfy(refusedWith('CONFLICT')),
      );
    } finally {
      contact.close();
    }
  });

  it('blocks the volunteer in a conversation, then reports them with a sealed note', async () => {
    const { contact, volunteer, matchId } = await acceptedMatch();
    try {
      const conversation = await contact.conversations.open(volunteer.accountId);
      const blocked = await contact.conversations.block(conversation.id);
      expect(blocked.closedAt).not.toBeNull();
      // The match is withdrawn with it: no longer among the contact's live matches.
      expect((await contact.matches.list()).map((view) => view.match.id)).not.toContain(matchId);

      const note = 'Он просил мой адрес и паспорт.';
      const report = await contact.reports.create({
        subject: volunteer.accountId,
        reason: 'suspected_infiltrator',
        conversation: conversation.id,
        note,
      });
      expect(report.received).toBe(true);
      const listed = await call(board.anna.socket, 'reports.list', {});
      if (!listed.ok) throw new Error(listed.error.code);
      const stored = listed.data.reports.find((r) => r.id === report.id);
      expect(stored?.conversationId).toBe(conversation.id);
      const opened = openEnvelope(
        fromBase64Url(stored!.note!)!,
        board.anna.envelopePrekeys.openingKeys(),
        {
          context: reportNoteContext({
            reporter: contact.accountId,
            subject: volunteer.accountId,
            reason: 'suspected_infiltrator',
            conversation: conversation.id,
          }),
          expectedSenderSigningKey: contact.identity.signingKey,
        },
      );
      expect(new TextDecoder().decode(opened.plaintext)).toBe(note);

      // Reporting oneself is refused, and nothing is stored.
      await expectUnchanged(board.server, () =>
        expect(
          contact.reports.create({ subject: contact.accountId, reason: 'spam' }),
        ).rejects.toSatisfy(refusedWith('BAD_REQUEST')),
      );
    } finally {
      contact.close();
    }
  });

  it('blocks a match by its id', async () => {
    const { contact, matchId } = await acceptedMatch();
    try {
      const blocked = await contact.matches.block(matchId);
      expect(blocked.match.state).toBe('withdrawn');
    } finally {
      contact.close();
    }
  });
});
