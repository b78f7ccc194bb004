// The local key store: keys and session state sealed with XChaCha20-Poly1305, so a blob can sit
// in IndexedDB, in a file or on the server without exposing anything. Every blob names its
// purpose and a generation in a header readable without the key, and is bound to one account
// through its associated data, so a blob cannot be passed off as another purpose or another
// account's, and an older copy cannot be restored over a newer one.
import {
  concatBytes,
  expectLength,
  randomBytes,
  transcript,
  utf8,
  wipe,
} from '../primitives/bytes.js';
import { ByteReader, U64_BYTES, u64be } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import {
  FORMAT_HEADER_BYTES,
  SUITE,
  formatHeader,
  label,
  readFormatHeader,
} from '../primitives/format.js';
import { hkdf } from '../primitives/hkdf.js';
import { PASSPHRASE_KDF, PASSPHRASE_MIN_LENGTH } from '../identity/two-secret-keys.js';
import {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadDecrypt,
  aeadEncrypt,
} from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';
import { isTestRun } from '../primitives/test-only.js';

/**
 * How a blob's key was obtained and how its header is laid out; the byte right after the format
 * header. Ids 0x01 and 0x02 were the first layout, without purpose, generation or stored Argon2id
 * cost; they are retired and refused (UNSUPPORTED_VERSION).
 */
export const KEY_STORE_KDF = {
  /** The `storageKey` from deriveTwoSecretKeys (Argon2id already ran at login). */
  storageKey: 0x03,
  /** Argon2id over the passphrase and the blob's own random salt, at the cost stored in the header. */
  passphraseArgon2id: 0x04,
} as const;

/** What a blob holds; stored in its header, checked on opening. */
export const KEY_STORE_PURPOSE = {
  'identity-backup': 0x01,
  session: 0x02,
  prekeys: 0x03,
  'root-key': 0x04,
  'revocation-signer': 0x05,
  'envelope-prekeys': 0x06,
  'account-key': 0x07,
  /** A client's own state beside its keys: conversations, outbox, history, pinned peers. */
  'client-state': 0x08,
  /** The salt a device's storage key was derived with, sealed under its account key (§3.2). */
  'device-salt': 0x09,
} as const;

export type KeyStorePurpose = keyof typeof KEY_STORE_PURPOSE;
export type KeyStoreKind = 'storage-key' | 'passphrase';

export const STORAGE_KEY_BYTES = 32;
/** Longest account binding (UTF-8 bytes); a canonical handle is far shorter. */
export const MAX_KEY_STORE_ACCOUNT_BYTES = 255;

/** An Argon2id cost: passes over memory and memory in bytes (a multiple of 1 KiB). */
export interface PassphraseCost {
  readonly opsLimit: number;
  readonly memLimitBytes: number;
}

/** The user-level cost (PASSPHRASE_KDF): the default, and the least a passphrase blob may be sealed with. */
export const USER_PASSPHRASE_COST: PassphraseCost = {
  opsLimit: PASSPHRASE_KDF.opsLimit,
  memLimitBytes: PASSPHRASE_KDF.memLimitBytes,
};

/**
 * Bounds on the cost a blob's header may name, so a hostile header cannot make the opener run
 * Argon2id for minutes or allocate more than the WebAssembly heap holds. Raising a blob's cost
 * within them needs no code change: the cost travels in the header.
 */
export const PASSPHRASE_COST_BOUNDS = {
  minOpsLimit: 1,
  maxOpsLimit: 10,
  minMemLimitBytes: 8 * 1024 * 1024,
  maxMemLimitBytes: 1024 * 1024 * 1024,
} as const;

/** What a blob is sealed for; all three go into its authenticated prefix or associated data. */
export interface KeyStoreBinding {
  readonly purpose: KeyStorePurpose;
  /**
   * Whose blob it is: the account's canonical handle (what handleSchema returns; known at
   * registration and at every login before any blob is open). Not stored in the blob: a wrong
   * account makes it fail to open like a wrong key.
   */
  readonly account: string;
  /** Monotonic: each new version of a blob gets a higher generation than every earlier one. */
  readonly generation: number;
}

/** What the opener expects; `minGeneration` is the highest generation it has already seen (0 for none). */
export interface KeyStoreExpectation {
  readonly purpose: KeyStorePurpose;
  readonly account: string;
  readonly minGeneration: number;
}

export interface OpenedKeyStore {
  readonly plaintext: Uint8Array;
  /** The blob's generation: record it, and pass it as `minGeneration` next time. */
  readonly generation: number;
}

/** The part of a blob's header readable without any key. */
export interface KeyStoreHeader {
  readonly kind: KeyStoreKind;
  readonly purpose: KeyStorePurpose;
  readonly generation: number;
  /** The Argon2id cost of a passphrase blob. */
  readonly cost?: PassphraseCost;
}

const KIND_BYTES = 1;
const PURPOSE_BYTES = 1;
const STORAGE_PREFIX_BYTES = FORMAT_HEADER_BYTES + KIND_BYTES + PURPOSE_BYTES + U64_BYTES;
const COST_BYTES = 8;
const PASSPHRASE_PREFIX_BYTES = STORAGE_PREFIX_BYTES + COST_BYTES + PASSPHRASE_KDF.saltBytes;

const weakTestCosts = new WeakSet<PassphraseCost>();

/**
 * A deliberately cheap Argon2id cost (1 pass, 8 MiB) that sealKeyStoreWithPassphrase accepts
 * below USER_PASSPHRASE_COST, so tests of the admin CLI need not spend 1 GiB per run. Throws
 * outside a test run (see isTestRun).
 */
export function dangerousTestOnlyWeakPassphraseCost(): PassphraseCost {
  if (!isTestRun()) {
    throw new CryptoError('BAD_KEY', 'a weak key-store cost is for tests only');
  }
  const cost = Object.freeze({
    opsLimit: PASSPHRASE_COST_BOUNDS.minOpsLimit,
    memLimitBytes: PASSPHRASE_COST_BOUNDS.minMemLimitBytes,
  });
  weakTestCosts.add(cost);
  return cost;
}

/** Seals `plaintext` under the storage key deriveTwoSecretKeys yields (no second Argon2 run). */
export function sealKeyStore(
  storageKey: Uint8Array,
  binding: KeyStoreBinding,
  plaintext: Uint8Array,
): Uint8Array {
  expectLength(storageKey, STORAGE_KEY_BYTES, 'storage key');
  checkAccount(binding.account);
  const prefix = commonPrefix(KEY_STORE_KDF.storageKey, binding);
  return sealWith(storageKey, prefix, binding.account, plaintext);
}

/**
 * Opens a blob made by sealKeyStore. Refuses another purpose (UNTRUSTED) and a generation below
 * `minGeneration` (REPLAY); a wrong key, a wrong account or any altered byte is WRONG_PASSPHRASE
 * or worse, never partial output.
 */
export function openKeyStore(
  storageKey: Uint8Array,
  blob: Uint8Array,
  expected: KeyStoreExpectation,
): OpenedKeyStore {
  expectLength(storageKey, STORAGE_KEY_BYTES, 'storage key');
  const { header, reader } = readHeader(blob, KEY_STORE_KDF.storageKey, expected);
  const plaintext = openWith(
    storageKey,
    blob.subarray(0, STORAGE_PREFIX_BYTES),
    expected.account,
    reader,
  );
  return { plaintext, generation: header.generation };
}

/**
 * Seals `plaintext` under Argon2id(passphrase, fresh random salt). The cost (default
 * USER_PASSPHRASE_COST, never less except dangerousTestOnlyWeakPassphraseCost) is stored in the
 * header, so it can be raised later without a new format.
 */
export function sealKeyStoreWithPassphrase(
  passphrase: string,
  binding: KeyStoreBinding,
  plaintext: Uint8Array,
  cost: PassphraseCost = USER_PASSPHRASE_COST,
): Uint8Array {
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new CryptoError(
      'BAD_KEY',
      `passphrase must be at least ${PASSPHRASE_MIN_LENGTH} characters`,
    );
  }
  checkAccount(binding.account);
  checkCost(cost);
  const weakerThanUser =
    cost.opsLimit < USER_PASSPHRASE_COST.opsLimit ||
    cost.memLimitBytes < USER_PASSPHRASE_COST.memLimitBytes;
  if (weakerThanUser && !weakTestCosts.has(cost)) {
    throw new CryptoError('BAD_KEY', 'key store cost is below the user-level Argon2id cost');
  }
  const salt = randomBytes(PASSPHRASE_KDF.saltBytes);
  const prefix = concatBytes(
    commonPrefix(KEY_STORE_KDF.passphraseArgon2id, binding),
    encodeCost(cost),
    salt,
  );
  const master = passphraseKey(passphrase, salt, cost);
  try {
    return sealWith(master, prefix, binding.account, plaintext);
  } finally {
    wipe(master);
  }
}

/** Opens a blob made by sealKeyStoreWithPassphrase, at the cost its header names; as openKeyStore otherwise. */
export function openKeyStoreWithPassphrase(
  passphrase: string,
  blob: Uint8Array,
  expected: KeyStoreExpectation,
): OpenedKeyStore {
  const { header, reader } = readHeader(blob, KEY_STORE_KDF.passphraseArgon2id, expected);
  reader.take(COST_BYTES);
  const salt = reader.take(PASSPHRASE_KDF.saltBytes);
  // Nothing this short can have sealed the blob; spare the user a slow Argon2 run.
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) throw wrongPassphrase();
  const master = passphraseKey(passphrase, salt, header.cost!);
  try {
    const plaintext = openWith(
      master,
      blob.subarray(0, PASSPHRASE_PREFIX_BYTES),
      expected.account,
      reader,
    );
    return { plaintext, generation: header.generation };
  } finally {
    wipe(master);
  }
}

/** Which opener a blob needs, after checking its header; UNSUPPORTED_VERSION for unknown or retired layouts. */
export function keyStoreKind(blob: Uint8Array): KeyStoreKind {
  return keyStoreHeader(blob).kind;
}

/**
 * The header of a blob, read without any key (e.g. by a server that keeps a sealed backup and
 * wants each upload's generation to exceed the last). It is authenticated only when the blob is
 * opened: until then it is the uploader's claim.
 */
export function keyStoreHeader(blob: Uint8Array): KeyStoreHeader {
  readFormatHeader(blob, SUITE.keyStore);
  if (blob.length < STORAGE_PREFIX_BYTES)
    throw new CryptoError('MALFORMED', 'key store is truncated');
  const reader = new ByteReader(blob, FORMAT_HEADER_BYTES);
  const kdf = reader.u8();
  if (kdf !== KEY_STORE_KDF.storageKey && kdf !== KEY_STORE_KDF.passphraseArgon2id) {
    throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported key store layout');
  }
  const purposeId = reader.u8();
  const purpose = (Object.keys(KEY_STORE_PURPOSE) as KeyStorePurpose[]).find(
    (name) => KEY_STORE_PURPOSE[name] === purposeId,
  );
  if (purpose === undefined)
    throw new CryptoError('UNSUPPORTED_VERSION', 'unknown key store purpose');
  const generation = reader.u64();
  if (kdf === KEY_STORE_KDF.storageKey) return { kind: 'storage-key', purpose, generation };
  if (blob.length < PASSPHRASE_PREFIX_BYTES)
    throw new CryptoError('MALFORMED', 'key store is truncated');
  const cost = { opsLimit: reader.u32(), memLimitBytes: reader.u32() * 1024 };
  if (!costWithinBounds(cost))
    throw new CryptoError('MALFORMED', 'key store names an Argon2id cost out of bounds');
  return { kind: 'passphrase', purpose, generation, cost };
}

function commonPrefix(kdf: number, binding: KeyStoreBinding): Uint8Array {
  checkGeneration(binding.generation);
  return concatBytes(
    formatHeader(SUITE.keyStore),
    Uint8Array.of(kdf, KEY_STORE_PURPOSE[binding.purpose]),
    u64be(binding.generation),
  );
}

function readHeader(
  blob: Uint8Array,
  kdf: number,
  expected: KeyStoreExpectation,
): { header: KeyStoreHeader; reader: ByteReader } {
  checkAccount(expected.account);
  checkGeneration(expected.minGeneration);
  const header = keyStoreHeader(blob);
  const wantedKind: KeyStoreKind = kdf === KEY_STORE_KDF.storageKey ? 'storage-key' : 'passphrase';
  if (header.kind !== wantedKind) {
    throw new CryptoError('MALFORMED', 'key store was sealed with the other kind of key');
  }
  if (header.purpose !== expected.purpose) {
    throw new CryptoError('UNTRUSTED', 'key store was sealed for another purpose');
  }
  // The header is authenticated below; an altered generation fails there, a lower one here.
  if (header.generation < expected.minGeneration) {
    throw new CryptoError('REPLAY', 'key store is older than one already opened');
  }
  return { header, reader: new ByteReader(blob, STORAGE_PREFIX_BYTES) };
}

function sealWith(
  secret: Uint8Array,
  prefix: Uint8Array,
  account: string,
  plaintext: Uint8Array,
): Uint8Array {
  const key = blobKey(secret, prefix);
  try {
    const nonce = randomBytes(AEAD_NONCE_BYTES);
    return concatBytes(
      prefix,
      nonce,
      aeadEncrypt(key, nonce, plaintext, associatedData(prefix, account)),
    );
  } finally {
    wipe(key);
  }
}

function openWith(
  secret: Uint8Array,
  prefix: Uint8Array,
  account: string,
  reader: ByteReader,
): Uint8Array {
  const nonce = reader.take(AEAD_NONCE_BYTES);
  const ciphertext = reader.rest();
  if (ciphertext.length < AEAD_TAG_BYTES)
    throw new CryptoError('MALFORMED', 'key store is truncated');
  const key = blobKey(secret, prefix);
  try {
    return aeadDecrypt(key, nonce, ciphertext, associatedData(prefix, account));
  } catch {
    throw wrongPassphrase();
  } finally {
    wipe(key);
  }
}

/** A per-blob key, so the storage key is never used directly as an AEAD key. */
function blobKey(secret: Uint8Array, prefix: Uint8Array): Uint8Array {
  return hkdf(secret, new Uint8Array(0), transcript(label('key-store'), prefix), AEAD_KEY_BYTES);
}

/** The whole prefix (header, layout, purpose, generation, cost, salt) and the account: none can be swapped. */
function associatedData(prefix: Uint8Array, account: string): Uint8Array {
  return transcript(label('key-store/associated-data'), prefix, utf8(account));
}

function passphraseKey(passphrase: string, salt: Uint8Array, cost: PassphraseCost): Uint8Array {
  return sodium.crypto_pwhash(
    AEAD_KEY_BYTES,
    utf8(passphrase.normalize('NFKC')),
    salt,
    cost.opsLimit,
    cost.memLimitBytes,
    sodium.crypto_pwhash_ALG_ARGON2ID13,
  );
}

function encodeCost(cost: PassphraseCost): Uint8Array {
  const out = new Uint8Array(COST_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, cost.opsLimit, false);
  view.setUint32(4, cost.memLimitBytes / 1024, false);
  return out;
}

function costWithinBounds(cost: PassphraseCost): boolean {
  return (
    Number.isInteger(cost.opsLimit) &&
    Number.isInteger(cost.memLimitBytes / 1024) &&
    cost.opsLimit >= PASSPHRASE_COST_BOUNDS.minOpsLimit &&
    cost.opsLimit <= PASSPHRASE_COST_BOUNDS.maxOpsLimit &&
    cost.memLimitBytes >= PASSPHRASE_COST_BOUNDS.minMemLimitBytes &&
    cost.memLimitBytes <= PASSPHRASE_COST_BOUNDS.maxMemLimitBytes
  );
}

function checkCost(cost: PassphraseCost): void {
  if (!costWithinBounds(cost)) throw new CryptoError('BAD_KEY', 'Argon2id cost out of bounds');
}

function checkAccount(account: string): void {
  const length = typeof account === 'string' ? utf8(account).length : 0;
  if (length < 1 || length > MAX_KEY_STORE_ACCOUNT_BYTES) {
    throw new CryptoError('BAD_LENGTH', `account must be 1..${MAX_KEY_STORE_ACCOUNT_BYTES} bytes`);
  }
}

function checkGeneration(generation: number): void {
  if (!Number.isSafeInteger(generation) || generation < 0) {
    throw new CryptoError('MALFORMED', 'generation must be a non-negative safe integer');
  }
}

function wrongPassphrase(): CryptoError {
  return new CryptoError(
    'WRONG_PASSPHRASE',
    'wrong passphrase or account, or the key store was altered',
  );
}
