// The operator's revocation routine through the real admin CLI and a real server: root-init,
// signer-init, certify-signer, certify, revoke, import-revocations; clients read certificates.list
// as it arrives. A rolled-back statement is refused by `revoke`, by `import-revocations` and —
// given its floor — by a client. The root key file is sealed at its own, much higher Argon2id cost.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fromBase64Url } from '@kolokol/shared';
import {
  CryptoError,
  decodeRootPublicKey,
  issueRevocationStatement,
  keyStoreHeader,
  openKeyStoreWithPassphrase,
  verifyModeratorCertificate,
  verifyModeratorDirectory,
  type TrustConfiguration,
} from '@kolokol/shared/crypto';
import { call, closeAllSockets, connectWithToken } from '../support/client.js';
import { cleanEnv, runAdmin } from '../support/process.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { enrolStaff } from '../support/staff.js';

const ROOT_PASSPHRASE = 'operator root passphrase';
const SIGNER_PASSPHRASE = 'revocation signer passphrase';
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'kolokol-root-'));
});
afterAll(async () => {
  closeAllSockets();
  await rm(dir, { recursive: true, force: true });
});

/** The CLI with the test-only cheap Argon2id cost (the real one is tested once, below). */
const fast = (extra: Record<string, string>) =>
  cleanEnv({
    KOLOKOL_ROOT_PASSPHRASE: ROOT_PASSPHRASE,
    KOLOKOL_SIGNER_PASSPHRASE: SIGNER_PASSPHRASE,
    KOLOKOL_DANGEROUS_TEST_ONLY_FAST_KDF: '1',
    ...extra,
  });

function reasonOf(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof CryptoError ? error.reason : 'other';
  }
}

describe('the root key file', () => {
  it('is sealed at the root cost (4 passes over 1 GiB), stored in its header', async () => {
    const keyFile = path.join(dir, 'real-cost.key');
    const init = await runAdmin(
      ['root-init', keyFile],
      cleanEnv({ KOLOKOL_ROOT_PASSPHRASE: ROOT_PASSPHRASE }),
    );
    expect(init.code).toBe(0);
    expect((await stat(keyFile)).mode & 0o077).toBe(0);
    expect(keyStoreHeader(new Uint8Array(await readFile(keyFile)))).toEqual({
      kind: 'passphrase',
      purpose: 'root-key',
      generation: 1,
      cost: { opsLimit: 4, memLimitBytes: 1024 * 1024 * 1024 },
    });
  }, 120_000);

  it('refuses the test-only cheap cost outside a test run, and writes nothing', async () => {
    const keyFile = path.join(dir, 'not-written.key');
    const env = fast({});
    delete env.VITEST;
    const init = await runAdmin(['root-init', keyFile], env);
    expect(init.code).toBe(1);
    expect(init.stderr).toContain('for tests only');
    await expect(stat(keyFile)).rejects.toMatchObject({ code: 'ENOENT' });
  }, 60_000);
});

describe('the revocation routine', () => {
  let site: TestServer;
  afterAll(async () => {
    await site?.close();
  });

  it('root → signer → daily statements; rollbacks refused by revoke, by import-revocations and by the client', async () => {
    const rootFile = path.join(dir, 'root.key');
    const signerFile = path.join(dir, 'signer.key');
    const init = await runAdmin(['root-init', rootFile], fast({}));
    expect(init.code).toBe(0);
    const rootText = /KOLOKOL_ROOT_PUBLIC_KEY=(\S+)/.exec(init.stdout)![1]!;
    const rootPublicKey = decodeRootPublicKey(rootText);
    const offline = fast({ KOLOKOL_ROOT_PUBLIC_KEY: rootText });

    // The signer key: made on the admin's machine, certified by the root offline.
    const signerInit = await runAdmin(['signer-init', signerFile], offline);
    expect(signerInit.code).toBe(0);
    const signerKey = signerInit.stdout.trim().split('\n').at(-1)!;
    expect((await runAdmin(['certify-signer', rootFile, signerKey, '91'], offline)).code).toBe(1);
    const certified = await runAdmin(['certify-signer', rootFile, signerKey, '60'], offline);
    expect(certified.code).toBe(0);
    const signerCertificate = certified.stdout.trim();

    site = await startTestServer({ KOLOKOL_ROOT_PUBLIC_KEY: rootText });
    const online = cleanEnv({
      KOLOKOL_DATA_DIR: site.config.dataDir,
      KOLOKOL_ROOT_PUBLIC_KEY: rootText,
    });
    const revoke = (previous: string, ...certificates: string[]) =>
      runAdmin(['revoke', signerFile, signerCertificate, previous, ...certificates], offline);
    const importStatement = (statement: string) =>
      runAdmin(['import-revocations', statement], online);

    // Two moderators, certified and published.
    const certifyAndPublish = async () => {
      const mod = await enrolStaff(site, 'moderator');
      const identity = (await runAdmin(['identity', mod.account.handle], online)).stdout.trim();
      const certificate = (
        await runAdmin(['certify', rootFile, mod.account.handle, identity, '30'], offline)
      ).stdout.trim();
      expect((await runAdmin(['import-certificate', certificate], online)).code).toBe(0);
      return { ...mod, certificate };
    };
    const kept = await certifyAndPublish();
    const gone = await certifyAndPublish();

    // "remembered" before anything was issued is refused; "first" starts the deployment.
    expect((await revoke('remembered')).code).toBe(1);
    const first = await revoke('first');
    expect(first.code).toBe(0);
    expect((await importStatement(first.stdout.trim())).code).toBe(0);
    expect((await revoke('first')).code).toBe(1); // only once

    const revoked = await revoke('remembered', gone.certificate);
    expect(revoked.code).toBe(0);
    const withSerial = revoked.stdout.trim();
    expect((await importStatement(withSerial)).code).toBe(0);

    // A client reads certificates.list exactly as it arrives.
    const trust: TrustConfiguration = {
      deployment: 'kolokol-test',
      rootPublicKey,
      minRevocationIssuedAt: 0,
    };
    const socket = await connectWithToken(site.url, kept.token);
    const listed = async () => {
      const ack = await call(socket, 'certificates.list', {});
      if (!ack.ok) throw new Error(ack.error.code);
      return ack.data;
    };
    const directory = verifyModeratorDirectory(trust, await listed(), { now: Date.now() });
    expect(directory.moderators.map((m) => m.accountId)).toEqual([kept.accountId]);
    expect(directory.refused).toBe(1);

    // The daily refresh: nothing new revoked, every serial carried over.
    const refreshed = await revoke('remembered');
    expect(refreshed.code).toBe(0);
    expect((await importStatement(refreshed.stdout.trim())).code).toBe(0);
    const afterRefresh = verifyModeratorDirectory(trust, await listed(), {
      now: Date.now(),
      storedFloor: directory.floor,
    });
    expect(afterRefresh.moderators.map((m) => m.accountId)).toEqual([kept.accountId]);

    // Rollback 1: revoke told to start from the first (empty) statement: refused, file unchanged.
    const signerBefore = await readFile(signerFile);
    const rolledBack = await revoke(first.stdout.trim());
    expect(rolledBack.code).toBe(1);
    expect(rolledBack.stderr).toContain('refused');
    expect(await readFile(signerFile)).toEqual(signerBefore);

    // Rollback 2: a fresh, validly signed statement that forgot the serial (as a thief of the
    // signer key could make): import-revocations refuses it and the store is unchanged...
    const opened = openKeyStoreWithPassphrase(SIGNER_PASSPHRASE, new Uint8Array(signerBefore), {
      purpose: 'revocation-signer',
      account: 'organisation',
      minGeneration: 0,
    });
    const signerSecretKey = opened.plaintext.subarray(1, 65);
    const now = Date.now();
    const forgetful = issueRevocationStatement(signerSecretKey, fromBase64Url(signerCertificate)!, {
      issuedAt: now,
      expiresAt: now + 3600_000,
      revoked: [],
    });
    const before = site.snapshot();
    const refusedImport = await importStatement(Buffer.from(forgetful).toString('base64url'));
    expect(refusedImport.code).toBe(1);
    expect(refusedImport.stderr).toContain('leaves out a revoked certificate');
    expect(site.snapshot()).toEqual(before);
    // ...and a client that has its floor refuses it too, had a server served it.
    const served = {
      ...(await listed()),
      revocationList: Buffer.from(forgetful).toString('base64url'),
    };
    expect(
      reasonOf(() =>
        verifyModeratorDirectory(trust, served, {
          now: Date.now(),
          storedFloor: afterRefresh.floor,
        }),
      ),
    ).toBe('UNTRUSTED');
    // Without any floor the same statement would revive the revoked moderator: the floor matters.
    expect(
      verifyModeratorDirectory(trust, served, { now: Date.now() }).moderators.map(
        (m) => m.accountId,
      ),
    ).toContain(gone.accountId);
    expect(
      verifyModeratorCertificate(rootPublicKey, fromBase64Url(gone.certificate)!, {
        now: Date.now(),
      }).handle,
    ).toBe(gone.account.handle);
  }, 120_000);
});
