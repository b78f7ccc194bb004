// Moderators' decisions on the engine's proposals through the real server: approve (one
// moderator for a standard skill), reject (the pair barred, the request matched again to someone
// else), re-propose (to an alternative in one step; refused with the engine's reasons for a
// volunteer who fails a hard constraint), and every bad approval refused with nothing changed.
import { createHash } from 'node:crypto';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '@kolokol/shared';
import { randomBytes } from '@kolokol/shared/crypto';
import { verifyAuditLog } from '../../server/src/domain/audit/verify-log.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { auditLength, staff } from '../support/audit.js';
import { call } from '../support/client.js';
import { requestInput } from '../support/requests.js';
import {
  approvalBy,
  approvedPair,
  contactWithRequest,
  freshLanguage,
  matchingSettled,
  MILITARY_LAW,
  onModerationBoard,
  twoVolunteers,
  pendingEntry,
  queued,
  vettedVolunteer,
  type Board,
} from '../support/matching.js';

let board: Board;

onModerationBoard((started) => (board = started));

describe('approve', () => {
  it('one moderator approves a standard proposal; the log records it and verifies', async () => {
    const before = auditLength(board.server);
    const { contact, matchId } = await approvedPair(board);
    expect(auditLength(board.server)).toBeGreaterThan(before);
    expect((await board.server.store.proposals.findProposal(matchId))?.state).toBe('approved');
    expect((await board.server.store.requests.findRequest(contact.requestId))?.state).toBe(
      'approved',
    );
    expect(await verifyAuditLog(board.server.store, board.org.root.publicKey)).toMatchObject({
      ok: true,
    });
  });

  it('refuses every bad approval and changes nothing', async () => {
    const { server, anna } = board;
    const language = freshLanguage();
    const volunteer = await vettedVolunteer(board, { skills: MILITARY_LAW, languages: [language] });
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    const entry = await pendingEntry(anna, contact.requestId);
    const good = await approvalBy(anna, entry, volunteer);
    const approve = (payload: { statement: string; details: string }, who = anna) =>
      call(who.socket, 'moderation.approve', payload);
    const statement = (fields: Record<string, unknown>) =>
      anna.statement({
        kind: 'approve',
        subject: volunteer.accountId,
        request: contact.requestId,
        proposal: entry.proposal.id,
        ...fields,
      });
    const digestOf = (details: string) =>
      new Uint8Array(createHash('sha256').update(Buffer.from(details, 'base64url')).digest());

    // No envelopeDigest; one that is not SHA-256 of the details.
    await expectRefusedUnchanged(
      server,
      () => approve({ ...good, statement: statement({}) }),
      'BAD_REQUEST',
    );
    await expectRefusedUnchanged(
      server,
      () => approve({ ...good, statement: statement({ envelopeDigest: randomBytes(32) }) }),
      'BAD_REQUEST',
    );
    // Other details (a sealed envelope, signed for): not the request's with one recipient added.
    const other = requestInput().details;
    await expectRefusedUnchanged(
      server,
      () =>
        approve({
          details: other,
          statement: statement({ envelopeDigest: digestOf(other) }),
        }),
      'BAD_REQUEST',
    );
    // The stored details unchanged (no recipient added).
    await expectRefusedUnchanged(
      server,
      () =>
        approve({
          details: entry.request.details,
          statement: statement({ envelopeDigest: digestOf(entry.request.details) }),
        }),
      'BAD_REQUEST',
    );
    // Junk details.
    const junk = toBase64Url(randomBytes(1000));
    await expectRefusedUnchanged(
      server,
      () => approve({ details: junk, statement: statement({ envelopeDigest: digestOf(junk) }) }),
      'BAD_REQUEST',
    );
    // The statement names another volunteer, another request, an unknown proposal.
    const envelopeDigest = digestOf(good.details);
    await expectRefusedUnchanged(
      server,
      () =>
        approve({ ...good, statement: statement({ envelopeDigest, subject: contact.accountId }) }),
      'BAD_REQUEST',
    );
    await expectRefusedUnchanged(
      server,
      () =>
        approve({
          ...good,
          statement: statement({ envelopeDigest, request: toBase64Url(randomBytes(16)) }),
        }),
      'BAD_REQUEST',
    );
    await expectRefusedUnchanged(
      server,
      () =>
        approve({
          ...good,
          statement: statement({ envelopeDigest, proposal: toBase64Url(randomBytes(16)) }),
        }),
      'NOT_FOUND',
    );
    // A reject statement sent to approve; a moderator without a certificate.
    await expectRefusedUnchanged(
      server,
      () =>
        approve({
          ...good,
          statement: anna.statement({
            kind: 'reject',
            subject: volunteer.accountId,
            request: contact.requestId,
            proposal: entry.proposal.id,
            reason: 'mismatch',
          }),
        }),
      'BAD_REQUEST',
    );
    const uncertified = await staff(server, board.org, 'moderator', { certified: false });
    await expectRefusedUnchanged(
      server,
      () =>
        call(uncertified.socket, 'moderation.approve', {
          details: good.details,
          statement: uncertified.statement({
            kind: 'approve',
            subject: volunteer.accountId,
            request: contact.requestId,
            proposal: entry.proposal.id,
            envelopeDigest,
          }),
        }),
      'FORBIDDEN',
    );
    // The volunteer and the contact may not approve at all.
    await expectRefusedUnchanged(
      server,
      () => call(volunteer.socket, 'moderation.approve', good),
      'FORBIDDEN',
    );
    await expectRefusedUnchanged(
      server,
      () => call(contact.socket, 'moderation.queue', {}),
      'FORBIDDEN',
    );

    // The good one goes through; the same statement again is a replay; a fresh one finds it decided.
    expect(await approve(good)).toMatchObject({
      ok: true,
      data: { proposal: { state: 'approved' } },
    });
    await expectRefusedUnchanged(server, () => approve(good), 'CONFLICT');
    await expectRefusedUnchanged(
      server,
      () => approve({ ...good, statement: statement({ envelopeDigest }) }),
      'CONFLICT',
    );
  });
});

describe('audit-verify and the proposals the store holds', () => {
  it('names a proposal approved in the database without a signed approval, and swapped details', async () => {
    const { server, anna } = board;
    const root = board.org.root.publicKey;
    const language = freshLanguage();
    const volunteer = await vettedVolunteer(board, { skills: MILITARY_LAW, languages: [language] });
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    const entry = await pendingEntry(anna, contact.requestId);
    expect(await verifyAuditLog(server.store, root)).toMatchObject({ ok: true });
    const mismatch = async () => {
      const result = await verifyAuditLog(server.store, root);
      return 'stateMismatch' in result ? result.stateMismatch : 'no mismatch';
    };
    const db = new Database(server.dbFile);
    try {
      // Someone with the disk marks the proposal approved and the request with it.
      db.prepare(`UPDATE proposals SET state = 'approved' WHERE id = ?`).run(entry.proposal.id);
      expect(await mismatch()).toMatch(/no approval/);
      db.prepare(`UPDATE proposals SET state = 'pending' WHERE id = ?`).run(entry.proposal.id);
      expect(await verifyAuditLog(server.store, root)).toMatchObject({ ok: true });

      // A real approval; then the stored details are swapped for other bytes.
      expect(
        await call(anna.socket, 'moderation.approve', await approvalBy(anna, entry, volunteer)),
      ).toMatchObject({ ok: true });
      expect(await verifyAuditLog(server.store, root)).toMatchObject({ ok: true });
      const details = db
        .prepare<[string], { details: Buffer }>('SELECT details FROM requests WHERE id = ?')
        .get(contact.requestId)!.details;
      const swapped = Buffer.from(details);
      const last = swapped.length - 1;
      swapped.writeUInt8(swapped.readUInt8(last) ^ 1, last);
      db.prepare('UPDATE requests SET details = ? WHERE id = ?').run(swapped, contact.requestId);
      expect(await mismatch()).toMatch(/not the envelope its approval signed/);
      db.prepare('UPDATE requests SET details = ? WHERE id = ?').run(details, contact.requestId);
      // An approval naming another moderator than the one who signed it.
      db.prepare(`UPDATE proposals SET approvals = ? WHERE id = ?`).run(
        JSON.stringify([{ moderatorId: board.boris.accountId, seq: auditLength(server) }]),
        entry.proposal.id,
      );
      expect(await mismatch()).toMatch(/names an approval/);
      db.prepare(`UPDATE proposals SET approvals = ? WHERE id = ?`).run(
        JSON.stringify([{ moderatorId: anna.accountId, seq: auditLength(server) }]),
        entry.proposal.id,
      );
      expect(await verifyAuditLog(server.store, root)).toMatchObject({ ok: true });
    } finally {
      db.close();
    }
  });
});

describe('a volunteer no longer trusted', () => {
  it('suspended while proposed: approval refused, the proposal withdrawn, the request re-matched', async () => {
    const { server, anna, boris } = board;
    const { best, other, contact } = await twoVolunteers(board);
    const entry = await pendingEntry(anna, contact.requestId);
    expect(entry.proposal.volunteerId).toBe(best.accountId);
    // Anna's client prepared the approval before Boris suspended the volunteer.
    const approval = await approvalBy(anna, entry, best);
    const suspended = await call(boris.socket, 'moderation.suspend', {
      statement: boris.statement({ kind: 'suspend', subject: best.accountId, reason: 'abuse' }),
    });
    expect(suspended).toMatchObject({ ok: true });
    await matchingSettled(board);
    // The proposal was withdrawn and the request went to the other volunteer.
    expect((await server.store.proposals.findProposal(entry.proposal.id))?.state).toBe('withdrawn');
    expect((await pendingEntry(anna, contact.requestId)).proposal.volunteerId).toBe(
      other.accountId,
    );
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'moderation.approve', approval),
      'CONFLICT',
    );
  });

  it('unvetted between the proposal and the approval: refused, the proposal withdrawn, the request open', async () => {
    const { server, anna, boris } = board;
    const language = freshLanguage();
    const volunteer = await vettedVolunteer(board, { skills: MILITARY_LAW, languages: [language] });
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    const entry = await pendingEntry(anna, contact.requestId);
    const approval = await approvalBy(anna, entry, volunteer);
    expect(
      await call(boris.socket, 'volunteers.unvet', {
        statement: boris.statement({ kind: 'unvet', subject: volunteer.accountId }),
      }),
    ).toMatchObject({ ok: true });
    // The unvetting asked for a matching run, which withdraws the proposal; let it finish so the
    // refusal below is compared with a store nothing else is changing (otherwise the run could
    // land inside the "unchanged" window and make this test fail one run in many).
    await matchingSettled(board);
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'moderation.approve', approval),
      'CONFLICT',
    );
    await matchingSettled(board);
    expect((await server.store.proposals.findProposal(entry.proposal.id))?.state).toBe('withdrawn');
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('open');
  });
});

describe('who is matched', () => {
  it('a suspended contact’s open request is not proposed to anyone', async () => {
    const { server, boris } = board;
    const language = freshLanguage();
    const contact = await contactWithRequest(board, {
      skills: ['legal.military-law'],
      languages: [language],
    });
    expect(
      await call(boris.socket, 'moderation.suspend', {
        statement: boris.statement({ kind: 'suspend', subject: contact.accountId, reason: 'spam' }),
      }),
    ).toMatchObject({ ok: true });
    await vettedVolunteer(board, { skills: MILITARY_LAW, languages: [language] });
    await matchingSettled(board);
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('open');
    expect(await queued(board.anna, contact.requestId)).toBeUndefined();
  });
});

describe('reject and re-propose', () => {
  it('a rejection bars the pair and re-matches the request to the other volunteer', async () => {
    const { server, anna } = board;
    const { best, other, contact } = await twoVolunteers(board);
    const entry = await pendingEntry(anna, contact.requestId);
    expect(entry.proposal.volunteerId).toBe(best.accountId);
    expect(entry.alternatives.map((a) => a.volunteerId)).toEqual([other.accountId]);
    const rejected = await call(anna.socket, 'moderation.reject', {
      statement: anna.statement({
        kind: 'reject',
        subject: best.accountId,
        request: contact.requestId,
        proposal: entry.proposal.id,
        reason: 'conflict_of_interest',
      }),
    });
    expect(rejected).toMatchObject({ ok: true, data: { proposal: { state: 'rejected' } } });
    expect(
      await server.store.proposals.barsBetween(contact.accountId, best.accountId),
    ).toMatchObject([{ reason: 'rejected' }]);
    await matchingSettled(board);
    const next = await pendingEntry(anna, contact.requestId);
    expect(next.proposal.volunteerId).toBe(other.accountId);
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('proposed');
    // Rejecting again the decided proposal changes nothing.
    await expectRefusedUnchanged(
      server,
      () =>
        call(anna.socket, 'moderation.reject', {
          statement: anna.statement({
            kind: 'reject',
            subject: best.accountId,
            request: contact.requestId,
            proposal: entry.proposal.id,
            reason: 'mismatch',
          }),
        }),
      'CONFLICT',
    );
  });

  it('re-proposes to an alternative in one step; refuses one who fails a hard constraint', async () => {
    const { server, anna } = board;
    const { language, best, other, contact } = await twoVolunteers(board);
    const unvetted = await vettedVolunteer(
      board,
      { skills: MILITARY_LAW, languages: [language] },
      'none',
    );
    const entry = await pendingEntry(anna, contact.requestId);
    const repropose = (subject: string) =>
      call(anna.socket, 'moderation.repropose', {
        statement: anna.statement({
          kind: 'repropose',
          subject,
          request: contact.requestId,
          proposal: entry.proposal.id,
        }),
      });
    const refused = await expectRefusedUnchangedAnswer(() => repropose(unvetted.accountId));
    expect(refused).toMatch(/not_vetted/);
    expect(await expectRefusedUnchangedAnswer(() => repropose(best.accountId))).toMatch(
      /already_proposed/,
    );
    await expectRefusedUnchanged(server, () => repropose(contact.accountId), 'NOT_FOUND');

    const answer = await call(anna.socket, 'moderation.repropose', {
      statement: anna.statement({
        kind: 'repropose',
        subject: other.accountId,
        request: contact.requestId,
        proposal: entry.proposal.id,
        reason: 'over_capacity',
      }),
    });
    expect(answer).toMatchObject({
      ok: true,
      data: {
        replaced: { id: entry.proposal.id, state: 'replaced' },
        proposal: { volunteerId: other.accountId, state: 'pending' },
      },
    });
    expect((await server.store.requests.findRequest(contact.requestId))?.state).toBe('proposed');
    expect((await queued(anna, contact.requestId))?.proposal.volunteerId).toBe(other.accountId);
    expect(await verifyAuditLog(server.store, board.org.root.publicKey)).toMatchObject({
      ok: true,
    });
  });
});

/** Asserts a CONFLICT that changed nothing; returns its message. */
async function expectRefusedUnchangedAnswer(send: () => Promise<unknown>): Promise<string> {
  let message = '';
  await expectRefusedUnchanged(
    board.server,
    async () => {
      const answer = (await send()) as { ok: boolean; error?: { message: string } };
      message = answer.error?.message ?? '';
      return answer;
    },
    'CONFLICT',
  );
  return message;
}
