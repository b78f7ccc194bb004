// The identity backup: an account's random identity secrets sealed under the passphrase-derived
// storage key (key-store.ts), kept by the server and returned only after a login signed with the
// passphrase-derived authentication key. The server sees ciphertext and the format header only.
import { concatBytes, wipe } from './bytes.js';
import { CryptoError } from './errors.js';
import { identityFromSecrets, type Identity } from './identity.js';
import { openKeyStore, sealKeyStore } from './key-store.js';
import {
  ED25519_SECRET_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
} from './primitives.js';

const BACKUP_VERSION = 1;
const BACKUP_BYTES = 1 + ED25519_SECRET_KEY_BYTES + X25519_KEY_BYTES + ED25519_SIGNATURE_BYTES;

export function sealIdentityBackup(storageKey: Uint8Array, identity: Identity): Uint8Array {
  const plaintext = concatBytes(
    Uint8Array.of(BACKUP_VERSION),
    identity.signing.secretKey,
    identity.exchange.secretKey,
    identity.exchangeSignature,
  );
  try {
    return sealKeyStore(storageKey, plaintext);
  } finally {
    wipe(plaintext);
  }
}

/** The identity in a backup; WRONG_PASSPHRASE for another storage key, MALFORMED for anything else. */
export function openIdentityBackup(storageKey: Uint8Array, backup: Uint8Array): Identity {
  const plaintext = openKeyStore(storageKey, backup);
  try {
    if (plaintext.length !== BACKUP_BYTES)
      throw new CryptoError('MALFORMED', 'not an identity backup');
    if (plaintext[0] !== BACKUP_VERSION)
      throw new CryptoError('UNSUPPORTED_VERSION', 'unknown identity backup version');
    let offset = 1;
    const take = (length: number) => plaintext.slice(offset, (offset += length));
    return identityFromSecrets(
      take(ED25519_SECRET_KEY_BYTES),
      take(X25519_KEY_BYTES),
      take(ED25519_SIGNATURE_BYTES),
    );
  } finally {
    wipe(plaintext);
  }
}
