// The audit log verified on a moderator's device through the client core, against the real
// server and its real SQLite file: a log of several signed decisions (a two-moderator `high`
// vetting, a suspension and its reinstatement, certificates, a revocation statement) verifies
// against the pinned root key and ends at the server's head; an entry edited in the database file
// is caught and named; a log cut short after the moderator recorded a checkpoint verifies on its
// own but the checkpoint is reported missing. Verifying reads only: the store does not change.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRY_TYPES, auditEntryHash, auditGenesisHash } from '@kolokol/shared/crypto';
import { KolokolError, type KolokolClient } from '@kolokol/client/core';
import { expectUnchanged } from '../support/assertions.js';
import { onModerationBoard, type Board } from '../support/matching.js';
import { boardTrust, certifiedModerator, trustingMember } from './staff-support.js';

let board: Board;
onModerationBoard((started) => (board = started));

interface Row {
  seq: number;
  entry_type: number;
  recorded_at: number;
  payload: Buffer;
  certificate: Buffer | null;
  payload_digest: Buffer;
}

/** Edits the live database as someone with the disk would: the append-only triggers dropped. */
function tamper(file: string, change: (db: Database.Database, rows: Row[]) => void): void {
  const db = new Database(file);
  try {
    db.exec(
      'DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;',
    );
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
    db.transaction(() => change(db, rows))();
  } finally {
    db.close();
  }
}

/** Writes `rows` as the whole log, renumbered and every hash recomputed: a consistent forgery. */
function rewrite(db: Database.Database, rows: readonly Row[]): void {
  db.prepare('DELETE FROM audit_log').run();
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, entry_type, recorded_at, payload, certificate, payload_digest,
       prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let prevHash = auditGenesisHash();
  rows.forEach((row, index) => {
    const entry = {
      seq: index + 1,
      type: AUDIT_ENTRY_TYPES[row.entry_type - 1]!,
      recordedAt: row.recorded_at,
      payload: new Uint8Array(row.payload),
      certificate: row.certificate === null ? null : new Uint8Array(row.certificate),
      prevHash,
    };
    const hash = auditEntryHash(entry);
    insert.run(
      entry.seq,
      row.entry_type,
      row.recorded_at,
      row.payload,
      row.certificate,
      row.payload_digest,
      prevHash,
      hash,
    );
    prevHash = hash;
  });
}

describe('verifying the audit log on the device', () => {
  it('verifies several decisions, catches an edited entry, and a checkpoint after a cut', async () => {
    const trust = await boardTrust(board);
    const anna = await certifiedModerator(board, trust);
    const boris = await certifiedModerator(board, trust);
    const volunteer = await trustingMember(board, trust, 'volunteer');
    const contact = await trustingMember(board, trust, 'contact');
    const clients: KolokolClient[] = [anna, boris, volunteer, contact];
    try {
      await anna.vetting.vet(volunteer.accountId, 'standard');
      await anna.vetting.vet(volunteer.accountId, 'high');
      await boris.vetting.vet(volunteer.accountId, 'high');
      await anna.suspensions.suspend(contact.accountId, 'spam');
      const checkpoint = (await anna.moderation.auditHead()).head;
      await boris.suspensions.reinstate(contact.accountId, 'mistake');

      const verified = await expectUnchanged(board.server, () => anna.moderation.verifyAudit());
      const head = await boris.moderation.auditHead();
      expect(verified).toMatchObject({ ok: true, summary: { length: head.length } });
      if (!verified.ok) throw new Error('the log did not verify');
      expect(verified.summary.head).toEqual(head.head);
      expect(verified.summary.statements).toBeGreaterThanOrEqual(5);
      expect(verified.summary.certificates).toBeGreaterThanOrEqual(4);
      expect(verified.summary.revocations).toBeGreaterThanOrEqual(1);
      const withCheckpoint = await boris.moderation.verifyAudit({ checkpoint });
      expect(withCheckpoint).toMatchObject({ ok: true, checkpointAt: head.length - 1 });

      // One byte of entry #3's time changed in the file: the device names the entry.
      tamper(board.server.dbFile, (db) =>
        db.prepare('UPDATE audit_log SET recorded_at = recorded_at + 1 WHERE seq = 3').run(),
      );
      expect(await anna.moderation.verifyAudit()).toEqual({
        ok: false,
        problem: 'broken',
        seq: 3,
        reason: 'its hash does not match its contents (the entry was changed)',
      });
      tamper(board.server.dbFile, (db) =>
        db.prepare('UPDATE audit_log SET recorded_at = recorded_at - 1 WHERE seq = 3').run(),
      );
      expect(await anna.moderation.verifyAudit({ checkpoint })).toMatchObject({ ok: true });

      // The reinstatement and the suspension erased, the rest rehashed: the shorter chain holds
      // on its own, and matches the server's head, but the checkpoint recorded after the
      // suspension is no entry of it.
      tamper(board.server.dbFile, (db, rows) => rewrite(db, rows.slice(0, -2)));
      const cut = await anna.moderation.verifyAudit({ checkpoint });
      expect(cut).toMatchObject({
        ok: false,
        problem: 'checkpoint-missing',
        summary: { length: head.length - 2 },
      });
      expect(await anna.moderation.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      for (const client of clients) client.close();
    }
  }, 90_000);

  it('refuses a malformed checkpoint, a client without the pinned root, and non-staff', async () => {
    const trust = await boardTrust(board);
    const moderator = await certifiedModerator(board, trust);
    const unpinned = await certifiedModerator(board);
    const contact = await trustingMember(board, trust, 'contact');
    try {
      const refusedWith = (code: KolokolError['code']) => (error: unknown) =>
        error instanceof KolokolError && error.code === code;
      await expect(
        moderator.moderation.verifyAudit({ checkpoint: new Uint8Array(31) }),
      ).rejects.toSatisfy(refusedWith('BAD_REQUEST'));
      await expect(unpinned.moderation.verifyAudit()).rejects.toSatisfy(refusedWith('BAD_REQUEST'));
      await expectUnchanged(board.server, () =>
        expect(contact.moderation.verifyAudit()).rejects.toSatisfy(refusedWith('FORBIDDEN')),
      );
    } finally {
      for (const client of [moderator, unpinned, contact]) client.close();
    }
  }, 60_000);
});
