// The account key on a device. It is the second secret of the two-secret derivation, so it cannot
// be sealed under the storage key it helps derive: the device keeps it sealed under the passphrase
// alone (Argon2id at the user cost, key-store purpose 'account-key'). Unlocking a device is then
// passphrase → account key → two-secret keys → storage key. The blob never leaves the device: a
// seized server holds no copy to guess against, while a seized device costs its thief an Argon2id
// run per guess — the same as the local key store always did.
import { expectLength, transcript, utf8 } from '../primitives/bytes.js';
import { label } from '../primitives/format.js';
import { hkdf } from '../primitives/hkdf.js';
import { ACCOUNT_KEY_BYTES, PASSPHRASE_KDF } from '../identity/two-secret-keys.js';
import {
  STORAGE_KEY_BYTES,
  USER_PASSPHRASE_COST,
  openKeyStore,
  openKeyStoreWithPassphrase,
  sealKeyStore,
  sealKeyStoreWithPassphrase,
  type PassphraseCost,
} from './key-store.js';

/**
 * Seals the account key for `binding.account` (the canonical handle) under the passphrase. Seal
 * again with a higher generation after a passphrase change or an account-key rotation.
 */
export function sealAccountKey(
  passphrase: string,
  accountKey: Uint8Array,
  binding: { readonly account: string; readonly generation: number },
  cost: PassphraseCost = USER_PASSPHRASE_COST,
): Uint8Array {
  expectLength(accountKey, ACCOUNT_KEY_BYTES, 'account key');
  return sealKeyStoreWithPassphrase(
    passphrase,
    { purpose: 'account-key', ...binding },
    accountKey,
    cost,
  );
}

/**
 * The account key on this device. WRONG_PASSPHRASE for another passphrase or account, REPLAY
 * below `expected.minGeneration`, UNTRUSTED for a blob of another purpose.
 */
export function openAccountKey(
  passphrase: string,
  blob: Uint8Array,
  expected: { readonly account: string; readonly minGeneration: number },
): { accountKey: Uint8Array; generation: number } {
  const { plaintext, generation } = openKeyStoreWithPassphrase(passphrase, blob, {
    purpose: 'account-key',
    ...expected,
  });
  return { accountKey: expectLength(plaintext, ACCOUNT_KEY_BYTES, 'account key'), generation };
}

/**
 * The salt this device's storage key was derived with, sealed under a key made from the account
 * key alone (HKDF-SHA-256, info `transcript("kolokol/v1/device-salt", account)`; purpose
 * `device-salt`). After the passphrase was changed on another device the server serves a new salt,
 * and this device rebuilds its old storage key — from the previous passphrase, the account key it
 * opens with it, and this salt — to seal its records again under the new one. The salt is no
 * secret (the server serves it to whoever asks for the handle), but in the clear it would tie a
 * seized device's storage to the account.
 */
export function sealDeviceSalt(
  accountKey: Uint8Array,
  salt: Uint8Array,
  binding: { readonly account: string; readonly generation: number },
): Uint8Array {
  expectLength(salt, PASSPHRASE_KDF.saltBytes, 'salt');
  return sealKeyStore(
    deviceSaltKey(accountKey, binding.account),
    { purpose: 'device-salt', ...binding },
    salt,
  );
}

/** The salt sealed by sealDeviceSalt. WRONG_PASSPHRASE-like failures for another account key. */
export function openDeviceSalt(
  accountKey: Uint8Array,
  blob: Uint8Array,
  expected: { readonly account: string; readonly minGeneration: number },
): { salt: Uint8Array; generation: number } {
  const { plaintext, generation } = openKeyStore(
    deviceSaltKey(accountKey, expected.account),
    blob,
    {
      purpose: 'device-salt',
      ...expected,
    },
  );
  return { salt: expectLength(plaintext, PASSPHRASE_KDF.saltBytes, 'salt'), generation };
}

function deviceSaltKey(accountKey: Uint8Array, account: string): Uint8Array {
  expectLength(accountKey, ACCOUNT_KEY_BYTES, 'account key');
  return hkdf(
    accountKey,
    new Uint8Array(0),
    transcript(label('device-salt'), utf8(account)),
    STORAGE_KEY_BYTES,
  );
}
