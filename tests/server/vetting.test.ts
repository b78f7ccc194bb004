// Vetting volunteers by signed moderator statements, through the real server: standard by one
// moderator, high only by two different ones, withdrawal; every refused statement (no
// certificate, forged, replayed, stale, wrong actor, wrong kind) changes nothing — no log entry,
// no vetting — and the log verifies against the root afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '@kolokol/shared';
import {
  AUDIT_STATEMENT_MAX_SKEW_MS,
  encodeRootPublicKey,
  generateIdentity,
  issueAuditStatement,
} from '@kolokol/shared/crypto';
import { verifyAuditLog } from '../../server/src/domain/audit/verify-log.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { auditLength, revoking, staff, testOrganisation, type Staff } from '../support/audit.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
  type ClientSocket,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const org = testOrganisation();
let server: TestServer;
let anna: Staff;
let boris: Staff;

beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey),
  });
  anna = await staff(server, org);
  boris = await staff(server, org);
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function volunteer() {
  const registered = await registerAndLogin(server.url, 'vol', { role: 'volunteer' });
  return { ...registered, socket: await connectWithToken(server.url, registered.token) };
}

const vet = (who: Staff, subject: string, tier: 'standard' | 'high', socket = who.socket) =>
  call(socket, 'volunteers.vet', { statement: who.statement({ kind: 'vet', subject, tier }) });

describe('vetting', () => {
  it('a certified moderator vets a volunteer at standard; the volunteer and staff read it', async () => {
    const vol = await volunteer();
    const before = auditLength(server);
    const answer = await vet(anna, vol.accountId, 'standard');
    expect(answer).toMatchObject({
      ok: true,
      data: {
        status: { accountId: vol.accountId, tier: 'standard', decidedBy: [anna.accountId] },
        entry: { seq: before + 1 },
      },
    });
    expect(auditLength(server)).toBe(before + 1);
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('standard');

    const own = await call(vol.socket, 'vetting.status', {});
    expect(own).toMatchObject({ ok: true, data: { accountId: vol.accountId, tier: 'standard' } });
    // A volunteer learns its tier, not which moderators vetted it.
    expect(own.ok && 'decidedBy' in own.data).toBe(false);
    expect(await call(boris.socket, 'vetting.status', { accountId: vol.accountId })).toMatchObject({
      ok: true,
      data: { tier: 'standard', decidedBy: [anna.accountId], highEndorsedBy: [] },
    });
    // The answer's entry is the log's head.
    const head = await call(anna.socket, 'audit.head', {});
    expect(head).toMatchObject({
      ok: true,
      data: { length: before + 1, head: answer.ok ? answer.data.entry.hash : '' },
    });
  });

  it('high takes effect only once two different moderators signed it; one moderator twice is refused', async () => {
    const vol = await volunteer();
    const first = await vet(anna, vol.accountId, 'high');
    expect(first).toMatchObject({
      ok: true,
      data: { status: { tier: 'none', highEndorsedBy: [anna.accountId], decidedBy: [] } },
    });
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('none');

    // Anna again, with a fresh statement: refused, and nothing changes — no entry, no vetting.
    await expectRefusedUnchanged(server, () => vet(anna, vol.accountId, 'high'), 'CONFLICT');
    // Anna from a second session of hers is still Anna.
    const annaElsewhere = await connectWithToken(server.url, anna.token);
    await expectRefusedUnchanged(
      server,
      () => vet(anna, vol.accountId, 'high', annaElsewhere),
      'CONFLICT',
    );
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('none');

    const second = await vet(boris, vol.accountId, 'high');
    expect(second).toMatchObject({
      ok: true,
      data: {
        status: { tier: 'high', decidedBy: [anna.accountId, boris.accountId], highEndorsedBy: [] },
      },
    });
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('high');
    await expectRefusedUnchanged(server, () => vet(anna, vol.accountId, 'high'), 'CONFLICT');
  });

  it('a standard vetting then a high pair; lowering to standard takes one moderator', async () => {
    const vol = await volunteer();
    await vet(anna, vol.accountId, 'standard');
    expect((await vet(anna, vol.accountId, 'high')).ok).toBe(true);
    // Anna's pending high leaves the standard tier in force.
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('standard');
    expect((await vet(boris, vol.accountId, 'high')).ok).toBe(true);
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('high');
    expect(await vet(anna, vol.accountId, 'standard')).toMatchObject({
      ok: true,
      data: { status: { tier: 'standard', decidedBy: [anna.accountId], highEndorsedBy: [] } },
    });
  });

  it('unvet withdraws the tier and pending statements; unvetting an unvetted volunteer is refused', async () => {
    const vol = await volunteer();
    await vet(anna, vol.accountId, 'standard');
    await vet(boris, vol.accountId, 'high');
    const unvet = () =>
      call(boris.socket, 'volunteers.unvet', {
        statement: boris.statement({ kind: 'unvet', subject: vol.accountId, reason: 'mistake' }),
      });
    expect(await unvet()).toMatchObject({
      ok: true,
      data: { status: { tier: 'none', since: null, decidedBy: [], highEndorsedBy: [] } },
    });
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('none');
    expect(await server.store.vetting.endorsements(vol.accountId)).toEqual([]);
    await expectRefusedUnchanged(server, unvet, 'CONFLICT');
    // Boris's earlier high statement no longer counts: Anna's high is a first one again.
    expect(await vet(anna, vol.accountId, 'high')).toMatchObject({
      ok: true,
      data: { status: { tier: 'none', highEndorsedBy: [anna.accountId] } },
    });
  });

  it('a staff account without a certificate decides nothing (FORBIDDEN), moderator or admin', async () => {
    const vol = await volunteer();
    for (const role of ['moderator', 'admin'] as const) {
      const uncertified = await staff(server, org, role, { certified: false });
      await expectRefusedUnchanged(
        server,
        () => vet(uncertified, vol.accountId, 'standard'),
        'FORBIDDEN',
      );
      await expectRefusedUnchanged(
        server,
        () =>
          call(uncertified.socket, 'moderation.suspend', {
            statement: uncertified.statement({
              kind: 'suspend',
              subject: vol.accountId,
              reason: 'abuse',
            }),
          }),
        'FORBIDDEN',
      );
    }
    expect(await server.store.vetting.tierOf(vol.accountId)).toBe('none');
  });

  it('a moderator whose certificate was revoked decides nothing, and its pending high no longer counts', async () => {
    const vera = await staff(server, org);
    const vol = await volunteer();
    expect((await vet(vera, vol.accountId, 'high')).ok).toBe(true);
    const admin = await staff(server, org, 'admin');
    expect(
      await call(admin.socket, 'revocations.publish', { revocationList: revoking(org, [vera]) }),
    ).toMatchObject({ ok: true });
    await expectRefusedUnchanged(server, () => vet(vera, vol.accountId, 'standard'), 'FORBIDDEN');
    // Boris's high is now the first that counts, not the second.
    expect(await vet(boris, vol.accountId, 'high')).toMatchObject({
      ok: true,
      data: { status: { tier: 'none', highEndorsedBy: [boris.accountId] } },
    });
  });

  describe('refused statements change nothing', () => {
    let vol: Awaited<ReturnType<typeof volunteer>>;
    beforeAll(async () => {
      vol = await volunteer();
    });
    const send = (socket: ClientSocket, statement: string) =>
      call(socket, 'volunteers.vet', { statement });

    it('forged: signed by a key the certificate does not name (FORBIDDEN)', async () => {
      const forged = toBase64Url(
        issueAuditStatement(generateIdentity(), {
          kind: 'vet',
          actor: anna.accountId,
          subject: vol.accountId,
          tier: 'standard',
          issuedAt: Date.now(),
        }),
      );
      await expectRefusedUnchanged(server, () => send(anna.socket, forged), 'FORBIDDEN');
      // Anna's own statement, sent by Boris: his certificate does not name her key.
      const annas = anna.statement({ kind: 'vet', subject: vol.accountId, tier: 'standard' });
      await expectRefusedUnchanged(server, () => send(boris.socket, annas), 'FORBIDDEN');
      // One changed byte anywhere breaks the signature.
      const bytes = fromBase64Url(annas)!;
      bytes[40]! ^= 1;
      await expectRefusedUnchanged(
        server,
        () => send(anna.socket, toBase64Url(bytes)),
        'FORBIDDEN',
      );
    });

    it('wrong actor: Boris signs a statement naming Anna as its actor (FORBIDDEN)', async () => {
      const borrowed = boris.statement({
        kind: 'vet',
        actor: anna.accountId,
        subject: vol.accountId,
        tier: 'standard',
      });
      await expectRefusedUnchanged(server, () => send(boris.socket, borrowed), 'FORBIDDEN');
    });

    it('replayed: the same statement a second time (CONFLICT)', async () => {
      const statement = anna.statement({ kind: 'vet', subject: vol.accountId, tier: 'standard' });
      expect(await send(anna.socket, statement)).toMatchObject({ ok: true });
      await expectRefusedUnchanged(server, () => send(anna.socket, statement), 'CONFLICT');
      const unvet = anna.statement({ kind: 'unvet', subject: vol.accountId });
      expect(await call(anna.socket, 'volunteers.unvet', { statement: unvet })).toMatchObject({
        ok: true,
      });
      // Replaying the first vet after the unvet would bring the tier back: refused.
      await expectRefusedUnchanged(server, () => send(anna.socket, statement), 'CONFLICT');
    });

    it('stale or from the future: issuedAt more than 5 minutes from the server’s clock (BAD_REQUEST)', async () => {
      for (const issuedAt of [
        Date.now() - AUDIT_STATEMENT_MAX_SKEW_MS - 10_000,
        Date.now() + AUDIT_STATEMENT_MAX_SKEW_MS + 10_000,
      ]) {
        const statement = anna.statement({
          kind: 'vet',
          subject: vol.accountId,
          tier: 'standard',
          issuedAt,
        });
        await expectRefusedUnchanged(server, () => send(anna.socket, statement), 'BAD_REQUEST');
      }
    });

    it('the wrong kind, a malformed statement, a head not in the log (BAD_REQUEST)', async () => {
      const suspend = anna.statement({ kind: 'suspend', subject: vol.accountId, reason: 'spam' });
      await expectRefusedUnchanged(server, () => send(anna.socket, suspend), 'BAD_REQUEST');
      await expectRefusedUnchanged(
        server,
        () => send(anna.socket, toBase64Url(new Uint8Array(200))),
        'BAD_REQUEST',
      );
      const unknownHead = anna.statement({
        kind: 'vet',
        subject: vol.accountId,
        tier: 'high',
        prevHead: new Uint8Array(32).fill(7),
      });
      await expectRefusedUnchanged(server, () => send(anna.socket, unknownHead), 'BAD_REQUEST');
      await expectRefusedUnchanged(
        server,
        () => rawCall(anna.socket, 'volunteers.vet', { statement: 'not base64url!' }),
        'BAD_REQUEST',
      );
      await expectRefusedUnchanged(
        server,
        () => rawCall(anna.socket, 'volunteers.vet', { statement: suspend, extra: 1 }),
        'BAD_REQUEST',
      );
    });

    it('a head the client saw, from this log, is accepted and kept in the statement', async () => {
      const head = await call(anna.socket, 'audit.head', {});
      if (!head.ok) throw new Error('no head');
      const statement = anna.statement({
        kind: 'vet',
        subject: vol.accountId,
        tier: 'high',
        prevHead: fromBase64Url(head.data.head)!,
      });
      expect(await send(anna.socket, statement)).toMatchObject({ ok: true });
    });

    it('an account that is no volunteer, or a suspended volunteer, is not vetted', async () => {
      const contact = await registerAndLogin(server.url, 'contact');
      await expectRefusedUnchanged(
        server,
        () => vet(anna, contact.accountId, 'standard'),
        'NOT_FOUND',
      );
      await expectRefusedUnchanged(
        server,
        () => vet(anna, boris.accountId, 'standard'),
        'NOT_FOUND',
      );
      const suspended = await volunteer();
      const suspension = await call(anna.socket, 'moderation.suspend', {
        statement: anna.statement({
          kind: 'suspend',
          subject: suspended.accountId,
          reason: 'spam',
        }),
      });
      expect(suspension).toMatchObject({ ok: true });
      await expectRefusedUnchanged(
        server,
        () => vet(boris, suspended.accountId, 'standard'),
        'CONFLICT',
      );
    });
  });

  describe('who may do what', () => {
    it('contacts and volunteers may not vet; contacts may not read vetting; a volunteer reads only its own', async () => {
      const vol = await volunteer();
      const other = await volunteer();
      const contact = await registerAndLogin(server.url, 'contact');
      const contactSocket = await connectWithToken(server.url, contact.token);
      const statement = anna.statement({ kind: 'vet', subject: vol.accountId, tier: 'standard' });
      for (const socket of [vol.socket, contactSocket]) {
        await expectRefusedUnchanged(
          server,
          () => call(socket, 'volunteers.vet', { statement }),
          'FORBIDDEN',
        );
        await expectRefusedUnchanged(server, () => call(socket, 'audit.head', {}), 'FORBIDDEN');
      }
      await expectRefusedUnchanged(
        server,
        () => call(contactSocket, 'vetting.status', {}),
        'FORBIDDEN',
      );
      await expectRefusedUnchanged(
        server,
        () => call(vol.socket, 'vetting.status', { accountId: other.accountId }),
        'FORBIDDEN',
      );
      await expectRefusedUnchanged(
        server,
        () => call(anna.socket, 'vetting.status', { accountId: contact.accountId }),
        'NOT_FOUND',
      );
      // A moderator asking without an account id asks about itself: no volunteer.
      await expectRefusedUnchanged(
        server,
        () => call(anna.socket, 'vetting.status', {}),
        'NOT_FOUND',
      );
      expect(await call(vol.socket, 'vetting.status', { accountId: vol.accountId })).toMatchObject({
        ok: true,
        data: { tier: 'none', since: null },
      });
    });
  });

  it('leaves a log that verifies: every entry, signature and certificate', async () => {
    const result = await verifyAuditLog(server.store, org.root.publicKey);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.summary.length).toBe(auditLength(server));
    expect(result.summary.statements).toBeGreaterThan(10);
    expect(result.summary.certificates).toBeGreaterThan(3);
    expect(result.summary.revocations).toBe(1);
  });
});
