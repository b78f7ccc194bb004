// keys.backup_put replaces the sealed identity backup a new device restores from, so a session
// token alone must not be enough: the client signs the new backup and a fresh challenge with
// the passphrase-derived login key. A stolen session without that key changes nothing.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, type LoginResult } from '@kolokol/shared';
import {
  dangerousTestOnlyWeakPassphraseCost,
  ed25519KeyPair,
  sealIdentityBackup,
  sealKeyStore,
  sealKeyStoreWithPassphrase,
  signBackupReplacement,
} from '@kolokol/shared/crypto';
import {
  backupPutPayload,
  call,
  challenge,
  closeAllSockets,
  connectWithToken,
  loginBody,
  newTestAccount,
  post,
  rawCall,
  registerAndLogin,
  type ClientSocket,
  type TestAccount,
} from '../support/client.js';
import { expectRefusedUnchanged } from '../support/assertions.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
let account: TestAccount;
let socket: ClientSocket;
beforeEach(async () => {
  generation = 1;
  server = await startTestServer();
  const registered = await registerAndLogin(server.url, 'backup');
  account = registered.account;
  socket = await connectWithToken(server.url, registered.token);
});
afterEach(async () => {
  closeAllSockets();
  await server.close();
});

/** The backup a fresh login hands out. */
async function storedBackup(): Promise<string> {
  const response = await post<LoginResult>(
    server.url,
    '/auth/login',
    loginBody(account.handle, account.auth, await challenge(server.url, account.handle)),
  );
  if (!response.body.ok) throw new Error(response.body.error.code);
  return response.body.data.keyBackup;
}

/** Each new backup one generation above the last (registration stored generation 1). */
let generation = 1;
const newBackup = () =>
  sealIdentityBackup(account.storageKey, account.identity, {
    account: account.handle,
    generation: (generation += 1),
  });

describe('keys.backup_put', () => {
  it('replaces the backup when signed by the login key over a fresh challenge', async () => {
    const replacement = newBackup();
    const payload = await backupPutPayload(server.url, account, replacement);
    expect(await call(socket, 'keys.backup_put', payload)).toEqual({ ok: true, data: {} });
    expect(await storedBackup()).toBe(toBase64Url(replacement));
  });

  it('refuses a stolen session without the login key, and changes nothing', async () => {
    // The thief holds the token (the socket) and can ask for challenges, but has no login key.
    const thief = { ...account, auth: ed25519KeyPair() };
    const payload = await backupPutPayload(server.url, thief, newBackup());
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'keys.backup_put', payload),
      'FORBIDDEN',
    );
  });

  it('refuses the old unsigned payload', async () => {
    await expectRefusedUnchanged(
      server,
      () => rawCall(socket, 'keys.backup_put', { keyBackup: toBase64Url(newBackup()) }),
      'BAD_REQUEST',
    );
  });

  it('refuses a replayed payload, a spent challenge, a signature for another backup, and one over another handle’s challenge', async () => {
    const issued = await challenge(server.url, account.handle);
    const nonce = fromBase64Url(issued.nonce)!;
    const signedOver = (keyBackup: Uint8Array) => ({
      keyBackup: toBase64Url(keyBackup),
      challengeId: issued.challengeId,
      signature: toBase64Url(
        signBackupReplacement(account.auth.secretKey, {
          handle: account.handle,
          challengeId: issued.challengeId,
          nonce,
          keyBackup,
        }),
      ),
    });
    const first = signedOver(newBackup());
    expect(await call(socket, 'keys.backup_put', first)).toMatchObject({ ok: true });
    const stored = await storedBackup();

    // The very same payload again: its backup is no newer than the stored one.
    await expectRefusedUnchanged(server, () => call(socket, 'keys.backup_put', first), 'CONFLICT');
    // A newer backup signed over the challenge already spent.
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'keys.backup_put', signedOver(newBackup())),
      'FORBIDDEN',
    );

    const signed = await backupPutPayload(server.url, account, newBackup());
    const swapped = { ...signed, keyBackup: toBase64Url(newBackup()) };
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'keys.backup_put', swapped),
      'FORBIDDEN',
    );

    const other = newTestAccount('other');
    const foreign = await backupPutPayload(
      server.url,
      { ...other, auth: account.auth },
      newBackup(),
    );
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'keys.backup_put', foreign),
      'FORBIDDEN',
    );
    expect(await storedBackup()).toBe(stored);
  });

  it('refuses a backup no newer than the stored one, before spending the challenge', async () => {
    // Registration stored generation 1: neither 1 again nor 0 may replace it.
    for (const stale of [1, 0]) {
      const backup = sealIdentityBackup(account.storageKey, account.identity, {
        account: account.handle,
        generation: stale,
      });
      const payload = await backupPutPayload(server.url, account, backup);
      await expectRefusedUnchanged(
        server,
        () => call(socket, 'keys.backup_put', payload),
        'CONFLICT',
      );
    }
    const newer = newBackup();
    expect(
      await call(socket, 'keys.backup_put', await backupPutPayload(server.url, account, newer)),
    ).toMatchObject({ ok: true });
    expect(await storedBackup()).toBe(toBase64Url(newer));
  });

  it('refuses what is not a sealed identity backup: another purpose, or a passphrase blob', async () => {
    const session = sealKeyStore(
      account.storageKey,
      { purpose: 'session', account: account.handle, generation: 9 },
      Uint8Array.of(1, 2, 3),
    );
    const passphraseBlob = sealKeyStoreWithPassphrase(
      'a long test passphrase',
      { purpose: 'identity-backup', account: account.handle, generation: 9 },
      Uint8Array.of(1, 2, 3),
      dangerousTestOnlyWeakPassphraseCost(),
    );
    for (const blob of [session, passphraseBlob]) {
      const payload = await backupPutPayload(server.url, account, blob);
      await expectRefusedUnchanged(
        server,
        () => call(socket, 'keys.backup_put', payload),
        'BAD_REQUEST',
      );
    }
  });

  it('stops answering after a few wrong signatures: no passphrase-guessing oracle for a stolen session', async () => {
    const thief = { ...account, auth: ed25519KeyPair() };
    for (let i = 0; i < 5; i += 1) {
      const payload = await backupPutPayload(server.url, thief, newBackup());
      expect(await call(socket, 'keys.backup_put', payload)).toMatchObject({
        ok: false,
        error: { code: 'FORBIDDEN' },
      });
    }
    // Now even the right key waits out the window: RATE_LIMITED, nothing changed.
    const right = await backupPutPayload(server.url, account, newBackup());
    await expectRefusedUnchanged(
      server,
      () => call(socket, 'keys.backup_put', right),
      'RATE_LIMITED',
    );
  });
});
