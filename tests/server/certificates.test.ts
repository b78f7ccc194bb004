// Moderator certificates and revocation lists over the real server: issued offline with the
// root key, checked by the server against the configured root, verified again by clients.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificateListSchema, fromBase64Url, toBase64Url } from '@kolokol/shared';
import {
  decodeRootPublicKey,
  encodeRootPublicKey,
  generateIdentity,
  generateRootKey,
  issueModeratorCertificate,
  issueRevocationSignerCertificate,
  issueRevocationStatement,
  publicIdentity,
  verifyModeratorCertificate,
  verifyRevocationStatement,
} from '@kolokol/shared/crypto';
import { call, closeAllSockets, connectWithToken, registerAndLogin } from '../support/client.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { expectRefusedUnchanged, expectUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const DAY = 24 * 3600 * 1000;
const root = generateRootKey();
const signer = generateRootKey();
const signerCertificate = issueRevocationSignerCertificate(root.secretKey, {
  signerKey: signer.publicKey,
  issuedAt: Date.now() - DAY,
  expiresAt: Date.now() + 30 * DAY,
});
/** A revocation statement (48 h) from the root-certified signer, or from `signerKey` with its own certificate. */
function revocationList(
  issuedAt: number,
  serials: Uint8Array[],
  signerKey = signer.secretKey,
  certificate = signerCertificate,
) {
  return issueRevocationStatement(signerKey, certificate, {
    issuedAt,
    expiresAt: issuedAt + 2 * DAY,
    revoked: serials.map((serial) => ({ serial, certificateExpiresAt: Date.now() + 60 * DAY })),
  });
}
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ KOLOKOL_ROOT_PUBLIC_KEY: encodeRootPublicKey(root.publicKey) });
});
afterAll(async () => {
  closeAllSockets();
  await server.close();
});

async function staff(role: 'moderator' | 'admin') {
  const enrolled = await enrolStaff(server, role);
  return { ...enrolled, socket: await connectWithToken(server.url, enrolled.token) };
}

function certificateFor(
  account: { handle: string; identity: ReturnType<typeof generateIdentity> },
  options: { rootKey?: Uint8Array; issuedAt?: number; expiresAt?: number } = {},
) {
  const issuedAt = options.issuedAt ?? Date.now();
  return issueModeratorCertificate(options.rootKey ?? root.secretKey, {
    handle: account.handle,
    moderator: publicIdentity(account.identity),
    issuedAt,
    expiresAt: options.expiresAt ?? issuedAt + 30 * DAY,
  });
}

describe('moderator certificates', () => {
  it('a moderator publishes its certificate; a contact lists it and verifies it against the pinned root', async () => {
    const mod = await staff('moderator');
    const published = await call(mod.socket, 'certificates.publish', {
      certificate: toBase64Url(certificateFor(mod.account)),
    });
    expect(published).toMatchObject({ ok: true });

    const contact = await registerAndLogin(server.url, 'reader');
    const socket = await connectWithToken(server.url, contact.token);
    const ack = await call(socket, 'certificates.list', {});
    if (!ack.ok) throw new Error(ack.error.code);
    const list = certificateListSchema.parse(ack.data);
    const mine = list.certificates.find((c) => c.accountId === mod.accountId);
    expect(mine).toBeDefined();
    const verified = verifyModeratorCertificate(root.publicKey, mine!.certificate, {
      now: Date.now(),
    });
    expect(verified.handle).toBe(mod.account.handle);
    expect(verified.moderator.exchangeKey).toEqual(mod.account.identity.exchange.publicKey);
  });

  it('refuses what the root did not sign, what certifies other keys, what expired, and non-staff callers', async () => {
    const mod = await staff('moderator');
    const rogueRoot = generateRootKey();
    const cases: [string, Uint8Array, string][] = [
      [
        'signed by another root',
        certificateFor(mod.account, { rootKey: rogueRoot.secretKey }),
        'BAD_REQUEST',
      ],
      [
        'for other keys',
        certificateFor({ handle: mod.account.handle, identity: generateIdentity() }),
        'BAD_REQUEST',
      ],
      [
        'expired',
        certificateFor(mod.account, {
          issuedAt: Date.now() - 10 * DAY,
          expiresAt: Date.now() - DAY,
        }),
        'BAD_REQUEST',
      ],
      ['not a certificate', new Uint8Array(200).fill(1), 'BAD_REQUEST'],
    ];
    for (const [, bytes, code] of cases) {
      await expectRefusedUnchanged(
        server,
        () => call(mod.socket, 'certificates.publish', { certificate: toBase64Url(bytes) }),
        code,
      );
    }
    const tampered = certificateFor(mod.account);
    tampered.set([tampered.at(-70)! ^ 1], tampered.length - 70);
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'certificates.publish', { certificate: toBase64Url(tampered) }),
      'BAD_REQUEST',
    );

    const volunteer = await registerAndLogin(server.url, 'vol', { role: 'volunteer' });
    const volunteerSocket = await connectWithToken(server.url, volunteer.token);
    const forVolunteer = certificateFor({
      handle: volunteer.account.handle,
      identity: volunteer.account.identity,
    });
    await expectRefusedUnchanged(
      server,
      () =>
        call(volunteerSocket, 'certificates.publish', { certificate: toBase64Url(forVolunteer) }),
      'FORBIDDEN',
    );
    // Another moderator may not publish someone else's certificate; an admin may.
    const other = await staff('moderator');
    await expectRefusedUnchanged(
      server,
      () =>
        call(other.socket, 'certificates.publish', {
          certificate: toBase64Url(certificateFor(mod.account)),
        }),
      'FORBIDDEN',
    );
    const admin = await staff('admin');
    expect(
      await call(admin.socket, 'certificates.publish', {
        certificate: toBase64Url(certificateFor(mod.account)),
      }),
    ).toMatchObject({ ok: true });
  });

  it('revocation: an admin publishes a newer list; the revoked certificate fails client verification and cannot be republished', async () => {
    const mod = await staff('moderator');
    const admin = await staff('admin');
    const certificate = certificateFor(mod.account);
    const published = await call(mod.socket, 'certificates.publish', {
      certificate: toBase64Url(certificate),
    });
    if (!published.ok) throw new Error(published.error.code);
    const serial = fromBase64Url(published.data.serial)!;

    const list = revocationList(Date.now(), [serial]);
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'revocations.publish', { revocationList: toBase64Url(list) }),
      'FORBIDDEN',
    );
    expect(
      await call(admin.socket, 'revocations.publish', { revocationList: toBase64Url(list) }),
    ).toMatchObject({ ok: true });

    const older = revocationList(Date.now() - DAY, [serial]);
    await expectRefusedUnchanged(
      server,
      () => call(admin.socket, 'revocations.publish', { revocationList: toBase64Url(older) }),
      'BAD_REQUEST',
    );
    await expectRefusedUnchanged(
      server,
      () => call(admin.socket, 'revocations.publish', { revocationList: toBase64Url(list) }),
      'CONFLICT',
    );
    const rogueRoot = generateRootKey();
    const rogue = revocationList(
      Date.now() + 1000,
      [],
      rogueRoot.secretKey,
      issueRevocationSignerCertificate(rogueRoot.secretKey, {
        signerKey: rogueRoot.publicKey,
        issuedAt: Date.now() - DAY,
        expiresAt: Date.now() + DAY,
      }),
    );
    await expectRefusedUnchanged(
      server,
      () => call(admin.socket, 'revocations.publish', { revocationList: toBase64Url(rogue) }),
      'BAD_REQUEST',
    );

    const listed = await call(admin.socket, 'certificates.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    const parsed = certificateListSchema.parse(listed.data);
    const revocations = verifyRevocationStatement(root.publicKey, parsed.revocationList!, {
      now: Date.now(),
    });
    expect(() =>
      verifyModeratorCertificate(root.publicKey, certificate, {
        now: Date.now(),
        revocationList: revocations,
      }),
    ).toThrow(/revoked/);
    await expectRefusedUnchanged(
      server,
      () => call(mod.socket, 'certificates.publish', { certificate: toBase64Url(certificate) }),
      'BAD_REQUEST',
    );
  });

  it('re-publishing a certificate is idempotent: the same answer, no new row, no rollback to it', async () => {
    const mod = await staff('moderator');
    const admin = await staff('admin');
    const first = toBase64Url(certificateFor(mod.account));
    const published = await call(mod.socket, 'certificates.publish', { certificate: first });
    expect(published).toMatchObject({ ok: true });
    for (const socket of [mod.socket, admin.socket]) {
      const again = await expectUnchanged(server, () =>
        call(socket, 'certificates.publish', { certificate: first }),
      );
      expect(again).toEqual(published);
    }

    // A newer certificate replaces it; publishing the older one again does not bring it back.
    const second = toBase64Url(certificateFor(mod.account, { issuedAt: Date.now() + 1000 }));
    expect(await call(mod.socket, 'certificates.publish', { certificate: second })).toMatchObject({
      ok: true,
    });
    const replay = await expectUnchanged(server, () =>
      call(mod.socket, 'certificates.publish', { certificate: first }),
    );
    expect(replay).toEqual(published);
    const listed = await call(mod.socket, 'certificates.list', {});
    if (!listed.ok) throw new Error(listed.error.code);
    expect(
      certificateListSchema
        .parse(listed.data)
        .certificates.filter((c) => c.accountId === mod.accountId)
        .map((c) => toBase64Url(c.certificate)),
    ).toEqual([second]);
  });

  it('without a configured root key, publishing is unavailable and nothing is stored', async () => {
    const bare = await startTestServer();
    try {
      const enrolled = await enrolStaff(bare, 'moderator');
      const socket = await connectWithToken(bare.url, enrolled.token);
      const before = bare.snapshot();
      const ack = await call(socket, 'certificates.publish', {
        certificate: toBase64Url(certificateFor(enrolled.account)),
      });
      expect(ack).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
      expect(bare.snapshot()).toEqual(before);
    } finally {
      await bare.close();
    }
  });
});

describe('the offline root-key commands', () => {
  it('root-init → identity → certify → import-certificate, with the root secret only ever in a sealed file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'kolokol-root-'));
    try {
      const keyFile = path.join(dir, 'root.key');
      const passphrase = 'operator root passphrase';
      const offline = cleanEnv({
        KOLOKOL_ROOT_PASSPHRASE: passphrase,
        KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF: '1',
      });
      const init = await runAdmin(['root-init', keyFile], offline);
      expect(init.code).toBe(0);
      const rootText = /KOLOKOL_ROOT_PUBLIC_KEY=(\S+)/.exec(init.stdout)?.[1];
      const rootPublicKey = decodeRootPublicKey(rootText!);
      expect((await stat(keyFile)).mode & 0o077).toBe(0);
      expect((await runAdmin(['root-init', keyFile], offline)).code).toBe(1); // never overwrites

      const site = await startTestServer({ KOLOKOL_ROOT_PUBLIC_KEY: rootText! });
      try {
        const mod = await enrolStaff(site, 'moderator');
        const online = cleanEnv({
          KOLOKOL_DATA_DIR: site.config.dataDir,
          KOLOKOL_ROOT_PUBLIC_KEY: rootText!,
        });
        const identity = (await runAdmin(['identity', mod.account.handle], online)).stdout.trim();
        const wrongPassphrase = await runAdmin(
          ['certify', keyFile, mod.account.handle, identity],
          cleanEnv({ KOLOKOL_ROOT_PASSPHRASE: 'not the passphrase' }),
        );
        expect(wrongPassphrase.code).toBe(1);
        const certified = await runAdmin(
          ['certify', keyFile, mod.account.handle, identity, '30'],
          offline,
        );
        expect(certified.code).toBe(0);
        const certificate = certified.stdout.trim();
        const verified = verifyModeratorCertificate(rootPublicKey, fromBase64Url(certificate)!, {
          now: Date.now(),
        });
        expect(verified.moderator.signingKey).toEqual(mod.account.identity.signing.publicKey);

        const before = site.snapshot();
        const garbled = await runAdmin(['import-certificate', 'not base64url!'], online);
        expect(garbled.code).toBe(1);
        expect(garbled.stderr).toContain('certificate');
        expect(site.snapshot()).toEqual(before);
        const imported = await runAdmin(['import-certificate', certificate], online);
        expect(imported.code).toBe(0);
        const socket = await connectWithToken(site.url, mod.token);
        const ack = await call(socket, 'certificates.list', {});
        expect(ack).toMatchObject({
          ok: true,
          data: { certificates: [{ accountId: mod.accountId, certificate }] },
        });
      } finally {
        closeAllSockets();
        await site.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
