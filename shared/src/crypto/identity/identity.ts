// An account's long-term identity — an Ed25519 signing key and a separate X25519 key signed by
// it — is random, never derived from the passphrase: published keys derived from a passphrase
// would let anyone who fetches them (with the salt) guess the passphrase offline. The passphrase
// and the account key (two-secret-keys.ts) yield only an Ed25519 authentication key, whose public
// half the server alone holds, and a storage key that seals the identity into a backup the server
// keeps, so a fresh browser logs in with handle + passphrase + account key.
import { concatBytes, equalBytes, expectLength, transcript, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SECRET_KEY_BYTES,
  ED25519_SEED_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  ed25519KeyPair,
  sign,
  verify,
  x25519KeyPair,
  x25519KeyPairFromSecret,
  type KeyPair,
} from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';

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

/** A new random identity, created once per account and kept in the sealed identity backup. */
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

/**
 * Rebuilds an identity from its two secret keys, checking the exchange-key signature. The
 * Ed25519 public key is recomputed from the seed (the first 32 bytes of the secret key) and must
 * equal the stored copy in the last 32 bytes, else BAD_KEY: Ed25519 signing hashes the stored
 * public key, so a secret key carrying another public key would sign with a mismatched key and
 * two such signatures of one message leak the seed.
 */
export function identityFromSecrets(
  signingSecretKey: Uint8Array,
  exchangeSecretKey: Uint8Array,
  exchangeSignature: Uint8Array,
): Identity {
  expectLength(signingSecretKey, ED25519_SECRET_KEY_BYTES, 'Ed25519 secret key');
  const recomputed = sodium.crypto_sign_seed_keypair(
    signingSecretKey.subarray(0, ED25519_SEED_BYTES),
  );
  wipe(recomputed.privateKey);
  if (!equalBytes(recomputed.publicKey, signingSecretKey.subarray(ED25519_SEED_BYTES))) {
    throw new CryptoError('BAD_KEY', 'signing secret key does not match its public key');
  }
  const signing = { publicKey: recomputed.publicKey, secretKey: signingSecretKey };
  const exchange = x25519KeyPairFromSecret(exchangeSecretKey);
  const identity = { signing, exchange, exchangeSignature };
  if (!verifyPublicIdentity(publicIdentity(identity))) {
    throw new CryptoError(
      'BAD_SIGNATURE',
      'identity exchange key is not signed by its signing key',
    );
  }
  return identity;
}

/** Bytes that identify a public identity as a whole (for fingerprints and associated data). */
export function encodePublicIdentity(identity: PublicIdentity): Uint8Array {
  return concatBytes(identity.signingKey, identity.exchangeKey);
}
