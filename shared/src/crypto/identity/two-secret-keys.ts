// Two-secret key derivation (after 1Password's 2SKD): the login key and the storage key come from
// the passphrase AND a random 128-bit account key that never leaves the user's devices and
// recovery kit. Nothing the server stores (salt, login public key, sealed backup) lets it test a
// passphrase guess without the account key, and the Argon2id salt is bound on the client to the
// deployment and the canonical handle, so a server that serves one salt to many users still pays
// one Argon2id run per guess per user. Argon2id parameters are fixed here so a server cannot
// weaken them.
import { handleSchema } from '../../protocol/common.js';
import { expectLength, randomBytes, transcript, utf8, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { hkdf, hmacSha256 } from '../primitives/hkdf.js';
import { ed25519KeyPairFromSeed, type KeyPair } from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';

/**
 * The account-key derivation, version 2. Argon2id cost above OWASP's minimum (m = 19 MiB, t = 2):
 * 64 MiB, 3 passes. Changing any of this changes every derived key: it needs a new version (new
 * labels), not an edit. Version 1 (`kolokol/v1/passphrase-keys`: passphrase alone, handle only
 * after Argon2id) is retired: no client derives it.
 */
export const PASSPHRASE_KDF = {
  version: 2,
  opsLimit: 3,
  memLimitBytes: 64 * 1024 * 1024,
  /** The salt the server stores and serves (chosen by the client at registration and rekey). */
  saltBytes: 16,
} as const;

/** The random second secret: 128 bits, made on the first device, shown once as the recovery kit. */
export const ACCOUNT_KEY_BYTES = 16;

/**
 * Shortest passphrase any Kolokol code accepts (JavaScript string length, before normalisation).
 * A floor only: a new account passphrase must also pass the strength estimator
 * (recovery/passphrase-strength.ts).
 */
export const PASSPHRASE_MIN_LENGTH = 12;
/** Longest account passphrase: bounds the normalisation, HMAC and estimator work on user input. */
export const PASSPHRASE_MAX_LENGTH = 1024;

/** A deployment id: 1–64 printable ASCII characters without space, pinned in the client build. */
const DEPLOYMENT_PATTERN = /^[\x21-\x7e]{1,64}$/;
export const MAX_DEPLOYMENT_BYTES = 64;

/** Keys derived from the two secrets. The authentication public key goes to the server only. */
export interface TwoSecretKeys {
  readonly authentication: KeyPair;
  /** Seals the identity backup (and the device's storage-key key-store blobs). */
  readonly storageKey: Uint8Array;
}

export interface TwoSecretInput {
  /** The deployment id from the client build (`TrustConfiguration.deployment`). */
  readonly deployment: string;
  /** The canonical handle (what `handleSchema` returns). */
  readonly handle: string;
  readonly passphrase: string;
  /** The 16-byte account key. */
  readonly accountKey: Uint8Array;
  /** The 16-byte salt the server serves for this account. */
  readonly salt: Uint8Array;
}

/** Checks a deployment id and returns it; MALFORMED otherwise. */
export function checkDeployment(deployment: string): string {
  if (typeof deployment !== 'string' || !DEPLOYMENT_PATTERN.test(deployment)) {
    throw new CryptoError('MALFORMED', 'deployment id must be 1–64 printable ASCII characters');
  }
  return deployment;
}

/** Checks that a handle is canonical (trimmed, lower-cased, valid) and returns it; MALFORMED otherwise. */
export function checkCanonicalHandle(handle: string): string {
  const parsed = handleSchema.safeParse(handle);
  if (!parsed.success || parsed.data !== handle) {
    throw new CryptoError('MALFORMED', 'handle must be canonical (see handleSchema)');
  }
  return handle;
}

/** A fresh random account key (registration, or rotation with `account.rekey`). */
export function newAccountKey(): Uint8Array {
  return randomBytes(ACCOUNT_KEY_BYTES);
}

/** A fresh random salt for the server to store and serve (registration, or `account.rekey`). */
export function newPassphraseSalt(): Uint8Array {
  return randomBytes(PASSPHRASE_KDF.saltBytes);
}

/**
 * The two Argon2id inputs, exposed so tests can show what binds them:
 *
 *   argonSalt     = HKDF(salt, ∅, transcript("kolokol/v2/passphrase-keys/salt", deployment, handle), 16)
 *   argonPassword = HMAC-SHA-256(accountKey, transcript("kolokol/v2/passphrase-keys/passphrase", NFKC(passphrase)))
 *
 * The caller wipes `argonPassword`.
 */
export function twoSecretKdfInputs(input: TwoSecretInput): {
  argonSalt: Uint8Array;
  argonPassword: Uint8Array;
} {
  const deployment = utf8(checkDeployment(input.deployment));
  const handle = utf8(checkCanonicalHandle(input.handle));
  expectLength(input.salt, PASSPHRASE_KDF.saltBytes, 'passphrase salt');
  expectLength(input.accountKey, ACCOUNT_KEY_BYTES, 'account key');
  if (input.passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new CryptoError(
      'BAD_KEY',
      `passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters`,
    );
  }
  if (input.passphrase.length > PASSPHRASE_MAX_LENGTH) {
    throw new CryptoError(
      'BAD_LENGTH',
      `passphrase must be at most ${PASSPHRASE_MAX_LENGTH} characters`,
    );
  }
  const argonSalt = hkdf(
    input.salt,
    new Uint8Array(0),
    transcript('kolokol/v2/passphrase-keys/salt', deployment, handle),
    PASSPHRASE_KDF.saltBytes,
  );
  const passphrase = transcript(
    'kolokol/v2/passphrase-keys/passphrase',
    utf8(input.passphrase.normalize('NFKC')),
  );
  const argonPassword = hmacSha256(input.accountKey, passphrase);
  wipe(passphrase);
  return { argonSalt, argonPassword };
}

/**
 * Argon2id over the two secrets, then HKDF into an Ed25519 login seed and a storage key:
 *
 *   master = Argon2id(argonPassword, argonSalt, 3 passes, 64 MiB) → 32 bytes
 *   okm    = HKDF(master, argonSalt, transcript("kolokol/v2/passphrase-keys", deployment, handle), 64)
 *
 * Slow on purpose (≈ 0.3 s). Checks only lengths and the 12-character floor: strength is checked
 * when a passphrase is chosen (prepareRegistration, prepareRekey), never at login.
 */
export function deriveTwoSecretKeys(input: TwoSecretInput): TwoSecretKeys {
  const { argonSalt, argonPassword } = twoSecretKdfInputs(input);
  const master = sodium.crypto_pwhash(
    32,
    argonPassword,
    argonSalt,
    PASSPHRASE_KDF.opsLimit,
    PASSPHRASE_KDF.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
  wipe(argonPassword);
  return finishTwoSecretKeys(master, argonSalt, input);
}

/**
 * The step after Argon2id; exported for the served-salt test, which shows that one Argon2id
 * output finished for another handle or deployment gives nothing that account would accept.
 * Wipes `master`.
 */
export function finishTwoSecretKeys(
  master: Uint8Array,
  argonSalt: Uint8Array,
  binding: { readonly deployment: string; readonly handle: string },
): TwoSecretKeys {
  const info = transcript(
    'kolokol/v2/passphrase-keys',
    utf8(checkDeployment(binding.deployment)),
    utf8(checkCanonicalHandle(binding.handle)),
  );
  const okm = hkdf(master, argonSalt, info, 64);
  wipe(master);
  const authentication = ed25519KeyPairFromSeed(okm.slice(0, 32));
  const storageKey = okm.slice(32, 64);
  wipe(okm);
  return { authentication, storageKey };
}
