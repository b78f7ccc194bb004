// account.rekey through the real server: a passphrase change with account-key rotation replaces
// salt, login key and backup in one step and ends every other session of the account, keeping the
// caller's. Replayed, forged, stale and malformed rekeys are refused with their code and change
// nothing; wrong signatures count with keys.backup_put's toward the same limit.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  challengeResultSchema,
  fromBase64Url,
  toBase64Url,
  type LoginResult,
} from '@kolokol/shared';
import {
  CryptoError,
  deriveTwoSecretKeys,
  ed25519KeyPair,
  openIdentityBackup,
  prepareRegistration,
  prepareRekey,
  sealIdentityBackup,
} from '@kolokol/shared/crypto';
import { expectRefusedUnchanged } from '../support/assertions.js';
import {
  DEPLOYMENT,
  backupPutPayload,
  call,
  challenge,
  closeAllSockets,
  connectWithToken,
  login,
  loginBody,
  newTestAccount,
  post,
  rawCall,
  register,
  registerAndLogin,
  rekeyPayload,
  revokedReason,
  testAccountOf,
  waitForDisconnect,
  type ClientSocket,
  type TestAccount,
} from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  closeAllSockets();
  await server.close();
});

/** POST /auth/login with this login key over a fresh challenge: the HTTP status and body. */
async function tryLogin(handle: string, auth: TestAccount['auth']) {
  return post<LoginResult>(
    server.url,
    '/auth/login',
    loginBody(handle, auth, await challenge(server.url, handle)),
  );
}

describe('account.rekey, end to end with real keys (four Argon2id runs)', () => {
  it('changes the passphrase and rotates the account key: old secrets stop working, new ones log in and open the backup; only the caller’s session survives', async () => {
    const handle = 'marta.v';
    const oldPassphrase = 'white birch over the frozen river';
    const newPassphrase = 'seven quiet lanterns beyond the ferry';
    const registration = await prepareRegistration({
      deployment: DEPLOYMENT,
      handle,
      passphrase: oldPassphrase,
    });
    const account = testAccountOf(registration);
    await register(server.url, account);
    const current = await connectWithToken(server.url, await login(server.url, account));
    const other = await connectWithToken(server.url, await login(server.url, account));
    const bystander = await connectWithToken(
      server.url,
      (await registerAndLogin(server.url, 'bystander')).token,
    );

    const issued = challengeResultSchema.parse(await challenge(server.url, handle));
    const rekey = await prepareRekey({
      deployment: DEPLOYMENT,
      challenge: { handle, challengeId: issued.challengeId, nonce: issued.nonce },
      identity: registration.identity,
      currentKeys: registration.keys,
      backupGeneration: 1,
      passphrase: newPassphrase,
      accountKey: 'rotate',
    });
    expect(rekey.accountKey).not.toEqual(registration.accountKey);
    expect(rekey.backupGeneration).toBe(2);

    const ended = revokedReason(other);
    expect(await call(current, 'account.rekey', rekey.payload)).toEqual({
      ok: true,
      data: { revokedSessions: 1 },
    });
    expect(await ended).toBe('rekeyed');
    await waitForDisconnect(other);
    expect(await call(current, 'session.whoami', {})).toMatchObject({ ok: true });
    expect(bystander.connected).toBe(true);

    // The old login key (old passphrase + old account key) no longer logs in.
    const refused = await tryLogin(handle, registration.keys.authentication);
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });

    // A fresh device: the new salt is served; the old passphrase with the new account key fails,
    // the new passphrase with it logs in and opens the backup.
    const served = await challenge(server.url, handle);
    expect(served.salt).toBe(rekey.payload.salt);
    const salt = fromBase64Url(served.salt)!;
    const withOldPassphrase = deriveTwoSecretKeys({
      deployment: DEPLOYMENT,
      handle,
      passphrase: oldPassphrase,
      accountKey: rekey.accountKey,
      salt,
    });
    expect((await tryLogin(handle, withOldPassphrase.authentication)).status).toBe(401);
    const fresh = deriveTwoSecretKeys({
      deployment: DEPLOYMENT,
      handle,
      passphrase: newPassphrase,
      accountKey: rekey.accountKey,
      salt,
    });
    const loggedIn = await tryLogin(handle, fresh.authentication);
    expect(loggedIn.status).toBe(200);
    if (!loggedIn.body.ok) throw new Error(loggedIn.body.error.code);
    const newBackup = fromBase64Url(loggedIn.body.data.keyBackup)!;
    const restored = openIdentityBackup(fresh.storageKey, newBackup, {
      account: handle,
      minGeneration: 2,
    });
    expect(restored.generation).toBe(2);
    expect(restored.identity.signing.publicKey).toEqual(registration.identity.signing.publicKey);
    // The old storage key does not open the new backup.
    expect(() =>
      openIdentityBackup(registration.keys.storageKey, newBackup, {
        account: handle,
        minGeneration: 0,
      }),
    ).toThrow(CryptoError);
  });
});

describe('account.rekey refusals (random keys: the server cannot tell)', () => {
  let account: TestAccount;
  let socket: ClientSocket;
  beforeEach(async () => {
    const registered = await registerAndLogin(server.url, 'rekey');
    account = registered.account;
    socket = await connectWithToken(server.url, registered.token);
  });

  it('refuses a replay: the same payload (CONFLICT), and a newer one over the spent challenge (FORBIDDEN)', async () => {
    const issued = await challenge(server.url, account.handle);
    const first = await rekeyPayload(server.url, account, 2, issued);
    expect(await call(socket, 'account.rekey', first.payload)).toMatchObject({ ok: true });
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'account.rekey', first.payload),
      'CONFLICT',
    );
    // Signed by the key now current, one generation higher, but over the challenge already spent.
    const again = await rekeyPayload(server.url, first.next, 3, issued);
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'account.rekey', again.payload),
      'FORBIDDEN',
    );
  });

  it('refuses a stolen session without the current login key (FORBIDDEN), and changes nothing', async () => {
    const thief = { ...account, auth: ed25519KeyPair() };
    const { payload } = await rekeyPayload(server.url, thief, 2);
    await expectRefusedUnchanged(server, () => call(socket, 'account.rekey', payload), 'FORBIDDEN');
    expect((await tryLogin(account.handle, account.auth)).status).toBe(200);
  });

  it('refuses a new login key without proof of possession (BAD_REQUEST), e.g. someone else’s', async () => {
    const { payload } = await rekeyPayload(server.url, account, 2);
    const someoneElses = ed25519KeyPair().publicKey;
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'account.rekey', { ...payload, authKey: toBase64Url(someoneElses) }),
      // The current key's signature covers the authKey too: a swapped key breaks it first.
      'FORBIDDEN',
    );
    const forgedProof = { ...payload, authSignature: payload.signature };
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'account.rekey', forgedProof),
      'BAD_REQUEST',
    );
  });

  it('refuses a stale backup (CONFLICT) before spending the challenge, and what is not a backup (BAD_REQUEST)', async () => {
    for (const stale of [1, 0]) {
      const { payload } = await rekeyPayload(server.url, account, stale);
      await expectRefusedUnchanged(
        server,
        () => call(socket, 'account.rekey', payload),
        'CONFLICT',
      );
    }
    const { payload } = await rekeyPayload(server.url, account, 2);
    await expectRefusedUnchanged(
      server,
      () =>
        call(socket, 'account.rekey', { ...payload, keyBackup: toBase64Url(new Uint8Array(60)) }),
      'BAD_REQUEST',
    );
    // The challenge of the refused stale attempts was not spent: this one still works.
    expect(await call(socket, 'account.rekey', payload)).toMatchObject({ ok: true });
  });

  it('refuses another handle’s challenge and a malformed payload', async () => {
    const other = newTestAccount('other');
    const { payload: foreign } = await rekeyPayload(
      server.url,
      { ...other, auth: account.auth },
      2,
    );
    await expectRefusedUnchanged(server, () => call(socket, 'account.rekey', foreign), 'FORBIDDEN');
    const { payload } = await rekeyPayload(server.url, account, 2);
    for (const bad of [
      { ...payload, salt: toBase64Url(new Uint8Array(15)) },
      { ...payload, extra: 1 },
      { keyBackup: payload.keyBackup },
    ]) {
      await expectRefusedUnchanged(
        server,
        () => rawCall(socket, 'account.rekey', bad),
        'BAD_REQUEST',
      );
    }
  });

  it('counts wrong signatures together with keys.backup_put: five in all, then RATE_LIMITED', async () => {
    const thief = { ...account, auth: ed25519KeyPair() };
    for (let i = 0; i < 3; i += 1) {
      const { payload } = await rekeyPayload(server.url, thief, 2);
      expect(await call(socket, 'account.rekey', payload)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    for (let i = 0; i < 2; i += 1) {
      const backup = sealIdentityBackup(thief.storageKey, account.identity, {
        account: account.handle,
        generation: 2,
      });
      const payload = await backupPutPayload(server.url, thief, backup);
      expect(await call(socket, 'keys.backup_put', payload)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    const { payload } = await rekeyPayload(server.url, account, 2);
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'account.rekey', payload),
      'RATE_LIMITED',
    );
  });
});
