// Suspension and reinstatement by signed moderator statements, through the real server: the
// suspended account's sockets end at once and it cannot log in; both decisions are logged; who
// may suspend whom; every refusal changes nothing. audit.head names the log's head.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeRootPublicKey } from '@kolokol/shared/crypto';
import { verifyAuditLog } from '../../server/src/domain/audit/verify-log.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { auditLength, staff, testOrganisation, type Staff } from '../support/audit.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  login,
  registerAndLogin,
  revokedReason,
  waitForDisconnect,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const org = testOrganisation();
let server: TestServer;
let anna: Staff;
let admin: Staff;

beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey),
  });
  anna = await staff(server, org);
  admin = await staff(server, org, 'admin');
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

const suspend = (by: Staff, subject: string) =>
  call(by.socket, 'moderation.suspend', {
    statement: by.statement({ kind: 'suspend', subject, reason: 'abuse' }),
  });
const reinstate = (by: Staff, subject: string) =>
  call(by.socket, 'moderation.reinstate', {
    statement: by.statement({ kind: 'reinstate', subject, reason: 'resolved' }),
  });

describe('suspension by a signed statement', () => {
  it('ends the account’s sockets at once, refuses its logins, and is logged; reinstating lets it back', async () => {
    const suspect = await registerAndLogin(server.url, 'suspect');
    const second = await login(server.url, suspect.account);
    const sockets = [
      await connectWithToken(server.url, suspect.token),
      await connectWithToken(server.url, second),
    ];
    const bystander = await registerAndLogin(server.url, 'bystander');
    const bystanderSocket = await connectWithToken(server.url, bystander.token);
    const reasons = Promise.all(sockets.map(revokedReason));
    const gone = Promise.all(sockets.map((socket) => waitForDisconnect(socket, 2_000)));
    const before = auditLength(server);

    const answer = await suspend(anna, suspect.accountId);
    expect(answer).toMatchObject({
      ok: true,
      data: { sessionsEnded: 2, entry: { seq: before + 1 } },
    });
    // Told and cut off at once: well inside the 15 s recheck, which did not get a chance to run.
    expect(await reasons).toEqual(['suspended', 'suspended']);
    await gone;
    expect(bystanderSocket.connected).toBe(true);
    await expect(connectWithToken(server.url, suspect.token)).rejects.toMatchObject({
      data: { code: 'UNAUTHENTICATED' },
    });
    await expect(login(server.url, suspect.account)).rejects.toThrow(/FORBIDDEN/);
    expect(auditLength(server)).toBe(before + 1);

    expect(await reinstate(anna, suspect.accountId)).toMatchObject({
      ok: true,
      data: { entry: { seq: before + 2 } },
    });
    expect(await login(server.url, suspect.account)).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await verifyAuditLog(server.store, org.root.publicKey)).ok).toBe(true);
  });

  it('refuses what would change nothing: suspending twice, reinstating an active account (CONFLICT)', async () => {
    const target = await registerAndLogin(server.url, 'twice');
    expect((await suspend(anna, target.accountId)).ok).toBe(true);
    await expectRefusedUnchanged(server, () => suspend(admin, target.accountId), 'CONFLICT');
    expect((await reinstate(admin, target.accountId)).ok).toBe(true);
    await expectRefusedUnchanged(server, () => reinstate(anna, target.accountId), 'CONFLICT');
  });

  it('moderators act on contacts and volunteers, admins on moderators too; nobody on an admin or on themselves', async () => {
    const volunteer = await registerAndLogin(server.url, 'vol', { role: 'volunteer' });
    expect((await suspend(anna, volunteer.accountId)).ok).toBe(true);
    const boris = await staff(server, org);
    await expectRefusedUnchanged(server, () => suspend(anna, boris.accountId), 'FORBIDDEN');
    await expectRefusedUnchanged(server, () => suspend(anna, admin.accountId), 'FORBIDDEN');
    await expectRefusedUnchanged(server, () => suspend(anna, anna.accountId), 'FORBIDDEN');
    const otherAdmin = await staff(server, org, 'admin');
    await expectRefusedUnchanged(server, () => suspend(admin, otherAdmin.accountId), 'FORBIDDEN');
    await expectRefusedUnchanged(server, () => suspend(admin, admin.accountId), 'FORBIDDEN');
    await expectRefusedUnchanged(
      server,
      () => suspend(anna, 'AAAAAAAAAAAAAAAAAAAAAA'),
      'NOT_FOUND',
    );

    const borisGone = waitForDisconnect(boris.socket, 2_000);
    expect(await suspend(admin, boris.accountId)).toMatchObject({
      ok: true,
      data: { sessionsEnded: 1 },
    });
    await borisGone;
    expect((await reinstate(admin, boris.accountId)).ok).toBe(true);
  });

  it('a contact or volunteer cannot suspend, nor read the head (FORBIDDEN)', async () => {
    const contact = await registerAndLogin(server.url, 'contact');
    const socket = await connectWithToken(server.url, contact.token);
    const statement = anna.statement({
      kind: 'suspend',
      subject: contact.accountId,
      reason: 'spam',
    });
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'moderation.suspend', { statement }),
      'FORBIDDEN',
    );
    await expectRefusedUnchanged(server, () => call(socket, 'audit.head', {}), 'FORBIDDEN');
  });

  it('the wrong kind of statement, or a stale one, changes nothing (BAD_REQUEST)', async () => {
    const target = await registerAndLogin(server.url, 'target');
    const vet = anna.statement({ kind: 'vet', subject: target.accountId, tier: 'standard' });
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'moderation.suspend', { statement: vet }),
      'BAD_REQUEST',
    );
    const stale = anna.statement({
      kind: 'suspend',
      subject: target.accountId,
      reason: 'abuse',
      issuedAt: Date.now() - 10 * 60_000,
    });
    await expectRefusedUnchanged(
      server,
      () => call(anna.socket, 'moderation.suspend', { statement: stale }),
      'BAD_REQUEST',
    );
  });

  it('audit.head gives staff the log’s length and its last entry’s hash', async () => {
    const head = await call(admin.socket, 'audit.head', {});
    expect(head).toMatchObject({ ok: true, data: { length: auditLength(server) } });
    const entries = await server.store.audit.entries(auditLength(server) - 1, 1);
    expect(head.ok && head.data.head).toBe(Buffer.from(entries[0]!.hash).toString('base64url'));
    const result = await verifyAuditLog(server.store, org.root.publicKey);
    expect(result).toMatchObject({ ok: true, summary: { length: auditLength(server) } });
  });
});
