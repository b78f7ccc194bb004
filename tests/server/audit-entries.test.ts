// audit.entries through the real server: staff page through the log and get every entry exactly
// as the store holds it (the bytes the chain hashes), each page ending at or before the head it
// names; every malformed page request is BAD_REQUEST and changes nothing; anyone but staff is
// FORBIDDEN (also in the authorisation matrix).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_AUDIT_ENTRIES_PAGE, toBase64Url } from '@kolokol/shared';
import { auditEntryHash, encodeRootPublicKey } from '@kolokol/shared/crypto';
import { staff, testOrganisation, type Staff } from '../support/audit.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import {
  call,
  closeAllSockets,
  connectWithToken,
  rawCall,
  registerAndLogin,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const org = testOrganisation();
let server: TestServer;
let anna: Staff;

beforeAll(async () => {
  server = await startTestServer({
    KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(org.root.publicKey),
  });
  anna = await staff(server, org);
  const boris = await staff(server, org, 'admin');
  const volunteer = await registerAndLogin(server.url, 'vol', { role: 'volunteer' });
  const vet = (who: Staff, tier: 'standard' | 'high') =>
    call(who.socket, 'volunteers.vet', {
      statement: who.statement({ kind: 'vet', subject: volunteer.accountId, tier }),
    });
  // 1, 2: the certificates; 3–5: decisions.
  expect((await vet(anna, 'standard')).ok).toBe(true);
  expect((await vet(anna, 'high')).ok).toBe(true);
  expect((await vet(boris, 'high')).ok).toBe(true);
}, 60_000);

afterAll(async () => {
  closeAllSockets();
  await server.close();
});

describe('audit.entries', () => {
  it('pages through the whole log, each entry exactly as stored', async () => {
    const stored = await server.store.audit.entries(0, 1000);
    expect(stored.length).toBe(5);
    const read: unknown[] = [];
    let after = 0;
    for (let page = 0; page < 10; page += 1) {
      const answer = await call(anna.socket, 'audit.entries', { after, limit: 2 });
      if (!answer.ok) throw new Error(answer.error.code);
      const { entries, length, head } = answer.data;
      expect(length).toBe(5);
      expect(head).toBe(toBase64Url(stored[4]!.hash));
      expect(entries.length).toBeLessThanOrEqual(2);
      read.push(...entries);
      if (entries.length === 0) break;
      after = entries.at(-1)!.seq;
    }
    expect(read).toEqual(
      stored.map((entry) => ({
        seq: entry.seq,
        type: entry.type,
        recordedAt: entry.recordedAt,
        payload: toBase64Url(entry.payload),
        certificate: entry.certificate === null ? null : toBase64Url(entry.certificate),
        prevHash: toBase64Url(entry.prevHash),
        hash: toBase64Url(entry.hash),
      })),
    );
    // The bytes as served hash to the served hash: what a client's verifier recomputes.
    for (const entry of stored) expect(auditEntryHash(entry)).toEqual(entry.hash);
  });

  it('answers an empty page past the head, with the head', async () => {
    const answer = await call(anna.socket, 'audit.entries', { after: 5, limit: 10 });
    expect(answer).toMatchObject({ ok: true, data: { entries: [], length: 5 } });
    const far = await call(anna.socket, 'audit.entries', { after: 1_000_000, limit: 10 });
    expect(far).toMatchObject({ ok: true, data: { entries: [], length: 5 } });
  });

  it('refuses every malformed page request with BAD_REQUEST, changing nothing', async () => {
    const bad: unknown[] = [
      {},
      { after: 0 },
      { limit: 10 },
      { after: -1, limit: 10 },
      { after: 0.5, limit: 10 },
      { after: '0', limit: 10 },
      { after: 0, limit: 0 },
      { after: 0, limit: MAX_AUDIT_ENTRIES_PAGE + 1 },
      { after: 0, limit: 1e12 },
      { after: Number.MAX_SAFE_INTEGER + 2, limit: 10 },
      { after: 0, limit: 10, extra: true },
      null,
      [0, 10],
    ];
    for (const payload of bad) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(anna.socket, 'audit.entries', payload),
        'BAD_REQUEST',
      );
    }
  });

  it('is FORBIDDEN to contacts and volunteers', async () => {
    for (const role of ['contact', 'volunteer'] as const) {
      const account = await registerAndLogin(server.url, role, { role });
      const socket = await connectWithToken(server.url, account.token);
      await expectRefusedUnchanged(
        server,
        () => call(socket, 'audit.entries', { after: 0, limit: 10 }),
        'FORBIDDEN',
      );
    }
  });
});
