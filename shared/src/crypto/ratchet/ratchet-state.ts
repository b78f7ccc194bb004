// The Double Ratchet's state (header-encryption variant of Signal's specification): its
// initialisation from PQXDH secrets, the bounded store of skipped message keys, and its
// length-checked serialization.
import { concatBytes, utf8, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { formatHeader, label, SUITE } from '../primitives/format.js';
import { hkdf } from '../primitives/hkdf.js';
import { X25519_KEY_BYTES, x25519, x25519KeyPair, type KeyPair } from '../primitives/primitives.js';
import type { ByteReader, ByteWriter } from '../primitives/session-codec.js';
import { HEADER_KEY_BYTES, ROOT_KEY_BYTES, type PqxdhSecrets } from '../handshake/pqxdh.js';

/** Most message keys one chain step may skip (per the specification's MAX_SKIP). */
export const MAX_SKIP = 1000;
/** Most skipped message keys held in total; the oldest are evicted beyond it. */
export const MAX_SKIPPED_KEYS = 2000;
/**
 * Most receiving chains whose skipped keys are kept (as libsignal and vodozemac keep 5). Every
 * message no current key opens is tried against each kept chain's header key, so this bounds
 * the trial decryptions an undecryptable message costs to MAX_SKIPPED_CHAINS + 2; with the
 * chains bounded only by MAX_SKIPPED_KEYS, 1000 one-key chains cost 17.6 ms per junk message.
 */
export const MAX_SKIPPED_CHAINS = 5;
/** How long a skipped message key is kept for a late message: long enough for someone offline for days. */
export const SKIPPED_KEY_TTL_MS = 14 * 24 * 60 * 60 * 1000;

export const CHAIN_KEY_BYTES = 32;
export const MESSAGE_KEY_BYTES = 32;
/** encodePublicIdentity(initiator) ‖ encodePublicIdentity(responder): two (Ed25519, X25519) pairs. */
export const ASSOCIATED_DATA_BYTES = 128;

const ROOT_INFO = utf8(label('ratchet/root'));
const RATCHET_MESSAGE_HEADER = formatHeader(SUITE.ratchetMessage);

export interface SkippedKey {
  readonly messageKey: Uint8Array;
  readonly expiresAt: number;
}

/** Skipped keys of one receiving chain, found through the chain's header key. */
export interface SkippedChain {
  readonly headerKey: Uint8Array;
  readonly keys: Map<number, SkippedKey>;
}

export interface RatchetState {
  rootKey: Uint8Array;
  /** DHs: our current ratchet key pair. */
  dhSelf: KeyPair;
  /** DHr: the peer's current ratchet public key (null until the responder hears from the initiator). */
  dhRemote: Uint8Array | null;
  sendChainKey: Uint8Array | null;
  recvChainKey: Uint8Array | null;
  sendCount: number;
  recvCount: number;
  previousSendCount: number;
  sendHeaderKey: Uint8Array | null;
  recvHeaderKey: Uint8Array | null;
  nextSendHeaderKey: Uint8Array;
  nextRecvHeaderKey: Uint8Array;
  /** Oldest chain first, and within a chain in increasing message number: eviction order. */
  skipped: SkippedChain[];
  skippedCount: number;
  readonly associatedData: Uint8Array;
  /** formatHeader(ratchetMessage) ‖ associatedData: the associated data of every header (derived, not stored). */
  readonly headerAssociatedData: Uint8Array;
}

/** KDF_RK with header keys: HKDF(salt = root key, ikm = DH output) → root key, chain key, next header key. */
export function kdfRoot(
  rootKey: Uint8Array,
  dhOutput: Uint8Array,
): [Uint8Array, Uint8Array, Uint8Array] {
  const okm = hkdf(
    dhOutput,
    rootKey,
    ROOT_INFO,
    ROOT_KEY_BYTES + CHAIN_KEY_BYTES + HEADER_KEY_BYTES,
  );
  const out: [Uint8Array, Uint8Array, Uint8Array] = [
    okm.slice(0, 32),
    okm.slice(32, 64),
    okm.slice(64, 96),
  ];
  wipe(okm);
  return out;
}

function headerAssociatedData(associatedData: Uint8Array): Uint8Array {
  return concatBytes(RATCHET_MESSAGE_HEADER, associatedData);
}

function newState(
  secrets: PqxdhSecrets,
  fields: Pick<
    RatchetState,
    | 'rootKey'
    | 'dhSelf'
    | 'dhRemote'
    | 'sendChainKey'
    | 'sendHeaderKey'
    | 'nextSendHeaderKey'
    | 'nextRecvHeaderKey'
  >,
): RatchetState {
  if (secrets.associatedData.length !== ASSOCIATED_DATA_BYTES) {
    throw new CryptoError('BAD_LENGTH', 'associated data has the wrong length');
  }
  return {
    ...fields,
    recvChainKey: null,
    sendCount: 0,
    recvCount: 0,
    previousSendCount: 0,
    recvHeaderKey: null,
    skipped: [],
    skippedCount: 0,
    associatedData: secrets.associatedData.slice(),
    headerAssociatedData: headerAssociatedData(secrets.associatedData),
  };
}

/** RatchetInitAliceHE: the initiator starts a sending chain to the responder's signed prekey. */
export function initInitiatorState(
  secrets: PqxdhSecrets,
  responderRatchetKey: Uint8Array,
): RatchetState {
  const dhSelf = x25519KeyPair();
  const dhOutput = x25519(dhSelf.secretKey, responderRatchetKey);
  const [rootKey, sendChainKey, nextSendHeaderKey] = kdfRoot(secrets.rootKey, dhOutput);
  wipe(dhOutput);
  return newState(secrets, {
    rootKey,
    dhSelf,
    dhRemote: responderRatchetKey.slice(),
    sendChainKey,
    sendHeaderKey: secrets.initiatorHeaderKey.slice(),
    nextSendHeaderKey,
    nextRecvHeaderKey: secrets.responderHeaderKey.slice(),
  });
}

/** RatchetInitBobHE: the responder's first ratchet key is its signed prekey (copied, so wiping one leaves the other). */
export function initResponderState(secrets: PqxdhSecrets, signedPrekey: KeyPair): RatchetState {
  return newState(secrets, {
    rootKey: secrets.rootKey.slice(),
    dhSelf: {
      publicKey: signedPrekey.publicKey.slice(),
      secretKey: signedPrekey.secretKey.slice(),
    },
    dhRemote: null,
    sendChainKey: null,
    sendHeaderKey: null,
    nextSendHeaderKey: secrets.responderHeaderKey.slice(),
    nextRecvHeaderKey: secrets.initiatorHeaderKey.slice(),
  });
}

/**
 * Adds skipped keys (already in age order) and drops expired ones and, beyond MAX_SKIPPED_KEYS,
 * the oldest. Only called when committing a successful decryption.
 */
export function storeSkippedKeys(
  state: RatchetState,
  headerKey: Uint8Array | null,
  keys: readonly (readonly [number, Uint8Array])[],
  now: number,
): void {
  if (headerKey !== null && keys.length > 0) {
    let chain = state.skipped.at(-1);
    if (chain === undefined || !bytesEqualPublic(chain.headerKey, headerKey)) {
      chain = { headerKey: headerKey.slice(), keys: new Map() };
      state.skipped.push(chain);
    }
    const expiresAt = now + SKIPPED_KEY_TTL_MS;
    for (const [n, messageKey] of keys) chain.keys.set(n, { messageKey, expiresAt });
    state.skippedCount += keys.length;
  } else {
    for (const [, messageKey] of keys) wipe(messageKey);
  }
  pruneSkippedKeys(state, now);
}

/** Drops expired skipped keys, the oldest chains beyond MAX_SKIPPED_CHAINS, and the oldest keys beyond MAX_SKIPPED_KEYS. */
export function pruneSkippedKeys(state: RatchetState, now: number): void {
  if (state.skippedCount === 0) return;
  while (state.skipped.length > MAX_SKIPPED_CHAINS) {
    const oldest = state.skipped.shift()!;
    for (const entry of oldest.keys.values()) wipe(entry.messageKey);
    state.skippedCount -= oldest.keys.size;
    wipe(oldest.headerKey);
  }
  for (const chain of state.skipped) {
    for (const [n, entry] of chain.keys) {
      if (entry.expiresAt <= now || state.skippedCount > MAX_SKIPPED_KEYS) {
        wipe(entry.messageKey);
        chain.keys.delete(n);
        state.skippedCount -= 1;
      }
    }
  }
  state.skipped = state.skipped.filter((chain) => chain.keys.size > 0);
}

/** Equality for values that are not secret from the holder (header keys as map identities). */
function bytesEqualPublic(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

export function findSkippedChain(
  state: RatchetState,
  headerKey: Uint8Array,
): SkippedChain | undefined {
  return state.skipped.find((chain) => bytesEqualPublic(chain.headerKey, headerKey));
}

/** Wipes every secret in the state (the state is unusable afterwards). */
export function wipeRatchetState(state: RatchetState): void {
  for (const key of [
    state.rootKey,
    state.dhSelf.secretKey,
    state.sendChainKey,
    state.recvChainKey,
    state.sendHeaderKey,
    state.recvHeaderKey,
    state.nextSendHeaderKey,
    state.nextRecvHeaderKey,
  ]) {
    if (key !== null) wipe(key);
  }
  for (const chain of state.skipped) {
    wipe(chain.headerKey);
    for (const entry of chain.keys.values()) wipe(entry.messageKey);
  }
  state.skipped = [];
  state.skippedCount = 0;
}

export function writeRatchetState(w: ByteWriter, state: RatchetState): void {
  w.fixed(state.rootKey, ROOT_KEY_BYTES, 'root key')
    .fixed(state.dhSelf.publicKey, X25519_KEY_BYTES, 'ratchet public key')
    .fixed(state.dhSelf.secretKey, X25519_KEY_BYTES, 'ratchet secret key')
    .optional(state.dhRemote, X25519_KEY_BYTES, 'remote ratchet key')
    .optional(state.sendChainKey, CHAIN_KEY_BYTES, 'sending chain key')
    .optional(state.recvChainKey, CHAIN_KEY_BYTES, 'receiving chain key')
    .u32(state.sendCount, 'sending count')
    .u32(state.recvCount, 'receiving count')
    .u32(state.previousSendCount, 'previous sending count')
    .optional(state.sendHeaderKey, HEADER_KEY_BYTES, 'sending header key')
    .optional(state.recvHeaderKey, HEADER_KEY_BYTES, 'receiving header key')
    .fixed(state.nextSendHeaderKey, HEADER_KEY_BYTES, 'next sending header key')
    .fixed(state.nextRecvHeaderKey, HEADER_KEY_BYTES, 'next receiving header key')
    .fixed(state.associatedData, ASSOCIATED_DATA_BYTES, 'associated data')
    .u32(state.skipped.length, 'skipped chain count');
  for (const chain of state.skipped) {
    w.fixed(chain.headerKey, HEADER_KEY_BYTES, 'skipped header key').u32(
      chain.keys.size,
      'skipped key count',
    );
    for (const [n, entry] of chain.keys) {
      w.u32(n, 'skipped message number')
        .fixed(entry.messageKey, MESSAGE_KEY_BYTES, 'skipped message key')
        .u53(entry.expiresAt, 'skipped key expiry');
    }
  }
}

export function readRatchetState(r: ByteReader): RatchetState {
  const rootKey = r.fixed(ROOT_KEY_BYTES);
  const dhSelf = { publicKey: r.fixed(X25519_KEY_BYTES), secretKey: r.fixed(X25519_KEY_BYTES) };
  const dhRemote = r.optional(X25519_KEY_BYTES);
  const sendChainKey = r.optional(CHAIN_KEY_BYTES);
  const recvChainKey = r.optional(CHAIN_KEY_BYTES);
  const sendCount = r.u32();
  const recvCount = r.u32();
  const previousSendCount = r.u32();
  const sendHeaderKey = r.optional(HEADER_KEY_BYTES);
  const recvHeaderKey = r.optional(HEADER_KEY_BYTES);
  const nextSendHeaderKey = r.fixed(HEADER_KEY_BYTES);
  const nextRecvHeaderKey = r.fixed(HEADER_KEY_BYTES);
  const associatedData = r.fixed(ASSOCIATED_DATA_BYTES);
  const chainCount = r.u32();
  if (chainCount > MAX_SKIPPED_CHAINS)
    throw new CryptoError('MALFORMED', 'too many skipped chains');
  const skipped: SkippedChain[] = [];
  let skippedCount = 0;
  for (let c = 0; c < chainCount; c += 1) {
    const headerKey = r.fixed(HEADER_KEY_BYTES);
    const count = r.u32();
    if (count === 0 || skippedCount + count > MAX_SKIPPED_KEYS) {
      throw new CryptoError('MALFORMED', 'bad skipped key count');
    }
    const keys = new Map<number, SkippedKey>();
    for (let i = 0; i < count; i += 1) {
      const n = r.u32();
      keys.set(n, { messageKey: r.fixed(MESSAGE_KEY_BYTES), expiresAt: r.u53() });
    }
    if (keys.size !== count) throw new CryptoError('MALFORMED', 'duplicate skipped key');
    skipped.push({ headerKey, keys });
    skippedCount += count;
  }
  // A sending chain needs its header key and vice versa; anything else is a corrupt blob.
  if (
    (sendChainKey === null) !== (sendHeaderKey === null) ||
    (recvChainKey === null) !== (recvHeaderKey === null)
  ) {
    throw new CryptoError('MALFORMED', 'inconsistent ratchet state');
  }
  return {
    rootKey,
    dhSelf,
    dhRemote,
    sendChainKey,
    recvChainKey,
    sendCount,
    recvCount,
    previousSendCount,
    sendHeaderKey,
    recvHeaderKey,
    nextSendHeaderKey,
    nextRecvHeaderKey,
    skipped,
    skippedCount,
    associatedData,
    headerAssociatedData: headerAssociatedData(associatedData),
  };
}
