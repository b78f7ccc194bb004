// The local key store: keys and session state sealed under a passphrase-derived key with
// XChaCha20-Poly1305, so the blob can sit in IndexedDB or on the server without exposing anything.
import { concatBytes, expectLength, randomBytes, transcript, utf8, wipe } from './bytes.js';
import { ByteReader } from './byte-reader.js';
import { CryptoError } from './errors.js';
import { FORMAT_HEADER_BYTES, SUITE, formatHeader, label, readFormatHeader } from './format.js';
import { hkdf } from './hkdf.js';
import { PASSPHRASE_KDF, PASSPHRASE_MIN_LENGTH } from './identity.js';
import {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadDecrypt,
  aeadEncrypt,
} from './primitives.js';
import { sodium } from './sodium.js';

/**
 * How a blob's key was obtained, stored in the authenticated prefix. Changing PASSPHRASE_KDF's
 * parameters needs a new id here, or blobs sealed before the change stop opening.
 */
export const KEY_STORE_KDF = {
  /** The `storageKey` from derivePassphraseKeys (Argon2id already ran at login). */
  storageKey: 0x01,
  /** Argon2id with PASSPHRASE_KDF version 1 over the passphrase and the blob's own random salt. */
  passphraseArgon2idV1: 0x02,
} as const;

export type KeyStoreKind = 'storage-key' | 'passphrase';

export const STORAGE_KEY_BYTES = 32;

const PREFIX_BYTES = FORMAT_HEADER_BYTES + 1;

/** Seals `plaintext` under the storage key derivePassphraseKeys yields (no second Argon2 run). */
export function sealKeyStore(storageKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  expectLength(storageKey, STORAGE_KEY_BYTES, 'storage key');
  const prefix = concatBytes(formatHeader(SUITE.keyStore), Uint8Array.of(KEY_STORE_KDF.storageKey));
  return sealWith(storageKey, prefix, plaintext);
}

/** Opens a blob made by sealKeyStore; a wrong key or any altered byte is WRONG_PASSPHRASE or worse, never partial output. */
export function openKeyStore(storageKey: Uint8Array, blob: Uint8Array): Uint8Array {
  expectLength(storageKey, STORAGE_KEY_BYTES, 'storage key');
  const reader = readPrefix(blob, KEY_STORE_KDF.storageKey);
  const prefix = blob.subarray(0, PREFIX_BYTES);
  return openWith(storageKey, prefix, reader);
}

/** Seals `plaintext` under Argon2id(passphrase, fresh random salt) with the fixed PASSPHRASE_KDF cost. */
export function sealKeyStoreWithPassphrase(passphrase: string, plaintext: Uint8Array): Uint8Array {
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new CryptoError(
      'BAD_KEY',
      `passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters`,
    );
  }
  const salt = randomBytes(PASSPHRASE_KDF.saltBytes);
  const prefix = concatBytes(
    formatHeader(SUITE.keyStore),
    Uint8Array.of(KEY_STORE_KDF.passphraseArgon2idV1),
    salt,
  );
  const master = passphraseKey(passphrase, salt);
  try {
    return sealWith(master, prefix, plaintext);
  } finally {
    wipe(master);
  }
}

/** Opens a blob made by sealKeyStoreWithPassphrase; a wrong passphrase is WRONG_PASSPHRASE. */
export function openKeyStoreWithPassphrase(passphrase: string, blob: Uint8Array): Uint8Array {
  const reader = readPrefix(blob, KEY_STORE_KDF.passphraseArgon2idV1);
  const salt = reader.take(PASSPHRASE_KDF.saltBytes);
  const prefix = blob.subarray(0, PREFIX_BYTES + PASSPHRASE_KDF.saltBytes);
  // Nothing this short can have sealed the blob; spare the user a slow Argon2 run.
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) throw wrongPassphrase();
  const master = passphraseKey(passphrase, salt);
  try {
    return openWith(master, prefix, reader);
  } finally {
    wipe(master);
  }
}

/** Which opener a blob needs, after checking its header; UNSUPPORTED_VERSION for unknown KDFs. */
export function keyStoreKind(blob: Uint8Array): KeyStoreKind {
  const kdf = readKdf(blob);
  return kdf === KEY_STORE_KDF.storageKey ? 'storage-key' : 'passphrase';
}

function sealWith(secret: Uint8Array, prefix: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const key = blobKey(secret, prefix);
  try {
    const nonce = randomBytes(AEAD_NONCE_BYTES);
    // The whole prefix (header, KDF id, salt) is associated data: none of it can be swapped.
    return concatBytes(prefix, nonce, aeadEncrypt(key, nonce, plaintext, prefix));
  } finally {
    wipe(key);
  }
}

function openWith(secret: Uint8Array, prefix: Uint8Array, reader: ByteReader): Uint8Array {
  const nonce = reader.take(AEAD_NONCE_BYTES);
  const ciphertext = reader.rest();
  if (ciphertext.length < AEAD_TAG_BYTES)
    throw new CryptoError('MALFORMED', 'key store is truncated');
  const key = blobKey(secret, prefix);
  try {
    return aeadDecrypt(key, nonce, ciphertext, prefix);
  } catch {
    throw wrongPassphrase();
  } finally {
    wipe(key);
  }
}

/** A per-blob-kind key, so the storage key is never used directly as an AEAD key. */
function blobKey(secret: Uint8Array, prefix: Uint8Array): Uint8Array {
  return hkdf(secret, new Uint8Array(0), transcript(label('key-store'), prefix), AEAD_KEY_BYTES);
}

function passphraseKey(passphrase: string, salt: Uint8Array): Uint8Array {
  return sodium.crypto_pwhash(
    AEAD_KEY_BYTES,
    utf8(passphrase.normalize('NFKC')),
    salt,
    PASSPHRASE_KDF.opsLimit,
    PASSPHRASE_KDF.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

function readKdf(blob: Uint8Array): number {
  readFormatHeader(blob, SUITE.keyStore);
  if (blob.length < PREFIX_BYTES) throw new CryptoError('MALFORMED', 'key store is truncated');
  const kdf = blob[FORMAT_HEADER_BYTES]!;
  if (kdf !== KEY_STORE_KDF.storageKey && kdf !== KEY_STORE_KDF.passphraseArgon2idV1) {
    throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported key store KDF');
  }
  return kdf;
}

function readPrefix(blob: Uint8Array, expectedKdf: number): ByteReader {
  if (readKdf(blob) !== expectedKdf) {
    throw new CryptoError('MALFORMED', 'key store was sealed with the other kind of key');
  }
  return new ByteReader(blob, PREFIX_BYTES);
}

function wrongPassphrase(): CryptoError {
  return new CryptoError('WRONG_PASSPHRASE', 'wrong passphrase, or the key store was altered');
}
