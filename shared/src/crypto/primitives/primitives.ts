// Checked wrappers over the libsodium primitives Kolokol uses: X25519, Ed25519 and
// XChaCha20-Poly1305-IETF (the only AEAD). Lengths are checked against named constants
// before any call, and failures surface as CryptoError, never as a libsodium string.
import { expectLength, randomBytes } from './bytes.js';
import { CryptoError } from './errors.js';
import { sodium } from './sodium.js';

export const X25519_KEY_BYTES = 32;
export const ED25519_PUBLIC_KEY_BYTES = 32;
export const ED25519_SECRET_KEY_BYTES = 64;
export const ED25519_SEED_BYTES = 32;
export const ED25519_SIGNATURE_BYTES = 64;
export const AEAD_KEY_BYTES = 32;
export const AEAD_NONCE_BYTES = 24;
export const AEAD_TAG_BYTES = 16;

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export function x25519KeyPair(): KeyPair {
  const secretKey = randomBytes(X25519_KEY_BYTES);
  return { publicKey: sodium.crypto_scalarmult_base(secretKey), secretKey };
}

export function x25519KeyPairFromSecret(secretKey: Uint8Array): KeyPair {
  expectLength(secretKey, X25519_KEY_BYTES, 'X25519 secret key');
  return { publicKey: sodium.crypto_scalarmult_base(secretKey), secretKey };
}

/** X25519 with the all-zero output (a low-order peer key) rejected, per RFC 7748 §6.1. */
export function x25519(secretKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  expectLength(secretKey, X25519_KEY_BYTES, 'X25519 secret key');
  expectLength(publicKey, X25519_KEY_BYTES, 'X25519 public key');
  let shared: Uint8Array;
  try {
    shared = sodium.crypto_scalarmult(secretKey, publicKey);
  } catch {
    // libsodium itself refuses an all-zero result.
    throw new CryptoError('BAD_KEY', 'X25519 produced a low-order result');
  }
  if (sodium.is_zero(shared))
    throw new CryptoError('BAD_KEY', 'X25519 produced a low-order result');
  return shared;
}

export function ed25519KeyPair(): KeyPair {
  const { publicKey, privateKey } = sodium.crypto_sign_seed_keypair(
    randomBytes(ED25519_SEED_BYTES),
  );
  return { publicKey, secretKey: privateKey };
}

export function ed25519KeyPairFromSeed(seed: Uint8Array): KeyPair {
  expectLength(seed, ED25519_SEED_BYTES, 'Ed25519 seed');
  const { publicKey, privateKey } = sodium.crypto_sign_seed_keypair(seed);
  return { publicKey, secretKey: privateKey };
}

export function sign(secretKey: Uint8Array, message: Uint8Array): Uint8Array {
  expectLength(secretKey, ED25519_SECRET_KEY_BYTES, 'Ed25519 secret key');
  return sodium.crypto_sign_detached(message, secretKey);
}

/** Verifies a detached Ed25519 signature; false for any malformed input rather than throwing. */
export function verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_BYTES) return false;
  if (signature.length !== ED25519_SIGNATURE_BYTES) return false;
  try {
    return sodium.crypto_sign_verify_detached(signature, message, publicKey);
  } catch {
    return false;
  }
}

export function aeadEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  expectLength(key, AEAD_KEY_BYTES, 'AEAD key');
  expectLength(nonce, AEAD_NONCE_BYTES, 'AEAD nonce');
  return sodium.crypto_aead_xchacha20poly1305_ietf_encrypt(
    plaintext,
    associatedData,
    null,
    nonce,
    key,
  );
}

/** Decrypts and authenticates; any failure is DECRYPT_FAILED with no detail. */
export function aeadDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  expectLength(key, AEAD_KEY_BYTES, 'AEAD key');
  expectLength(nonce, AEAD_NONCE_BYTES, 'AEAD nonce');
  if (ciphertext.length < AEAD_TAG_BYTES)
    throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  try {
    return sodium.crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      ciphertext,
      associatedData,
      nonce,
      key,
    );
  } catch {
    throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  }
}
