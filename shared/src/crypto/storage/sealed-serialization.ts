// The steps every serialization sealed in the key store shares (the identity backup, a session, the
// prekey store): the plaintext holds secrets, so it is wiped once sealed, and once parsed whether
// or not parsing succeeded.
import { wipe } from '../primitives/bytes.js';
import {
  openKeyStore,
  sealKeyStore,
  type KeyStoreBinding,
  type KeyStoreExpectation,
} from './key-store.js';

/** sealKeyStore, then wipes `plaintext`. */
export function sealSerialization(
  storageKey: Uint8Array,
  binding: KeyStoreBinding,
  plaintext: Uint8Array,
): Uint8Array {
  try {
    return sealKeyStore(storageKey, binding, plaintext);
  } finally {
    wipe(plaintext);
  }
}

/** openKeyStore (its errors unchanged), then `parse` over the plaintext, which is wiped afterwards. */
export function openSerialization<T>(
  storageKey: Uint8Array,
  blob: Uint8Array,
  expected: KeyStoreExpectation,
  parse: (plaintext: Uint8Array) => T,
): { value: T; generation: number } {
  const { plaintext, generation } = openKeyStore(storageKey, blob, expected);
  try {
    return { value: parse(plaintext), generation };
  } finally {
    wipe(plaintext);
  }
}
