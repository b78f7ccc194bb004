// A moderator's note on a rejection or re-proposal (issue 8: "reject (reason code + optional
// note), or re-propose"), through the real server with real crypto: the note is sealed to the
// certified moderators under proposalNoteContext, its SHA-256 signed in the statement as
// noteDigest, kept with the decided proposal, and shown in the queue entry of the request's next
// proposal (`history`), where another moderator opens it — and only under that decision's
// context. Every bad note is refused with nothing changed; the note leaves the disk when the
// request ends.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MAX_PROPOSAL_NOTE_BYTES, toBase64Url, type QueueEntry } from '@kolokol/shared';
import {
  CryptoError,
  openEnvelope,
  proposalNoteContext,
  randomBytes,
  sealEnvelope,
  utf8,
  type ProposalNoteFields,
} from '@kolokol/shared/crypto';
import { verifyAuditLog } from '../../server/src/domain/audit/verify-log.js';
import { WAL_SCRUB_DELAY_MS } from '../../server/src/store/sqlite/wal-scrubber.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { call } from '../support/client.js';
import {
  bytes,
  matchingSettled,
  onModerationBoard,
  twoVolunteers,
  pendingEntry,
  type Board,
  type Moderator,
} from '../support/matching.js';

let board: Board;

onModerationBoard((started) => (board = started));

/** Two volunteers and a contact (support's twoVolunteers), and the pending proposal to the first. */
async function proposedToBest() {
  const { best, other, contact } = await twoVolunteers(board);
  const entry = await pendingEntry(board.anna, contact.requestId);
  expect(entry.proposal.volunteerId).toBe(best.accountId);
  return { best, other, contact, entry };
}

function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

/** What the moderator's client seals: `text` to both moderators under the decision's context. */
function sealedNote(who: Moderator, text: string, fields: ProposalNoteFields): Uint8Array {
  return sealEnvelope(
    utf8(text),
    who.account.identity,
    [board.anna.recipient, board.boris.recipient],
    {
      context: proposalNoteContext(fields),
      now: Date.now(),
    },
  );
}

/** The decision's fields as the entry of the pending proposal names them. */
function decisionOf(entry: QueueEntry, kind: ProposalNoteFields['kind']): ProposalNoteFields {
  return {
    proposal: entry.proposal.id,
    request: entry.request.id,
    volunteer: entry.proposal.volunteerId,
    kind,
  };
}

/** Opens a history entry's note as `who`'s client does, rebuilding the context from the entry. */
function openHistoryNote(who: Moderator, next: QueueEntry, index: number, sender: Moderator) {
  const decided = next.history[index]!;
  return openEnvelope(bytes(decided.note!), who.envelopePrekeys.openingKeys(), {
    context: proposalNoteContext({
      proposal: decided.proposalId,
      request: next.request.id,
      volunteer: decided.volunteerId,
      kind: decided.state === 'rejected' ? 'reject' : 'repropose',
    }),
    expectedSenderSigningKey: sender.account.identity.signing.publicKey,
  });
}

describe('a rejection’s note', () => {
  it('is shown to the next moderator with the next proposal, and opens only under its decision', async () => {
    const { anna, boris, server } = board;
    const { best, other, contact, entry } = await proposedToBest();
    const text = 'Адвокат знаком с семьёй заявителя: конфликт интересов.';
    const note = sealedNote(anna, text, decisionOf(entry, 'reject'));
    const rejected = await call(anna.socket, 'moderation.reject', {
      statement: anna.statement({
        kind: 'reject',
        subject: best.accountId,
        request: contact.requestId,
        proposal: entry.proposal.id,
        reason: 'conflict_of_interest',
        noteDigest: sha256(note),
      }),
      note: toBase64Url(note),
    });
    expect(rejected).toMatchObject({ ok: true, data: { proposal: { state: 'rejected' } } });
    const seq = rejected.ok ? rejected.data.entry.seq : 0;
    await matchingSettled(board);

    // Boris reads the queue: the next proposal (to the other volunteer) and why the first was not.
    const next = await pendingEntry(boris, contact.requestId);
    expect(next.proposal.volunteerId).toBe(other.accountId);
    expect(next.history).toEqual([
      {
        proposalId: entry.proposal.id,
        volunteerId: best.accountId,
        state: 'rejected',
        reason: 'conflict_of_interest',
        decidedAt: (await server.store.proposals.findProposal(entry.proposal.id))?.decidedAt,
        decidedBy: anna.accountId,
        seq,
        note: toBase64Url(note),
      },
    ]);
    const opened = openHistoryNote(boris, next, 0, anna);
    expect(new TextDecoder().decode(opened.plaintext)).toBe(text);

    // Shown under another proposal, another volunteer or as a re-proposal's, it does not open.
    const keys = boris.envelopePrekeys.openingKeys();
    for (const moved of [
      decisionOf(next, 'reject'),
      { ...decisionOf(entry, 'reject'), volunteer: other.accountId },
      decisionOf(entry, 'repropose'),
    ]) {
      expect(() => openEnvelope(note, keys, { context: proposalNoteContext(moved) })).toThrow(
        CryptoError,
      );
    }
    expect(await verifyAuditLog(server.store, board.org.root.publicKey)).toMatchObject({
      ok: true,
    });
  });

  it('a rejection without a note shows in the history with none', async () => {
    const { anna, boris } = board;
    const { best, contact, entry } = await proposedToBest();
    const rejected = await call(anna.socket, 'moderation.reject', {
      statement: anna.statement({
        kind: 'reject',
        subject: best.accountId,
        request: contact.requestId,
        proposal: entry.proposal.id,
        reason: 'mismatch',
      }),
    });
    expect(rejected).toMatchObject({ ok: true });
    await matchingSettled(board);
    const next = await pendingEntry(boris, contact.requestId);
    expect(next.history).toMatchObject([
      { proposalId: entry.proposal.id, reason: 'mismatch', decidedBy: anna.accountId, note: null },
    ]);
  });
});

describe('a re-proposal’s note', () => {
  it('is kept with the replaced proposal and shown with the new one', async () => {
    const { anna, boris } = board;
    const { best, other, contact, entry } = await proposedToBest();
    const text = 'Первый волонтёр перегружен; второй свободен на этой неделе.';
    const note = sealedNote(anna, text, decisionOf(entry, 'repropose'));
    const answer = await call(anna.socket, 'moderation.repropose', {
      statement: anna.statement({
        kind: 'repropose',
        subject: other.accountId,
        request: contact.requestId,
        proposal: entry.proposal.id,
        reason: 'over_capacity',
        noteDigest: sha256(note),
      }),
      note: toBase64Url(note),
    });
    expect(answer).toMatchObject({
      ok: true,
      data: { replaced: { state: 'replaced' }, proposal: { volunteerId: other.accountId } },
    });
    const next = await pendingEntry(boris, contact.requestId);
    expect(next.proposal.volunteerId).toBe(other.accountId);
    expect(next.history).toMatchObject([
      {
        proposalId: entry.proposal.id,
        volunteerId: best.accountId,
        state: 'replaced',
        reason: 'over_capacity',
        decidedBy: anna.accountId,
        note: toBase64Url(note),
      },
    ]);
    expect(new TextDecoder().decode(openHistoryNote(boris, next, 0, anna).plaintext)).toBe(text);
    // Sealed as a rejection's, the same words do not open as this re-proposal's.
    expect(() =>
      openEnvelope(note, boris.envelopePrekeys.openingKeys(), {
        context: proposalNoteContext(decisionOf(entry, 'reject')),
      }),
    ).toThrow(CryptoError);
  });
});

describe('bad notes', () => {
  it('are refused (BAD_REQUEST; PAYLOAD_TOO_LARGE past the event’s bound), nothing changed, for reject and repropose', async () => {
    const { anna, server } = board;
    const { other, contact, entry } = await proposedToBest();
    await matchingSettled(board);
    const kinds = {
      reject: { event: 'moderation.reject', fields: { reason: 'mismatch' as const } },
      repropose: { event: 'moderation.repropose', fields: { subject: other.accountId } },
    } as const;
    for (const kind of ['reject', 'repropose'] as const) {
      const { event, fields } = kinds[kind];
      const statement = (extra: { noteDigest?: Uint8Array }) =>
        anna.statement({
          kind,
          subject: entry.proposal.volunteerId,
          request: contact.requestId,
          proposal: entry.proposal.id,
          ...fields,
          ...extra,
        });
      const send = (payload: { statement: string; note?: string }) =>
        call(anna.socket, event, payload);
      const note = sealedNote(anna, 'Причина отказа.', decisionOf(entry, kind));
      const junk = randomBytes(2000);
      // A sealed envelope, but of a 16 KiB bucket: more than a note may hold.
      const long = sealedNote(anna, 'д'.repeat(2500), decisionOf(entry, kind));
      expect(long.length).toBeGreaterThan(MAX_PROPOSAL_NOTE_BYTES);
      const over = new Uint8Array(MAX_PROPOSAL_NOTE_BYTES + 1);
      const cases: [string, { statement: string; note?: string }, string][] = [
        [
          'a note without noteDigest',
          { statement: statement({}), note: toBase64Url(note) },
          'BAD_REQUEST',
        ],
        [
          'noteDigest without a note',
          { statement: statement({ noteDigest: sha256(note) }) },
          'BAD_REQUEST',
        ],
        [
          'a noteDigest of other bytes',
          { statement: statement({ noteDigest: sha256(junk) }), note: toBase64Url(note) },
          'BAD_REQUEST',
        ],
        [
          'a note that is no sealed envelope',
          { statement: statement({ noteDigest: sha256(junk) }), note: toBase64Url(junk) },
          'BAD_REQUEST',
        ],
        // One byte over the limit: refused by the payload's schema.
        [
          'a note one byte over the limit',
          { statement: statement({ noteDigest: sha256(over) }), note: toBase64Url(over) },
          'BAD_REQUEST',
        ],
        // A real envelope of the next bucket: past the event's size bound before it is parsed.
        [
          'a sealed note of more than 4 KiB',
          { statement: statement({ noteDigest: sha256(long) }), note: toBase64Url(long) },
          'PAYLOAD_TOO_LARGE',
        ],
      ];
      for (const [name, payload, code] of cases) {
        await expectRefusedUnchanged(server, () => send(payload), code).catch((error: unknown) => {
          throw new Error(`${kind}: ${name}: ${String(error)}`);
        });
      }
    }
    expect((await server.store.proposals.findProposal(entry.proposal.id))?.state).toBe('pending');
  });
});

/** The database file and its -wal and -shm companions, byte for byte, as found on disk. */
async function filesOnDisk(): Promise<Buffer> {
  const parts = await Promise.all(
    ['', '-wal', '-shm'].map((suffix) =>
      readFile(board.server.dbFile + suffix).catch(() => Buffer.alloc(0)),
    ),
  );
  return Buffer.concat(parts);
}

describe('when the request ends', () => {
  it('its proposals’ notes are dropped and leave the database files (scrubbed)', async () => {
    const { anna, server } = board;
    const { best, contact, entry } = await proposedToBest();
    const note = sealedNote(
      anna,
      'Записка, которая уйдёт вместе с запросом.',
      decisionOf(entry, 'reject'),
    );
    expect(
      await call(anna.socket, 'moderation.reject', {
        statement: anna.statement({
          kind: 'reject',
          subject: best.accountId,
          request: contact.requestId,
          proposal: entry.proposal.id,
          reason: 'safety_risk',
          noteDigest: sha256(note),
        }),
        note: toBase64Url(note),
      }),
    ).toMatchObject({ ok: true });
    await matchingSettled(board);
    const disk = await filesOnDisk();
    const slices = [100, 5_000, 12_000, 20_000, note.length - 40]
      .map((at) => Buffer.from(note.subarray(at, at + 32)))
      .filter((slice) => disk.includes(slice));
    expect(slices.length).toBeGreaterThanOrEqual(3);

    // The contact cancels: the details and the note go; the decided proposal's row stays with the
    // request (who decided, why) until the request is purged.
    expect(await call(contact.socket, 'requests.cancel', { id: contact.requestId })).toMatchObject({
      ok: true,
    });
    await matchingSettled(board);
    const db = new Database(server.dbFile, { readonly: true });
    try {
      expect(
        db
          .prepare<[string], { note: Buffer | null; decided_by: string | null }>(
            'SELECT note, decided_by FROM proposals WHERE id = ?',
          )
          .get(entry.proposal.id),
      ).toEqual({ note: null, decided_by: anna.accountId });
    } finally {
      db.close();
    }
    const deadline = Date.now() + WAL_SCRUB_DELAY_MS + 2000;
    let left = slices.length;
    while (left > 0 && Date.now() <= deadline) {
      const now = await filesOnDisk();
      left = slices.filter((slice) => now.includes(slice)).length;
      if (left > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(left).toBe(0);
  });
});
