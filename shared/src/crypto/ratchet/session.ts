// A conversation's end-to-end session for the client: PQXDH to start it, the Double Ratchet to
// run it, bucket padding (primitives/padding.ts) so lengths leak little, and a versioned
// serialization for the key store.
//
// The initiator's messages carry the PQXDH handshake (SUITE.prekeyMessage) until it first hears
// back, so the responder can start from any of them, in any order. The responder starts with
// `acceptSession` on the first one to arrive and feeds later ones to `session.decrypt`.
import { concatBytes, equalBytes, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import {
  formatHeader,
  FORMAT_HEADER_BYTES,
  readFormatHeader,
  SUITE,
} from '../primitives/format.js';
import type { Identity, PublicIdentity } from '../identity/identity.js';
import { readPublicIdentity, writePublicIdentity } from '../identity/identity-codec.js';
import { X25519_KEY_BYTES } from '../primitives/primitives.js';
import {
  PQXDH_HANDSHAKE_BYTES,
  decodePqxdhHandshake,
  encodePqxdhHandshake,
  pqxdhInitiate,
  pqxdhRespond,
  usesOneTimePrekey,
  type PqxdhHandshake,
  type PqxdhSecrets,
} from '../handshake/pqxdh.js';
import type { PrekeyBundle } from '../handshake/prekeys.js';
import { findListedDevice, type VerifiedDeviceList } from '../devices/device-list.js';
import type { PrekeyStore } from '../handshake/prekeys-store.js';
import { MIN_RATCHET_MESSAGE_BYTES, canSend, ratchetDecrypt, ratchetEncrypt } from './ratchet.js';
import {
  initInitiatorState,
  initResponderState,
  pruneSkippedKeys,
  readRatchetState,
  wipeRatchetState,
  writeRatchetState,
  type RatchetState,
} from './ratchet-state.js';
import { MAX_UNPADDED_BYTES, padToBucket, unpadFromBucket } from '../primitives/padding.js';
import { ByteReader, ByteWriter } from '../primitives/session-codec.js';
import { sodium } from '../primitives/sodium.js';

/**
 * Largest plaintext a session encrypts: plaintexts are padded to the same buckets as sealed
 * envelopes (256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB), so a message's length tells only its bucket.
 */
export const MAX_SESSION_PLAINTEXT_BYTES = MAX_UNPADDED_BYTES;
const SESSION_STATE_VERSION = 1;

export type SessionRole = 'initiator' | 'responder';

/** True when `message` is a session's first kind of message (PQXDH handshake + ratchet message). */
export function isPrekeyMessage(message: Uint8Array): boolean {
  return message.length >= FORMAT_HEADER_BYTES && message[3] === SUITE.prekeyMessage;
}

/** Splits a prekey message; lets a client find the session a repeated prekey message belongs to (by `baseKey`). */
export function parsePrekeyMessage(message: Uint8Array): {
  handshake: PqxdhHandshake;
  handshakeBytes: Uint8Array;
  ratchetMessage: Uint8Array;
} {
  const body = readFormatHeader(message, SUITE.prekeyMessage);
  const reader = new ByteReader(body);
  const handshake = decodePqxdhHandshake(reader);
  const ratchetMessage = reader.rest();
  if (ratchetMessage.length < MIN_RATCHET_MESSAGE_BYTES)
    throw new CryptoError('MALFORMED', 'truncated message');
  return { handshake, handshakeBytes: body.subarray(0, PQXDH_HANDSHAKE_BYTES), ratchetMessage };
}

const HANDSHAKE_DIGEST_BYTES = 32;

function handshakeDigest(handshakeBytes: Uint8Array): Uint8Array {
  return sodium.crypto_hash_sha256(handshakeBytes);
}

function wipeSecrets(secrets: PqxdhSecrets): void {
  wipe(secrets.rootKey);
  wipe(secrets.initiatorHeaderKey);
  wipe(secrets.responderHeaderKey);
}

export class Session {
  private constructor(
    private readonly state: RatchetState,
    readonly role: SessionRole,
    /** The peer's identity as the handshake bound it; compare it with the expected peer (safety numbers). */
    readonly remoteIdentity: PublicIdentity,
    /** The initiator's ephemeral key: identifies this session in repeated prekey messages. */
    readonly baseKey: Uint8Array,
    /** SHA-256 of the encoded handshake: a repeated prekey message must carry exactly the same one. */
    private readonly handshakeDigest: Uint8Array,
    /** The initiator's encoded handshake, sent with every message until the peer answers. */
    private pendingHandshake: Uint8Array | null,
  ) {}

  /** Use `initiateSession`; exposed as a static so the constructor can stay private. */
  static initiate(me: Identity, bundle: PrekeyBundle): Session {
    const { secrets, handshake } = pqxdhInitiate(me, bundle);
    const state = initInitiatorState(secrets, bundle.signedPrekey.publicKey);
    wipeSecrets(secrets);
    const encoded = encodePqxdhHandshake(handshake);
    return new Session(
      state,
      'initiator',
      bundle.identity,
      handshake.baseKey,
      handshakeDigest(encoded),
      encoded,
    );
  }

  /** Use `acceptSession`. */
  static accept(
    me: Identity,
    store: PrekeyStore,
    message: Uint8Array,
    now: number,
  ): { session: Session; plaintext: Uint8Array } {
    const { handshake, handshakeBytes, ratchetMessage } = parsePrekeyMessage(message);
    const { secrets, signedPrekey } = pqxdhRespond(me, store, handshake);
    const state = initResponderState(secrets, signedPrekey.keyPair);
    wipeSecrets(secrets);
    let plaintext: Uint8Array;
    try {
      plaintext = ratchetDecrypt(state, ratchetMessage, now, unpadFromBucket);
      // Only an authenticated first message may use up a one-time prekey or a replay-set slot
      // (pqxdhRespond checked there is one; if not, the session is refused, never kept).
      if (!usesOneTimePrekey(handshake))
        store.rememberBaseKey(handshake.signedPrekeyId, handshake.baseKey);
      if (handshake.oneTimePrekeyId !== null) store.consumeOneTimePrekey(handshake.oneTimePrekeyId);
      if (handshake.kemPrekeyKind === 'one-time')
        store.consumeOneTimeKemPrekey(handshake.kemPrekeyId);
    } catch (error) {
      wipeRatchetState(state);
      throw error;
    }
    return {
      session: new Session(
        state,
        'responder',
        handshake.initiator,
        handshake.baseKey,
        handshakeDigest(handshakeBytes),
        null,
      ),
      plaintext,
    };
  }

  /** False for a responder that has not received a message yet (cannot happen through `acceptSession`). */
  get canSend(): boolean {
    return canSend(this.state);
  }

  encrypt(plaintext: Uint8Array, now: number): Uint8Array {
    pruneSkippedKeys(this.state, now);
    const padded = padToBucket(plaintext);
    const message = ratchetEncrypt(this.state, padded);
    wipe(padded);
    if (this.pendingHandshake === null) return message;
    return concatBytes(formatHeader(SUITE.prekeyMessage), this.pendingHandshake, message);
  }

  /** Decrypts a ratchet message, or a prekey message of this very session. State changes only on success. */
  decrypt(message: Uint8Array, now: number): Uint8Array {
    let ratchetMessage = message;
    if (isPrekeyMessage(message)) {
      const parsed = parsePrekeyMessage(message);
      // Every byte of the repeated handshake must match, so none of it is malleable.
      if (
        this.role !== 'responder' ||
        !equalBytes(handshakeDigest(parsed.handshakeBytes), this.handshakeDigest)
      ) {
        throw new CryptoError('BAD_KEY', 'prekey message for another session');
      }
      ratchetMessage = parsed.ratchetMessage;
    }
    const plaintext = ratchetDecrypt(this.state, ratchetMessage, now, unpadFromBucket);
    // The peer answered, so it has the session: stop sending the handshake.
    this.pendingHandshake = null;
    return plaintext;
  }

  /** How many receiving chains' skipped keys are held (≤ MAX_SKIPPED_CHAINS): the header keys a stray message is tried against. */
  get skippedChainCount(): number {
    return this.state.skipped.length;
  }

  /** Bytes for the client's encrypted key store only: they hold every key of the session. */
  serialize(): Uint8Array {
    const w = new ByteWriter()
      .bytes(formatHeader(SUITE.sessionState))
      .u8(SESSION_STATE_VERSION)
      .u8(this.role === 'initiator' ? 0 : 1);
    writePublicIdentity(w, this.remoteIdentity, 'remote')
      .fixed(this.baseKey, X25519_KEY_BYTES, 'base key')
      .fixed(this.handshakeDigest, HANDSHAKE_DIGEST_BYTES, 'handshake digest')
      .optional(this.pendingHandshake, PQXDH_HANDSHAKE_BYTES, 'pending handshake');
    writeRatchetState(w, this.state);
    return w.finish();
  }

  static deserialize(bytes: Uint8Array): Session {
    const r = new ByteReader(readFormatHeader(bytes, SUITE.sessionState));
    if (r.u8() !== SESSION_STATE_VERSION) {
      throw new CryptoError('UNSUPPORTED_VERSION', 'unsupported session state version');
    }
    const roleByte = r.u8();
    if (roleByte > 1) throw new CryptoError('MALFORMED', 'bad session role');
    const remoteIdentity = readPublicIdentity(r);
    const baseKey = r.fixed(X25519_KEY_BYTES);
    const digest = r.fixed(HANDSHAKE_DIGEST_BYTES);
    const pendingHandshake = r.optional(PQXDH_HANDSHAKE_BYTES);
    const state = readRatchetState(r);
    r.end();
    const role: SessionRole = roleByte === 0 ? 'initiator' : 'responder';
    if (role === 'responder' && pendingHandshake !== null)
      throw new CryptoError('MALFORMED', 'bad session state');
    return new Session(state, role, remoteIdentity, baseKey, digest, pendingHandshake);
  }

  /** Wipes the session's keys (panic, or a conversation closed for good); unusable afterwards. */
  wipe(): void {
    wipeRatchetState(this.state);
  }
}

/**
 * Starts a session with one device of a peer from that device's bundle; refuses any bundle that
 * does not verify in full. `peerDevices` is the peer's device list, verified against
 * `expectedPeer`: the bundle's device must be listed in it with the very device key that signed
 * the bundle, so a removed device, or a device the server made up, is refused (UNTRUSTED).
 */
export function initiateSession(
  me: Identity,
  bundle: PrekeyBundle,
  expectedPeer: PublicIdentity,
  peerDevices: VerifiedDeviceList,
): Session {
  // The bundle comes from the server; only an identity the caller already trusts (a verified
  // moderator certificate, a pinned contact) may be talked to. Checked before any key work.
  if (!samePublicIdentity(bundle.identity, expectedPeer)) {
    throw new CryptoError('UNTRUSTED', 'the bundle is not from the expected identity');
  }
  if (!samePublicIdentity(peerDevices.identity, expectedPeer)) {
    throw new CryptoError('UNTRUSTED', 'the device list is not the expected identity’s');
  }
  const listed = findListedDevice(peerDevices, bundle.device.deviceId);
  if (listed === undefined || !equalBytes(listed.deviceKey, bundle.device.deviceKey)) {
    throw new CryptoError('UNTRUSTED', 'the bundle’s device is not in the peer’s device list');
  }
  return Session.initiate(me, bundle);
}

function samePublicIdentity(a: PublicIdentity, b: PublicIdentity): boolean {
  // Both comparisons always run: no early exit on the first mismatch.
  const signing = equalBytes(a.signingKey, b.signingKey);
  const exchange = equalBytes(a.exchangeKey, b.exchangeKey);
  return signing && exchange;
}

/**
 * Starts the responder's session from a prekey message; consumes the one-time prekey (or
 * remembers the base key) only once the message has decrypted.
 */
export function acceptSession(
  me: Identity,
  store: PrekeyStore,
  message: Uint8Array,
  now: number,
  options: { readonly expectedInitiator?: PublicIdentity } = {},
): { session: Session; plaintext: Uint8Array } {
  // A responder often cannot know in advance who writes; when it can, nothing is consumed for
  // a message from anyone else. Otherwise the caller must check `session.remoteIdentity`.
  if (options.expectedInitiator !== undefined) {
    const { handshake } = parsePrekeyMessage(message);
    if (!samePublicIdentity(handshake.initiator, options.expectedInitiator)) {
      throw new CryptoError('UNTRUSTED', 'the first message is not from the expected identity');
    }
  }
  return Session.accept(me, store, message, now);
}
