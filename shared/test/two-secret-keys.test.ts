// The two-secret derivation's bindings. The served-salt attack: a server that hands two users the
// same salt used to test a guess against both for one Argon2id run (the handle entered only after
// it). Now the Argon2id salt is bound to deployment and handle, and its password to the account
// key, so one run tests one guess for one account of one deployment, and only with its account key.
import { describe, expect, it } from 'vitest';
import { equalBytes } from '../src/crypto/primitives/bytes.js';
import { sodium } from '../src/crypto/primitives/sodium.js';
import {
  ACCOUNT_KEY_BYTES,
  PASSPHRASE_KDF,
  deriveTwoSecretKeys,
  finishTwoSecretKeys,
  newAccountKey,
  newPassphraseSalt,
  twoSecretKdfInputs,
} from '../src/crypto/identity/two-secret-keys.js';
import { reasonOf } from './reason-of.js';

const passphrase = 'white birch over the frozen river';
const servedSalt = newPassphraseSalt(); // what a malicious server serves to everyone
const accountKey = newAccountKey();
const olga = {
  deployment: 'kolokol-test',
  handle: 'olga.k',
  passphrase,
  accountKey,
  salt: servedSalt,
};
const ivan = { ...olga, handle: 'ivan.p' };

function argon2id(inputs: { argonPassword: Uint8Array; argonSalt: Uint8Array }): Uint8Array {
  return sodium.crypto_pwhash(
    32,
    inputs.argonPassword,
    inputs.argonSalt,
    PASSPHRASE_KDF.opsLimit,
    PASSPHRASE_KDF.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

describe('served-salt attack (three Argon2id runs)', () => {
  it('one served salt gives each handle and each deployment its own Argon2id salt', () => {
    const salts = [
      olga,
      ivan,
      { ...olga, deployment: 'kolokol-other' },
      { ...ivan, deployment: 'kolokol-other' },
    ].map((input) => sodium.to_hex(twoSecretKdfInputs(input).argonSalt));
    expect(new Set(salts).size).toBe(4);
  });

  it('one Argon2id run finished for another handle gives nothing that account accepts', () => {
    const olgaKeys = deriveTwoSecretKeys(olga);
    const ivanKeys = deriveTwoSecretKeys(ivan);
    expect(equalBytes(olgaKeys.authentication.publicKey, ivanKeys.authentication.publicKey)).toBe(
      false,
    );
    expect(equalBytes(olgaKeys.storageKey, ivanKeys.storageKey)).toBe(false);

    // The attacker runs Argon2id once, on Olga's inputs, and tries to reuse the output for Ivan
    // (with Ivan's or Olga's Argon2id salt in the final step): neither is Ivan's key.
    const olgaInputs = twoSecretKdfInputs(olga);
    const master = argon2id(olgaInputs);
    const ivanInputs = twoSecretKdfInputs(ivan);
    for (const argonSalt of [olgaInputs.argonSalt, ivanInputs.argonSalt]) {
      const reused = finishTwoSecretKeys(master.slice(), argonSalt, ivan);
      expect(equalBytes(reused.authentication.publicKey, ivanKeys.authentication.publicKey)).toBe(
        false,
      );
      expect(equalBytes(reused.storageKey, ivanKeys.storageKey)).toBe(false);
    }
    // ...while finishing it for Olga is Olga's key: the run was real.
    expect(
      finishTwoSecretKeys(master, olgaInputs.argonSalt, olga).authentication.publicKey,
    ).toEqual(olgaKeys.authentication.publicKey);
  });
});

describe('the account key is the second secret', () => {
  it('enters the Argon2id password: the same passphrase under another account key is another input', () => {
    const mine = twoSecretKdfInputs(olga);
    const guessedKey = twoSecretKdfInputs({
      ...olga,
      accountKey: new Uint8Array(ACCOUNT_KEY_BYTES),
    });
    expect(mine.argonSalt).toEqual(guessedKey.argonSalt);
    expect(equalBytes(mine.argonPassword, guessedKey.argonPassword)).toBe(false);
    expect(
      equalBytes(
        twoSecretKdfInputs({ ...olga, passphrase: `${passphrase}!` }).argonPassword,
        mine.argonPassword,
      ),
    ).toBe(false);
  });

  it('is normalised with the passphrase only: NFKC variants of the passphrase are one input', () => {
    expect(
      twoSecretKdfInputs({ ...olga, passphrase: 'ﬁrst snow on Ｌｅｎｉｎａ street' }).argonPassword,
    ).toEqual(
      twoSecretKdfInputs({ ...olga, passphrase: 'first snow on Lenina street' }).argonPassword,
    );
  });

  it('refuses a wrong-length account key, a non-canonical handle and a bad deployment before Argon2id', () => {
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, accountKey: new Uint8Array(15) }))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, handle: 'Olga.K' }))).toBe('MALFORMED');
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, handle: ' olga.k' }))).toBe('MALFORMED');
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, deployment: '' }))).toBe('MALFORMED');
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, deployment: 'kolokol test' }))).toBe(
      'MALFORMED',
    );
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, passphrase: 'x'.repeat(1025) }))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => twoSecretKdfInputs({ ...olga, passphrase: 'short' }))).toBe('BAD_KEY');
  });
});
