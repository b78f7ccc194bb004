// The account key stays on the device sealed under the passphrase alone: it opens with that
// passphrase for that account, and a restored older copy (say, from before a key rotation) is
// refused; what it unlocks is the same two-secret derivation as at registration.
import { describe, expect, it } from 'vitest';
import {
  deriveTwoSecretKeys,
  newAccountKey,
  newPassphraseSalt,
} from '../src/crypto/identity/two-secret-keys.js';
import {
  openAccountKey,
  openDeviceSalt,
  sealAccountKey,
  sealDeviceSalt,
} from '../src/crypto/storage/account-key-store.js';
import {
  keyStoreHeader,
  sealKeyStoreWithPassphrase,
  USER_PASSPHRASE_COST,
} from '../src/crypto/storage/key-store.js';
import { reasonOf } from './reason-of.js';

const passphrase = 'seven quiet lanterns beyond the ferry';
const account = 'alice';

describe('the account key on a device', () => {
  const accountKey = newAccountKey();
  const first = sealAccountKey(passphrase, accountKey, { account, generation: 1 });

  it('is sealed at the user Argon2id cost under purpose account-key, and opens to the same key', () => {
    expect(keyStoreHeader(first)).toEqual({
      kind: 'passphrase',
      purpose: 'account-key',
      generation: 1,
      cost: USER_PASSPHRASE_COST,
    });
    const opened = openAccountKey(passphrase, first, { account, minGeneration: 1 });
    expect(opened).toEqual({ accountKey, generation: 1 });
    // What it unlocks: the same keys the registration derived.
    const salt = newPassphraseSalt();
    const input = { deployment: 'kolokol-test', handle: account, passphrase, salt };
    expect(
      deriveTwoSecretKeys({ ...input, accountKey: opened.accountKey }).authentication.publicKey,
    ).toEqual(deriveTwoSecretKeys({ ...input, accountKey }).authentication.publicKey);
  });

  it('refuses another passphrase, another account, an older generation and another purpose', () => {
    expect(
      reasonOf(() =>
        openAccountKey('another long passphrase here', first, { account, minGeneration: 0 }),
      ),
    ).toBe('WRONG_PASSPHRASE');
    expect(
      reasonOf(() => openAccountKey(passphrase, first, { account: 'bob', minGeneration: 0 })),
    ).toBe('WRONG_PASSPHRASE');
    // After a rotation the device sealed generation 2: the old copy must not come back.
    expect(reasonOf(() => openAccountKey(passphrase, first, { account, minGeneration: 2 }))).toBe(
      'REPLAY',
    );
    const other = sealKeyStoreWithPassphrase(
      passphrase,
      { purpose: 'identity-backup', account, generation: 1 },
      accountKey,
    );
    expect(reasonOf(() => openAccountKey(passphrase, other, { account, minGeneration: 0 }))).toBe(
      'UNTRUSTED',
    );
  });

  it('refuses to seal anything but a 16-byte account key', () => {
    expect(
      reasonOf(() => sealAccountKey(passphrase, new Uint8Array(32), { account, generation: 1 })),
    ).toBe('BAD_LENGTH');
  });
});

describe("the device's salt", () => {
  const accountKey = newAccountKey();
  const salt = newPassphraseSalt();
  const sealed = sealDeviceSalt(accountKey, salt, { account, generation: 2 });

  it('is sealed under the account key for the account, purpose device-salt, and opens to the salt', () => {
    expect(keyStoreHeader(sealed)).toMatchObject({
      kind: 'storage-key',
      purpose: 'device-salt',
      generation: 2,
    });
    expect(openDeviceSalt(accountKey, sealed, { account, minGeneration: 0 })).toEqual({
      salt,
      generation: 2,
    });
  });

  it('does not open under another account key or account, nor below the generation seen', () => {
    expect(
      reasonOf(() => openDeviceSalt(newAccountKey(), sealed, { account, minGeneration: 0 })),
    ).toBe('WRONG_PASSPHRASE');
    expect(
      reasonOf(() => openDeviceSalt(accountKey, sealed, { account: 'bob', minGeneration: 0 })),
    ).toBe('WRONG_PASSPHRASE');
    expect(reasonOf(() => openDeviceSalt(accountKey, sealed, { account, minGeneration: 3 }))).toBe(
      'REPLAY',
    );
  });
});
