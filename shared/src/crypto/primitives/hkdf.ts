// HKDF-SHA-256 (RFC 5869) and HMAC-SHA-256, built from libsodium's incremental HMAC
// because the npm build of libsodium exposes no HKDF of its own.
import { CryptoError } from './errors.js';
import { sodium } from './sodium.js';

export const SHA256_BYTES = 32;
const MAX_OUTPUT = 255 * SHA256_BYTES;

export function hmacSha256(key: Uint8Array, ...messages: readonly Uint8Array[]): Uint8Array {
  const state = sodium.crypto_auth_hmacsha256_init(key);
  for (const message of messages) sodium.crypto_auth_hmacsha256_update(state, message);
  return sodium.crypto_auth_hmacsha256_final(state);
}

export function hkdfExtract(salt: Uint8Array, inputKeyMaterial: Uint8Array): Uint8Array {
  // RFC 5869 §2.2: an absent salt is HashLen zero bytes.
  const key = salt.length === 0 ? new Uint8Array(SHA256_BYTES) : salt;
  return hmacSha256(key, inputKeyMaterial);
}

export function hkdfExpand(
  pseudoRandomKey: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  if (pseudoRandomKey.length < SHA256_BYTES) {
    throw new CryptoError('BAD_LENGTH', `HKDF PRK must be at least ${SHA256_BYTES} bytes`);
  }
  if (!Number.isInteger(length) || length < 1 || length > MAX_OUTPUT) {
    throw new CryptoError('BAD_LENGTH', `HKDF output must be 1..${MAX_OUTPUT} bytes`);
  }
  const out = new Uint8Array(length);
  let previous: Uint8Array = new Uint8Array(0);
  for (let block = 1, offset = 0; offset < length; block += 1) {
    previous = hmacSha256(pseudoRandomKey, previous, info, Uint8Array.of(block));
    out.set(previous.subarray(0, Math.min(SHA256_BYTES, length - offset)), offset);
    offset += SHA256_BYTES;
  }
  return out;
}

export function hkdf(
  inputKeyMaterial: Uint8Array,
  salt: Uint8Array,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return hkdfExpand(hkdfExtract(salt, inputKeyMaterial), info, length);
}
