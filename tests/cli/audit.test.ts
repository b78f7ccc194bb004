// `npm run admin -- audit-verify` and `audit-head`, run as the operator runs them against a real
// SQLite file: a log written by the real server verifies; an entry edited, deleted or reordered in
// the file is caught and named; a chain rewritten wholesale (every hash recomputed) verifies on
// its own but is caught by a checkpoint recorded earlier — or by a later statement that signed the
// head its moderator saw.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '@kolokol/shared';
import {
  AUDIT_ENTRY_TYPES,
  auditEntryHash,
  auditGenesisHash,
  encodeRootPublicKey,
  type AuditEntry,
} from '@kolokol/shared/crypto';
import { staff, testOrganisation, type Staff } from '../support/audit.js';
import { call, closeAllSockets, registerAndLogin } from '../support/client.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';

const org = testOrganisation();
const rootKey = encodeRootPublicKey(org.root.publicKey);
let server: TestServer;
const copies: string[] = [];

const admin = (dataDir: string, ...args: string[]) =>
  runAdmin(args, cleanEnv({ KOLOKOL_DATA_DIR: dataDir, KOLOKOL_ROOT_PUBLIC_KEY: rootKey }));

/** What an operator reads off `audit-head`: the head hash on its own line. */
function headOf(stdout: string): string {
  const head = /\n([A-Za-z0-9_-]{43})\n/.exec(stdout)?.[1];
  expect(head, stdout).toBeDefined();
  return head!;
}

/** A standalone copy of the server's database in a new data directory, for one tampering. */
async function copyOfLog(): Promise<{ dir: string; file: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-audit-'));
  copies.push(dir);
  const file = path.join(dir, 'kolokol.sqlite');
  const db = new Database(server.dbFile, { readonly: true });
  try {
    db.prepare('VACUUM INTO ?').run(file);
  } finally {
    db.close();
  }
  return { dir, file };
}

interface Row {
  seq: number;
  entry_type: number;
  recorded_at: number;
  payload: Buffer;
  certificate: Buffer | null;
  payload_digest: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

/** Opens the copy as someone who took the file would: the append-only triggers dropped first. */
function tamper(file: string, change: (db: Database.Database, rows: Row[]) => void): void {
  const db = new Database(file);
  try {
    db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
    const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as Row[];
    db.transaction(() => change(db, rows))();
  } finally {
    db.close();
  }
}

/** Rewrites the whole table from `entries`, every hash recomputed: a consistent forged chain. */
function rewrite(db: Database.Database, rows: readonly Row[]): void {
  db.prepare('DELETE FROM audit_log').run();
  const insert = db.prepare(
    `INSERT INTO audit_log (seq, entry_type, recorded_at, payload, certificate, payload_digest,
       prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  let prevHash = auditGenesisHash();
  rows.forEach((row, index) => {
    const entry: Omit<AuditEntry, 'hash'> = {
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

/** A copy of the log with entry `seq` removed and every later entry renumbered and rehashed. */
async function rewrittenWithout(seq: number): Promise<string> {
  const { dir, file } = await copyOfLog();
  tamper(file, (db, rows) =>
    rewrite(
      db,
      rows.filter((row) => row.seq !== seq),
    ),
  );
  return dir;
}

let anna: Staff;
/** The contact suspended in entry 8. */
let contactId: string;
/** The head recorded (as a checkpoint) after the first decisions, before the last ones. */
let checkpoint: string;
let length: number;

beforeAll(async () => {
  server = await startTestServer({ KOLOKOL_ROOT_PUBLIC_KEY: rootKey });
  anna = await staff(server, org);
  const boris = await staff(server, org);
  const volunteer = await registerAndLogin(server.url, 'vol', { role: 'volunteer' });
  const contact = await registerAndLogin(server.url, 'contact');
  contactId = contact.accountId;
  const vet = (who: Staff, tier: 'standard' | 'high') =>
    call(who.socket, 'volunteers.vet', {
      statement: who.statement({ kind: 'vet', subject: volunteer.accountId, tier }),
    });
  // 1, 2: the two certificates (published by staff()); 3–5 decisions; 6 an operator action.
  expect((await vet(anna, 'standard')).ok).toBe(true);
  expect((await vet(anna, 'high')).ok).toBe(true);
  expect((await vet(boris, 'high')).ok).toBe(true);
  expect((await admin(server.config.dataDir, 'suspend', contact.account.handle)).code).toBe(0);
  const head = await admin(server.config.dataDir, 'audit-head');
  expect(head.code).toBe(0);
  checkpoint = headOf(head.stdout);
  // 7, 8 after the checkpoint.
  expect((await admin(server.config.dataDir, 'unsuspend', contact.account.handle)).code).toBe(0);
  const suspension = await call(anna.socket, 'moderation.suspend', {
    statement: anna.statement({ kind: 'suspend', subject: contact.accountId, reason: 'spam' }),
  });
  expect(suspension.ok).toBe(true);
  length = (await server.store.audit.head()).length;
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  await server.close();
  for (const dir of copies) await rm(dir, { recursive: true, force: true });
});

describe('admin audit-verify', () => {
  it('verifies the log the server wrote, and a checkpoint recorded earlier', async () => {
    expect(length).toBe(8);
    const result = await admin(server.config.dataDir, 'audit-verify', '--checkpoint', checkpoint);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      'audit log verified: 8 entries (4 signed decision(s), 2 certificate(s), 0 revocation statement(s), 2 operator action(s))',
    );
    expect(result.stdout).toContain('checkpoint found at entry #6, 2 entries ago');
    const head = await admin(server.config.dataDir, 'audit-head');
    expect(result.stdout).toContain(`head: ${headOf(head.stdout)}`);
    expect(head.stdout).toContain('audit log: 8 entries');
  }, 30_000);

  it('names an edited entry', async () => {
    const { dir, file } = await copyOfLog();
    tamper(file, (db) =>
      db.prepare('UPDATE audit_log SET recorded_at = recorded_at + 1 WHERE seq = 4').run(),
    );
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'audit log BROKEN at entry #4: its hash does not match its contents (the entry was changed)',
    );
  }, 30_000);

  it('names an edited statement even when its hash was recomputed to match', async () => {
    const { dir, file } = await copyOfLog();
    tamper(file, (db, rows) => {
      const row = rows[2]!;
      const payload = new Uint8Array(row.payload);
      // A byte of the statement's nonce (after the 4-byte header, the kind and issuedAt): any value
      // parses, so only the signature can catch it. (A byte 80 from the end fell inside an id,
      // where a flipped bit could make a character base64url does not have: MALFORMED instead.)
      payload[4 + 1 + 8 + 3]! ^= 1;
      const hash = auditEntryHash({
        seq: row.seq,
        type: 'statement',
        recordedAt: row.recorded_at,
        payload,
        certificate: new Uint8Array(row.certificate!),
        prevHash: new Uint8Array(row.prev_hash),
      });
      db.prepare('UPDATE audit_log SET payload = ?, hash = ? WHERE seq = 3').run(payload, hash);
    });
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('audit log BROKEN at entry #3: statement:');
    expect(result.stderr).toContain('not signed by this moderator');
  }, 30_000);

  it('names a vetting tier written into the database without a signed decision', async () => {
    const { dir, file } = await copyOfLog();
    // Someone with the disk makes the (suspended) contact a high-tier volunteer: the log is untouched.
    tamper(file, (db) =>
      db
        .prepare(
          "INSERT INTO vetting (volunteer_id, tier, since, decided_by) VALUES (?, 'high', 1, '[]')",
        )
        .run(contactId),
    );
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('vetting does NOT match the audit log (8 entries verify)');
    expect(result.stderr).toContain(`the vetting of account ${contactId} is {"tier":"high"`);
  }, 30_000);

  it('names a deleted entry', async () => {
    const { dir, file } = await copyOfLog();
    tamper(file, (db) => db.prepare('DELETE FROM audit_log WHERE seq = 5').run());
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'audit log BROKEN at entry #5: missing: the entry after #4 is numbered #6 (entries were removed)',
    );
  }, 30_000);

  it('names reordered entries', async () => {
    const { dir, file } = await copyOfLog();
    tamper(file, (db, rows) => {
      const [fourth, fifth] = [rows[3]!, rows[4]!];
      // Move both out of the way (unique payloads and hashes), then put each in the other's place.
      db.prepare('DELETE FROM audit_log WHERE seq IN (4, 5)').run();
      const insert = db.prepare(
        `INSERT INTO audit_log (seq, entry_type, recorded_at, payload, certificate, payload_digest,
           prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      for (const [seq, row] of [
        [4, fifth],
        [5, fourth],
      ] as const) {
        insert.run(
          seq,
          row.entry_type,
          row.recorded_at,
          row.payload,
          row.certificate,
          row.payload_digest,
          row.prev_hash,
          row.hash,
        );
      }
    });
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/audit log BROKEN at entry #4: /);
  }, 30_000);

  it('a chain rewritten wholesale verifies on its own, and is caught by the checkpoint', async () => {
    // The operator's suspension of the contact (entry 6) removed, every later entry renumbered and
    // rehashed: nothing in the chain itself shows it, and it decided no vetting.
    const dir = await rewrittenWithout(6);
    const alone = await admin(dir, 'audit-verify');
    expect(alone.stderr).toBe('');
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain('audit log verified: 7 entries');

    const checked = await admin(dir, 'audit-verify', '--checkpoint', checkpoint);
    expect(checked.code).toBe(1);
    expect(checked.stderr).toContain(
      'audit log BROKEN: the checkpoint is not an entry of this log (7 entries verify on their own): it was rewritten or cut short after the checkpoint was recorded',
    );
  }, 30_000);

  it('a chain rewritten wholesale to drop a vetting decision no longer matches the stored vetting', async () => {
    // Anna's high statement (entry 4) removed and the chain rehashed: Boris's high now reads as the
    // first endorsement, so the log makes the volunteer standard while the store says high.
    const dir = await rewrittenWithout(4);
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('vetting does NOT match the audit log (7 entries verify)');
  }, 30_000);

  it('a chain cut back past the checkpoint is caught by it; entries added after the checkpoint are not covered by it (its limit)', async () => {
    const { dir, file } = await copyOfLog();
    tamper(file, (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 6').run());
    const cut = await admin(dir, 'audit-verify', '--checkpoint', checkpoint);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toContain('the checkpoint is not an entry of this log');
    const second = await copyOfLog();
    tamper(second.file, (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 7').run());
    expect((await admin(second.dir, 'audit-verify', '--checkpoint', checkpoint)).code).toBe(0);
  }, 30_000);

  it('a rewritten history is caught without a checkpoint once a later statement signed the head it saw', async () => {
    const head = await call(anna.socket, 'audit.head', {});
    if (!head.ok) throw new Error('no head');
    const witnessed = await call(anna.socket, 'moderation.reinstate', {
      statement: anna.statement({
        kind: 'reinstate',
        subject: contactId,
        prevHead: fromBase64Url(head.data.head)!,
      }),
    });
    expect(witnessed).toMatchObject({ ok: true });
    const dir = await rewrittenWithout(4);
    const result = await admin(dir, 'audit-verify');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'audit log BROKEN at entry #8: the log head its signer saw is not an earlier entry of this chain (the history before it was rewritten)',
    );
  }, 30_000);

  it('refuses a malformed checkpoint, and needs the root key', async () => {
    const bad = await admin(server.config.dataDir, 'audit-verify', '--checkpoint', 'not-a-hash');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('checkpoint: expected a head hash as audit-head prints it');
    expect((await admin(server.config.dataDir, 'audit-verify', '--checkpoint')).code).toBe(2);
    expect((await admin(server.config.dataDir, 'audit-verify', '--since', checkpoint)).code).toBe(
      2,
    );
    const noRoot = await runAdmin(
      ['audit-verify'],
      cleanEnv({ KOLOKOL_DATA_DIR: server.config.dataDir }),
    );
    expect(noRoot.code).toBe(1);
    expect(noRoot.stderr).toContain('audit-verify needs KOLOKOL_ROOT_PUBLIC_KEY');
  }, 30_000);
});
