// X-Wing (draft-connolly-cfrg-xwing-kem), the hybrid KEM of X25519 and ML-KEM-768 that envelope
// prekeys use: secure while either part is. Checked wrappers over libsodium's crypto_kem_xwing_*,
// with every random input (the key seed, the encapsulation seed) drawn through randomBytes.
import { expectLength, randomBytes, wipe } from './bytes.js';
import { CryptoError } from './errors.js';
import { sodium } from './sodium.js';

export const XWING_PUBLIC_KEY_BYTES: number = sodium.crypto_kem_xwing_PUBLICKEYBYTES;
/** The decapsulation key is the 32-byte seed itself (the draft expands it with SHAKE256 on use). */
export const XWING_SECRET_KEY_BYTES: number = sodium.crypto_kem_xwing_SECRETKEYBYTES;
export const XWING_CIPHERTEXT_BYTES: number = sodium.crypto_kem_xwing_CIPHERTEXTBYTES;
export const XWING_SHARED_SECRET_BYTES: number = sodium.crypto_kem_xwing_SHAREDSECRETBYTES;
/** EncapsulateDerand's eseed: ML-KEM's m (32) ‖ the X25519 ephemeral secret (32). */
export const XWING_ENCAPSULATION_SEED_BYTES = 64;

export interface XWingKeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface XWingEncapsulation {
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/** GenerateKeyPairDerand(sk): the key pair a 32-byte seed (the decapsulation key) determines. */
export function xwingKeyPairFromSeed(seed: Uint8Array): XWingKeyPair {
  expectLength(seed, XWING_SECRET_KEY_BYTES, 'X-Wing seed');
  const { publicKey, privateKey } = sodium.crypto_kem_xwing_seed_keypair(seed);
  return { publicKey, secretKey: privateKey };
}

export function xwingKeyPair(): XWingKeyPair {
  const seed = randomBytes(XWING_SECRET_KEY_BYTES);
  try {
    return xwingKeyPairFromSeed(seed);
  } finally {
    wipe(seed);
  }
}

/** Encapsulate(pk): EncapsulateDerand with a fresh eseed from randomBytes, wiped afterwards. */
export function xwingEncapsulate(publicKey: Uint8Array): XWingEncapsulation {
  const eseed = randomBytes(XWING_ENCAPSULATION_SEED_BYTES);
  try {
    return xwingEncapsulateDeterministic(publicKey, eseed);
  } finally {
    wipe(eseed);
  }
}

/**
 * EncapsulateDerand(pk, eseed) (draft §5.4.1): for known-answer tests, and for xwingEncapsulate.
 * BAD_KEY when the ML-KEM half fails FIPS 203's encapsulation key check (a coefficient not
 * reduced modulo q).
 */
export function xwingEncapsulateDeterministic(
  publicKey: Uint8Array,
  eseed: Uint8Array,
): XWingEncapsulation {
  expectLength(publicKey, XWING_PUBLIC_KEY_BYTES, 'X-Wing public key');
  expectLength(eseed, XWING_ENCAPSULATION_SEED_BYTES, 'X-Wing encapsulation seed');
  let encapsulation: XWingEncapsulation;
  try {
    encapsulation = sodium.crypto_kem_xwing_enc_deterministic(publicKey, eseed);
  } catch {
    throw new CryptoError('BAD_KEY', 'X-Wing public key is unusable');
  }
  return { ciphertext: encapsulation.ciphertext, sharedSecret: encapsulation.sharedSecret };
}

/**
 * Decapsulate(ct, sk). X-Wing rejects implicitly: a ciphertext made for another key yields an
 * unrelated secret rather than an error, so callers must authenticate what they derive from it.
 */
export function xwingDecapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
  expectLength(ciphertext, XWING_CIPHERTEXT_BYTES, 'X-Wing ciphertext');
  expectLength(secretKey, XWING_SECRET_KEY_BYTES, 'X-Wing secret key');
  try {
    return sodium.crypto_kem_xwing_dec(ciphertext, secretKey);
  } catch {
    throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  }
}
