// Double Ratchet encryption and decryption with header encryption, after Signal's specification:
// KDF_RK by HKDF, KDF_CK by HMAC-SHA-256 with constants 0x01/0x02, XChaCha20-Poly1305 bodies.
//
// A message is formatHeader ‖ n ‖ HENC(HK, n, header) ‖ AEAD(body key, body nonce, plaintext),
// with n 24 random bytes sent in clear and (body key, body nonce) = HKDF(message key, n). The
// header's associated data is formatHeader ‖ both identities; the body's adds the whole header
// block, n included.
//
// Decryption never changes the state unless the message authenticates: every new key is computed
// into locals and committed only after the body has decrypted (and `open` has accepted it), so
// no copy of the state is made on the hot path.
//
// Errors: a message whose header authenticates under a chain we hold but whose key is gone
// (already decrypted, or skipped and since expired or evicted) is REPLAY. A message that no
// header key opens is DECRYPT_FAILED: that covers tampering, foreign messages, and replays of
// messages from chains whose keys have all been deleted. Callers drop the message either way.
import { concatBytes, equalBytes, randomBytes, utf8, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import {
  formatHeader,
  label,
  readFormatHeader,
  SUITE,
  FORMAT_HEADER_BYTES,
} from '../primitives/format.js';
import { hkdf } from '../primitives/hkdf.js';
import {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  x25519,
  x25519KeyPair,
} from '../primitives/primitives.js';
import {
  HEADER_BLOCK_BYTES,
  decryptHeader,
  headerBlockNonce,
  encryptHeader,
  type RatchetHeader,
} from './ratchet-header.js';
import {
  MAX_SKIP,
  findSkippedChain,
  kdfRoot,
  pruneSkippedKeys,
  storeSkippedKeys,
  type RatchetState,
} from './ratchet-state.js';
import { U32_MAX } from '../primitives/session-codec.js';
import { sodium } from '../primitives/sodium.js';

const MESSAGE_KEY_CONSTANT = Uint8Array.of(0x01);
const CHAIN_KEY_CONSTANT = Uint8Array.of(0x02);
const MESSAGE_INFO = utf8(label('ratchet/message'));
const ZERO_SALT = new Uint8Array(32);
const RATCHET_MESSAGE_HEADER = formatHeader(SUITE.ratchetMessage);

/** Smallest ratchet message: format header, header block and an empty body's tag. */
export const MIN_RATCHET_MESSAGE_BYTES = FORMAT_HEADER_BYTES + HEADER_BLOCK_BYTES + AEAD_TAG_BYTES;

/** KDF_CK: (message key, next chain key). One-shot HMAC: the hottest call of the ratchet. */
function chainStep(chainKey: Uint8Array): [Uint8Array, Uint8Array] {
  return [
    sodium.crypto_auth_hmacsha256(MESSAGE_KEY_CONSTANT, chainKey),
    sodium.crypto_auth_hmacsha256(CHAIN_KEY_CONSTANT, chainKey),
  ];
}

/**
 * The body's AEAD key and nonce, from the message key and the message's random nonce (sent in
 * clear; it is also the header's AEAD nonce). The random part is what makes a rolled-back state
 * safe: a restored copy re-derives the same message key, but never the same (key, nonce) pair,
 * so two plaintexts are never encrypted under one keystream. It goes into `info`, so it reaches
 * the output only through HMAC keyed by the secret PRK (a plain PRF, no dual-PRF assumption).
 */
function bodyKeyAndNonce(messageKey: Uint8Array, messageNonce: Uint8Array): Uint8Array {
  return hkdf(
    messageKey,
    ZERO_SALT,
    concatBytes(MESSAGE_INFO, messageNonce),
    AEAD_KEY_BYTES + AEAD_NONCE_BYTES,
  );
}

/** A received message's body and what it needs besides the message key. */
interface SealedBody {
  /** The random nonce from the header block. */
  readonly messageNonce: Uint8Array;
  readonly ciphertext: Uint8Array;
  readonly associatedData: Uint8Array;
}

function decryptBody(messageKey: Uint8Array, body: SealedBody): Uint8Array {
  const keyAndNonce = bodyKeyAndNonce(messageKey, body.messageNonce);
  try {
    return aeadDecrypt(
      keyAndNonce.subarray(0, AEAD_KEY_BYTES),
      keyAndNonce.subarray(AEAD_KEY_BYTES),
      body.ciphertext,
      body.associatedData,
    );
  } finally {
    wipe(keyAndNonce);
  }
}

/** True when the state has a sending chain (the responder has none until the first message arrives). */
export function canSend(state: RatchetState): boolean {
  return state.sendChainKey !== null && state.sendHeaderKey !== null;
}

/** RatchetEncryptHE: formatHeader(ratchetMessage) ‖ random nonce ‖ encrypted header ‖ body. */
export function ratchetEncrypt(state: RatchetState, plaintext: Uint8Array): Uint8Array {
  const { sendChainKey, sendHeaderKey } = state;
  if (sendChainKey === null || sendHeaderKey === null) {
    throw new CryptoError('BAD_KEY', 'the session cannot send before it has received a message');
  }
  if (state.sendCount >= U32_MAX) throw new CryptoError('BAD_LENGTH', 'sending chain exhausted');
  // Fresh randomness per message, never derived from the state: a state restored from an old
  // copy (stale key store, a second tab, a crash before saving) must not repeat a nonce.
  const messageNonce = randomBytes(AEAD_NONCE_BYTES);
  const [messageKey, nextChainKey] = chainStep(sendChainKey);
  const keys = bodyKeyAndNonce(messageKey, messageNonce);
  wipe(messageKey);
  let body: Uint8Array;
  let headerBlock: Uint8Array;
  try {
    headerBlock = encryptHeader(
      sendHeaderKey,
      messageNonce,
      {
        ratchetKey: state.dhSelf.publicKey,
        previousCount: state.previousSendCount,
        messageNumber: state.sendCount,
      },
      state.headerAssociatedData,
    );
    // The body's associated data covers the format header, both identities and the whole header
    // block, so the nonce in clear cannot be swapped without failing authentication.
    body = aeadEncrypt(
      keys.subarray(0, AEAD_KEY_BYTES),
      keys.subarray(AEAD_KEY_BYTES),
      plaintext,
      concatBytes(state.headerAssociatedData, headerBlock),
    );
  } finally {
    wipe(keys);
  }
  wipe(sendChainKey);
  state.sendChainKey = nextChainKey;
  state.sendCount += 1;
  return concatBytes(RATCHET_MESSAGE_HEADER, headerBlock, body);
}

/** Derives `count` skipped message keys from `chainKey`, numbered from `first`; returns them and the chain key after. */
function skipKeys(
  chainKey: Uint8Array,
  first: number,
  count: number,
): { skipped: [number, Uint8Array][]; chainKey: Uint8Array } {
  const skipped: [number, Uint8Array][] = [];
  let current = chainKey;
  for (let i = 0; i < count; i += 1) {
    const [messageKey, next] = chainStep(current);
    if (current !== chainKey) wipe(current);
    skipped.push([first + i, messageKey]);
    current = next;
  }
  return { skipped, chainKey: current };
}

function wipeAll(keys: readonly (readonly [number, Uint8Array])[]): void {
  for (const [, key] of keys) wipe(key);
}

/**
 * RatchetDecryptHE. `open` post-processes the plaintext (e.g. removes padding) before anything is
 * committed, so a rejected plaintext leaves the state unchanged too.
 */
export function ratchetDecrypt<T = Uint8Array>(
  state: RatchetState,
  message: Uint8Array,
  now: number,
  open: (plaintext: Uint8Array) => T = (plaintext) => plaintext as T,
): T {
  const rest = readFormatHeader(message, SUITE.ratchetMessage);
  if (rest.length < HEADER_BLOCK_BYTES + AEAD_TAG_BYTES)
    throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  const headerBlock = rest.subarray(0, HEADER_BLOCK_BYTES);
  const body: SealedBody = {
    messageNonce: headerBlockNonce(headerBlock),
    ciphertext: rest.subarray(HEADER_BLOCK_BYTES),
    associatedData: concatBytes(state.headerAssociatedData, headerBlock),
  };

  // The current receiving chain first: it is where nearly every message lands.
  if (state.recvHeaderKey !== null) {
    const header = decryptHeader(state.recvHeaderKey, headerBlock, state.headerAssociatedData);
    if (header !== null) return decryptInCurrentChain(state, header, body, now, open);
  }
  for (const chain of state.skipped) {
    // The current chain's own skipped keys were reached through its header key above.
    if (state.recvHeaderKey !== null && equalBytes(chain.headerKey, state.recvHeaderKey)) continue;
    const header = decryptHeader(chain.headerKey, headerBlock, state.headerAssociatedData);
    if (header !== null) return decryptSkipped(state, chain.headerKey, header, body, now, open);
  }
  const header = decryptHeader(state.nextRecvHeaderKey, headerBlock, state.headerAssociatedData);
  if (header !== null) return decryptWithRatchetStep(state, header, body, now, open);
  throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
}

function decryptSkipped<T>(
  state: RatchetState,
  headerKey: Uint8Array,
  header: RatchetHeader,
  body: SealedBody,
  now: number,
  open: (plaintext: Uint8Array) => T,
): T {
  const chain = findSkippedChain(state, headerKey);
  const entry = chain?.keys.get(header.messageNumber);
  if (chain === undefined || entry === undefined || entry.expiresAt <= now) {
    throw new CryptoError('REPLAY', 'message already decrypted or its key has expired');
  }
  const result = open(decryptBody(entry.messageKey, body));
  // A message key is used once: delete it as soon as its message has been read.
  wipe(entry.messageKey);
  chain.keys.delete(header.messageNumber);
  state.skippedCount -= 1;
  if (chain.keys.size === 0) state.skipped = state.skipped.filter((c) => c !== chain);
  pruneSkippedKeys(state, now);
  return result;
}

function decryptInCurrentChain<T>(
  state: RatchetState,
  header: RatchetHeader,
  body: SealedBody,
  now: number,
  open: (plaintext: Uint8Array) => T,
): T {
  const recvChainKey = state.recvChainKey;
  const recvHeaderKey = state.recvHeaderKey;
  if (recvChainKey === null || recvHeaderKey === null || state.dhRemote === null) {
    throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  }
  if (header.messageNumber < state.recvCount) {
    return decryptSkipped(state, recvHeaderKey, header, body, now, open);
  }
  if (header.messageNumber - state.recvCount > MAX_SKIP) {
    throw new CryptoError('TOO_MANY_SKIPPED', 'too many skipped messages');
  }
  const { skipped, chainKey } = skipKeys(
    recvChainKey,
    state.recvCount,
    header.messageNumber - state.recvCount,
  );
  const [messageKey, nextChainKey] = chainStep(chainKey);
  if (chainKey !== recvChainKey) wipe(chainKey);
  let result: T;
  try {
    result = open(decryptBody(messageKey, body));
  } catch (error) {
    wipeAll(skipped);
    wipe(nextChainKey);
    throw error;
  } finally {
    wipe(messageKey);
  }
  wipe(recvChainKey);
  state.recvChainKey = nextChainKey;
  state.recvCount = header.messageNumber + 1;
  storeSkippedKeys(state, recvHeaderKey, skipped, now);
  return result;
}

/** A header under the next header key: the peer has a new ratchet key. Two X25519s and one key pair. */
function decryptWithRatchetStep<T>(
  state: RatchetState,
  header: RatchetHeader,
  body: SealedBody,
  now: number,
  open: (plaintext: Uint8Array) => T,
): T {
  // Check both skip bounds before any expensive work.
  const oldChainSkips =
    state.recvChainKey === null ? 0 : Math.max(header.previousCount - state.recvCount, 0);
  if (oldChainSkips > MAX_SKIP || header.messageNumber > MAX_SKIP) {
    throw new CryptoError('TOO_MANY_SKIPPED', 'too many skipped messages');
  }
  const temporaries: Uint8Array[] = [];
  const oldChain =
    state.recvChainKey === null
      ? { skipped: [] as [number, Uint8Array][], chainKey: null }
      : skipKeys(state.recvChainKey, state.recvCount, oldChainSkips);
  if (oldChain.chainKey !== null && oldChain.chainKey !== state.recvChainKey)
    temporaries.push(oldChain.chainKey);

  let newSelf: ReturnType<typeof x25519KeyPair> | null = null;
  let newChain: { skipped: [number, Uint8Array][]; chainKey: Uint8Array } = {
    skipped: [],
    chainKey: new Uint8Array(0),
  };
  let committed = false;
  try {
    const receiveDh = x25519(state.dhSelf.secretKey, header.ratchetKey);
    temporaries.push(receiveDh);
    const [rootAfterReceive, recvChainKey, nextRecvHeaderKey] = kdfRoot(state.rootKey, receiveDh);
    temporaries.push(rootAfterReceive, recvChainKey);
    newSelf = x25519KeyPair();
    const sendDh = x25519(newSelf.secretKey, header.ratchetKey);
    temporaries.push(sendDh);
    const [rootKey, sendChainKey, nextSendHeaderKey] = kdfRoot(rootAfterReceive, sendDh);

    newChain = skipKeys(recvChainKey, 0, header.messageNumber);
    if (newChain.chainKey !== recvChainKey) temporaries.push(newChain.chainKey);
    const [messageKey, nextRecvChainKey] = chainStep(newChain.chainKey);
    let result: T;
    try {
      result = open(decryptBody(messageKey, body));
    } catch (error) {
      wipe(rootKey);
      wipe(sendChainKey);
      wipe(nextSendHeaderKey);
      wipe(nextRecvHeaderKey);
      wipe(nextRecvChainKey);
      throw error;
    } finally {
      wipe(messageKey);
    }

    // Commit: DHRatchetHE, then the skipped keys of the old and the new receiving chain.
    const oldRecvHeaderKey = state.recvHeaderKey;
    for (const key of [
      state.rootKey,
      state.dhSelf.secretKey,
      state.sendChainKey,
      state.recvChainKey,
      state.sendHeaderKey,
    ]) {
      if (key !== null && key !== oldRecvHeaderKey) wipe(key);
    }
    state.previousSendCount = state.sendCount;
    state.sendCount = 0;
    state.recvCount = header.messageNumber + 1;
    state.sendHeaderKey = state.nextSendHeaderKey;
    state.recvHeaderKey = state.nextRecvHeaderKey;
    state.dhRemote = header.ratchetKey;
    state.rootKey = rootKey;
    state.dhSelf = newSelf;
    state.recvChainKey = nextRecvChainKey;
    state.sendChainKey = sendChainKey;
    state.nextSendHeaderKey = nextSendHeaderKey;
    state.nextRecvHeaderKey = nextRecvHeaderKey;
    committed = true;
    storeSkippedKeys(state, oldRecvHeaderKey, oldChain.skipped, now);
    storeSkippedKeys(state, state.recvHeaderKey, newChain.skipped, now);
    // The old receiving header key lives on only inside its skipped chain (stored as a copy).
    if (oldRecvHeaderKey !== null) wipe(oldRecvHeaderKey);
    return result;
  } finally {
    for (const key of temporaries) wipe(key);
    if (!committed) {
      wipeAll(oldChain.skipped);
      wipeAll(newChain.skipped);
      if (newSelf !== null) wipe(newSelf.secretKey);
    }
  }
}
