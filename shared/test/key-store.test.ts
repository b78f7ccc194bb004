// The local key store opens only with the right key or passphrase, refuses any altered byte,
// and refuses formats it does not know rather than guessing.
import { describe, expect, it } from 'vitest';
import { FORMAT_HEADER_BYTES, FORMAT_VERSION, SUITE } from '../src/crypto/format.js';
import { derivePassphraseKeys, newPassphraseSalt } from '../src/crypto/identity.js';
import {
  KEY_STORE_KDF,
  STORAGE_KEY_BYTES,
  keyStoreKind,
  openKeyStore,
  openKeyStoreWithPassphrase,
  sealKeyStore,
  sealKeyStoreWithPassphrase,
} from '../src/crypto/key-store.js';
import { sodium } from '../src/crypto/sodium.js';
import { reasonOf } from './reason-of.js';

const PASSPHRASE = 'a long passphrase for the key store';
const secrets = sodium.from_string('{"identity":"…","sessions":[]}');

describe('sealKeyStore / openKeyStore (storage key)', () => {
  const storageKey = sodium.randombytes_buf(STORAGE_KEY_BYTES);
  const blob = sealKeyStore(storageKey, secrets);

  it('round-trips, with a fresh nonce every time', () => {
    expect(openKeyStore(storageKey, blob)).toEqual(secrets);
    expect(keyStoreKind(blob)).toBe('storage-key');
    expect(sealKeyStore(storageKey, secrets)).not.toEqual(blob);
    expect(openKeyStore(storageKey, sealKeyStore(storageKey, new Uint8Array(0)))).toEqual(
      new Uint8Array(0),
    );
  });

  it('works with the storage key derivePassphraseKeys yields (one Argon2 run)', () => {
    const salt = newPassphraseSalt();
    const { storageKey: derived } = derivePassphraseKeys('anna', PASSPHRASE, salt);
    const sealed = sealKeyStore(derived, secrets);
    expect(openKeyStore(derived, sealed)).toEqual(secrets);
  });

  it('gives WRONG_PASSPHRASE for another key', () => {
    const other = sodium.randombytes_buf(STORAGE_KEY_BYTES);
    expect(reasonOf(() => openKeyStore(other, blob))).toBe('WRONG_PASSPHRASE');
  });

  it('refuses every flipped byte, and never returns altered content', () => {
    for (let i = 0; i < blob.length; i += 1) {
      const tampered = blob.slice();
      tampered[i]! ^= 0x01;
      const reason = reasonOf(() => openKeyStore(storageKey, tampered));
      if (i < 2) expect(reason).toBe('MALFORMED');
      else if (i < FORMAT_HEADER_BYTES) expect(reason).toBe('UNSUPPORTED_VERSION');
      else if (i === FORMAT_HEADER_BYTES)
        expect(['UNSUPPORTED_VERSION', 'MALFORMED']).toContain(reason);
      else expect(reason, `byte ${i}`).toBe('WRONG_PASSPHRASE');
    }
  });

  it('refuses an unknown version, suite or KDF with UNSUPPORTED_VERSION', () => {
    const future = blob.slice();
    future[2] = FORMAT_VERSION + 1;
    expect(reasonOf(() => openKeyStore(storageKey, future))).toBe('UNSUPPORTED_VERSION');
    const otherSuite = blob.slice();
    otherSuite[3] = SUITE.sessionState;
    expect(reasonOf(() => openKeyStore(storageKey, otherSuite))).toBe('UNSUPPORTED_VERSION');
    const unknownKdf = blob.slice();
    unknownKdf[FORMAT_HEADER_BYTES] = 0x7f;
    expect(reasonOf(() => openKeyStore(storageKey, unknownKdf))).toBe('UNSUPPORTED_VERSION');
    expect(reasonOf(() => keyStoreKind(unknownKdf))).toBe('UNSUPPORTED_VERSION');
  });

  it('refuses truncation and a wrong-length key', () => {
    expect(reasonOf(() => openKeyStore(storageKey, blob.subarray(0, 20)))).toBe('MALFORMED');
    expect(reasonOf(() => openKeyStore(storageKey, blob.subarray(0, blob.length - 1)))).toBe(
      'WRONG_PASSPHRASE',
    );
    expect(reasonOf(() => openKeyStore(storageKey.subarray(1), blob))).toBe('BAD_LENGTH');
    expect(reasonOf(() => sealKeyStore(storageKey.subarray(1), secrets))).toBe('BAD_LENGTH');
  });
});

describe('sealKeyStoreWithPassphrase (Argon2id in the blob; four runs)', () => {
  const blob = sealKeyStoreWithPassphrase(PASSPHRASE, secrets);

  it('round-trips and says which opener it needs', () => {
    expect(keyStoreKind(blob)).toBe('passphrase');
    expect(blob[FORMAT_HEADER_BYTES]).toBe(KEY_STORE_KDF.passphraseArgon2idV1);
    expect(openKeyStoreWithPassphrase(PASSPHRASE, blob)).toEqual(secrets);
  });

  it('gives WRONG_PASSPHRASE for a wrong or too-short passphrase', () => {
    expect(reasonOf(() => openKeyStoreWithPassphrase(`${PASSPHRASE}!`, blob))).toBe(
      'WRONG_PASSPHRASE',
    );
    expect(reasonOf(() => openKeyStoreWithPassphrase('short', blob))).toBe('WRONG_PASSPHRASE');
  });

  it('refuses an altered salt (authenticated, and it changes the key)', () => {
    const tampered = blob.slice();
    tampered[FORMAT_HEADER_BYTES + 1]! ^= 0x01;
    expect(reasonOf(() => openKeyStoreWithPassphrase(PASSPHRASE, tampered))).toBe(
      'WRONG_PASSPHRASE',
    );
  });

  it('will not open with the other kind of key, nor seal under a short passphrase', () => {
    expect(reasonOf(() => openKeyStore(new Uint8Array(STORAGE_KEY_BYTES), blob))).toBe('MALFORMED');
    const storageBlob = sealKeyStore(new Uint8Array(STORAGE_KEY_BYTES).fill(1), secrets);
    expect(reasonOf(() => openKeyStoreWithPassphrase(PASSPHRASE, storageBlob))).toBe('MALFORMED');
    expect(reasonOf(() => sealKeyStoreWithPassphrase('short', secrets))).toBe('BAD_KEY');
  });
});
