// An account's long-term identity: an Ed25519 signing key and a separate X25519 key
// signed by it. Derived from handle + passphrase with Argon2id so a fresh browser can
// log in with those alone; the parameters are fixed here so a server cannot weaken them.
import { concatBytes, expectLength, randomBytes, transcript, utf8, wipe } from './bytes.js';
import { CryptoError } from './errors.js';
import { hkdf } from './hkdf.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  ed25519KeyPair,
  ed25519KeyPairFromSeed,
  sign,
  verify,
  x25519KeyPair,
  x25519KeyPairFromSecret,
  type KeyPair,
} from './primitives.js';
import { sodium } from './sodium.js';

/**
 * Argon2id cost, above OWASP's minimum (m = 19 MiB, t = 2): 64 MiB, 3 passes.
 * Changing these changes every derived key: it needs a new KDF version, not an edit.
 */
export const PASSPHRASE_KDF = {
  version: 1,
  opsLimit: 3,
  memLimitBytes: 64 * 1024 * 1024,
  saltBytes: 16,
} as const;

export const PASSPHRASE_MIN_LENGTH = 12;

export interface Identity {
  readonly signing: KeyPair;
  readonly exchange: KeyPair;
  /** Ed25519 signature by `signing` over the X25519 public key (see `exchangeKeyTranscript`). */
  readonly exchangeSignature: Uint8Array;
}

export interface PublicIdentity {
  readonly signingKey: Uint8Array;
  readonly exchangeKey: Uint8Array;
  readonly exchangeSignature: Uint8Array;
}

/** Keys derived from a passphrase: the identity plus a separate key for the local key store. */
export interface PassphraseKeys {
  readonly identity: Identity;
  readonly storageKey: Uint8Array;
}

function exchangeKeyTranscript(exchangeKey: Uint8Array): Uint8Array {
  return transcript('kolokol/v1/identity/exchange-key', exchangeKey);
}

function identityFrom(signing: KeyPair, exchange: KeyPair): Identity {
  return {
    signing,
    exchange,
    exchangeSignature: sign(signing.secretKey, exchangeKeyTranscript(exchange.publicKey)),
  };
}

export function newPassphraseSalt(): Uint8Array {
  return randomBytes(PASSPHRASE_KDF.saltBytes);
}

/**
 * Argon2id(passphrase, salt) → HKDF with the handle in `info` → independent Ed25519 seed,
 * X25519 secret and storage key. Slow on purpose (≈ 0.4 s).
 */
export function derivePassphraseKeys(
  handle: string,
  passphrase: string,
  salt: Uint8Array,
): PassphraseKeys {
  expectLength(salt, PASSPHRASE_KDF.saltBytes, 'passphrase salt');
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new CryptoError(
      'BAD_KEY',
      `passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters`,
    );
  }
  const master = sodium.crypto_pwhash(
    32,
    utf8(passphrase.normalize('NFKC')),
    salt,
    PASSPHRASE_KDF.opsLimit,
    PASSPHRASE_KDF.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  const handleBytes = utf8(handle);
  const okm = hkdf(master, salt, transcript('kolokol/v1/passphrase-keys', handleBytes), 96);
  wipe(master);
  const signing = ed25519KeyPairFromSeed(okm.slice(0, 32));
  const exchange = x25519KeyPairFromSecret(okm.slice(32, 64));
  const storageKey = okm.slice(64, 96);
  wipe(okm);
  return { identity: identityFrom(signing, exchange), storageKey };
}

/** A random identity (for devices and tests that do not derive from a passphrase). */
export function generateIdentity(): Identity {
  return identityFrom(ed25519KeyPair(), x25519KeyPair());
}

export function publicIdentity(identity: Identity): PublicIdentity {
  return {
    signingKey: identity.signing.publicKey,
    exchangeKey: identity.exchange.publicKey,
    exchangeSignature: identity.exchangeSignature,
  };
}

/** True when the lengths are right and the X25519 key is signed by the Ed25519 key. */
export function verifyPublicIdentity(identity: PublicIdentity): boolean {
  return (
    identity.signingKey.length === ED25519_PUBLIC_KEY_BYTES &&
    identity.exchangeKey.length === X25519_KEY_BYTES &&
    identity.exchangeSignature.length === ED25519_SIGNATURE_BYTES &&
    verify(
      identity.signingKey,
      exchangeKeyTranscript(identity.exchangeKey),
      identity.exchangeSignature,
    )
  );
}

/** Bytes that identify a public identity as a whole (for fingerprints and associated data). */
export function encodePublicIdentity(identity: PublicIdentity): Uint8Array {
  return concatBytes(identity.signingKey, identity.exchangeKey);
}
