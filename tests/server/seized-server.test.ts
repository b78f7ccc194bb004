// A seized server cannot test passphrase guesses. Everything the server stores for an account is
// read straight out of its SQLite file; with the RIGHT passphrase but without the account key,
// neither the login key can be reproduced nor the identity backup opened — not through the
// two-secret derivation with a guessed account key, nor through the retired passphrase-only one.
// The same data with the account key does both, so the test can tell the two apart.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ACCOUNT_KEY_BYTES,
  CryptoError,
  PASSPHRASE_KDF,
  deriveTwoSecretKeys,
  ed25519KeyPairFromSeed,
  equalBytes,
  hkdf,
  openIdentityBackup,
  prepareRegistration,
  randomBytes,
  sodium,
  transcript,
  utf8,
} from '@kolokol/shared/crypto';
import { DEPLOYMENT, closeAllSockets, login, register, testAccountOf } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  closeAllSockets();
  await server.close();
});

interface SeizedAccount {
  readonly salt: Uint8Array;
  readonly authKey: Uint8Array;
  readonly keyBackup: Uint8Array;
}

/** What the server holds for a handle, read from the database file as a thief would. */
function seize(file: string, handle: string): SeizedAccount {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare<[string], { salt: Buffer; auth_key: Buffer; key_backup: Buffer }>(
        'SELECT salt, auth_key, key_backup FROM accounts WHERE handle = ?',
      )
      .get(handle);
    if (!row) throw new Error('account not in the file');
    return {
      salt: new Uint8Array(row.salt),
      authKey: new Uint8Array(row.auth_key),
      keyBackup: new Uint8Array(row.key_backup),
    };
  } finally {
    db.close();
  }
}

/** The guess succeeded: it reproduces the stored login key or opens the stored backup. */
function guessWorks(
  seized: SeizedAccount,
  handle: string,
  storageKey: Uint8Array,
  authKey: Uint8Array,
) {
  let opens = true;
  try {
    openIdentityBackup(storageKey, seized.keyBackup, { account: handle, minGeneration: 0 });
  } catch (error) {
    if (!(error instanceof CryptoError) || error.reason !== 'WRONG_PASSPHRASE') throw error;
    opens = false;
  }
  return { reproducesLoginKey: equalBytes(authKey, seized.authKey), opensBackup: opens };
}

/** The retired KDF v1: Argon2id(passphrase, served salt) → HKDF with the handle. */
function retiredPassphraseOnlyKeys(handle: string, passphrase: string, salt: Uint8Array) {
  const master = sodium.crypto_pwhash(
    32,
    utf8(passphrase.normalize('NFKC')),
    salt,
    PASSPHRASE_KDF.opsLimit,
    PASSPHRASE_KDF.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const okm = hkdf(master, salt, transcript('kolokol/v1/passphrase-keys', utf8(handle)), 64);
  return { authKey: ed25519KeyPairFromSeed(okm.slice(0, 32)).publicKey, storageKey: okm.slice(32) };
}

describe('offline guessing against a seized database (six Argon2id runs)', () => {
  it('the right passphrase without the account key reproduces nothing; with it, everything', async () => {
    const handle = 'irina.s';
    const passphrase = 'seven quiet lanterns beyond the ferry';
    const prepared = await prepareRegistration({ deployment: DEPLOYMENT, handle, passphrase });
    const account = testAccountOf(prepared);
    await register(server.url, account);
    await login(server.url, account);

    const seized = seize(server.dbFile, handle);
    // Nothing in the file is the account key.
    const file = (await import('node:fs')).readFileSync(server.dbFile);
    expect(file.includes(Buffer.from(prepared.accountKey))).toBe(false);

    const attempt = (accountKey: Uint8Array) => {
      const keys = deriveTwoSecretKeys({
        deployment: DEPLOYMENT,
        handle,
        passphrase,
        accountKey,
        salt: seized.salt,
      });
      return guessWorks(seized, handle, keys.storageKey, keys.authentication.publicKey);
    };
    // The attacker's best guesses at the account key: none, all ones, a random one.
    for (const guessed of [
      new Uint8Array(ACCOUNT_KEY_BYTES),
      new Uint8Array(ACCOUNT_KEY_BYTES).fill(0xff),
      randomBytes(ACCOUNT_KEY_BYTES),
    ]) {
      expect(attempt(guessed)).toEqual({ reproducesLoginKey: false, opensBackup: false });
    }
    // The retired derivation from the passphrase alone is no verifier either.
    const retired = retiredPassphraseOnlyKeys(handle, passphrase, seized.salt);
    expect(guessWorks(seized, handle, retired.storageKey, retired.authKey)).toEqual({
      reproducesLoginKey: false,
      opensBackup: false,
    });

    // Control: with the account key the same seized data confirms the passphrase.
    expect(attempt(prepared.accountKey)).toEqual({ reproducesLoginKey: true, opensBackup: true });
  });
});
