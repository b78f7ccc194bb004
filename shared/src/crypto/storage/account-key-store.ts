// The account key on a device. It is the second secret of the two-secret derivation, so it cannot
// be sealed under the storage key it helps derive: the device keeps it sealed under the passphrase
// alone (Argon2id at the user cost, key-store purpose 'account-key'). Unlocking a device is then
// passphrase → account key → two-secret keys → storage key. The blob never leaves the device: a
// seized server holds no copy to guess against, while a seized device costs its thief an Argon2id
// run per guess — the same as the local key store always did.
import { expectLength } from '../primitives/bytes.js';
import { ACCOUNT_KEY_BYTES } from '../identity/two-secret-keys.js';
import {
  USER_PASSPHRASE_COST,
  openKeyStoreWithPassphrase,
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
