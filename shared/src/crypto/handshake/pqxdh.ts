// PQXDH key agreement after Signal's PQXDH specification, revision 3 (2024-01-23): X25519 with
// the identity, signed and one-time prekeys plus ML-KEM-768 encapsulation to a signed KEM
// prekey, so a session's first keys stay secret unless both X25519 and ML-KEM-768 are broken.
//
// Where revision 3 leaves binding to the KEM (ML-KEM hashes its public key into the secret) and
// to the associated data (both identity keys), Kolokol binds everything into the key schedule
// too: the HKDF info names the curve, hash and KEM, and ends with a SHA-256 over both identities,
// the signed prekey, the encoded KEM public key, the one-time prekey and every byte of the
// handshake (pqxdhTranscriptDigest), and the responder's device (its id and device key). A server
// that swaps any public key, re-encapsulates to another KEM key or hands one device's bundle out
// as another's leaves the two sides with different keys.
//
// The KEM: a one-time ML-KEM-768 prekey when the bundle carries one (deleted by the responder
// once the handshake succeeds, like a one-time X25519 prekey), else the device's last-resort KEM
// prekey, as libsignal does. The handshake names which, and the two are signed under different
// labels, so one cannot be passed off as the other. X25519 keys must be canonical
// encodings, so no altered copy of a handshake can pass for a different one in the replay check.
import { concatBytes, randomBytes, transcript, utf8, wipe } from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import { label } from '../primitives/format.js';
import { hkdf } from '../primitives/hkdf.js';
import {
  encodePublicIdentity,
  publicIdentity,
  verifyPublicIdentity,
  type Identity,
  type PublicIdentity,
} from '../identity/identity.js';
import { readPublicIdentity, writePublicIdentity } from '../identity/identity-codec.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  x25519,
  x25519KeyPair,
} from '../primitives/primitives.js';
import {
  MLKEM768_CIPHERTEXT_BYTES,
  MLKEM768_ENCAPSULATION_SEED_BYTES,
  isUsableX25519PublicKey,
  verifyPrekeyBundle,
  type BundleDevice,
  type PrekeyBundle,
  type PrivateSignedPrekey,
} from './prekeys.js';
import type { PrekeyStore } from './prekeys-store.js';
import { ByteWriter, type ByteReader } from '../primitives/session-codec.js';
import { sodium } from '../primitives/sodium.js';

/** HKDF info prefix: the version and the algorithm set, so keys from other suites never coincide. */
const PQXDH_INFO = utf8(label('pqxdh/x25519-sha256-mlkem768'));
/** Domain separator prepended to the DH outputs, as in X3DH/PQXDH (32 0xFF bytes for X25519). */
const PQXDH_F = new Uint8Array(32).fill(0xff);
const HKDF_ZERO_SALT = new Uint8Array(32);

/** Which of the responder device's KEM prekeys a handshake encapsulated to. */
export type KemPrekeyKind = 'last-resort' | 'one-time';

/** The public handshake data the initiator sends in front of its first ratchet messages. */
export interface PqxdhHandshake {
  readonly initiator: PublicIdentity;
  /** EK_A, the initiator's ephemeral X25519 public key (also identifies the session). */
  readonly baseKey: Uint8Array;
  readonly signedPrekeyId: number;
  readonly kemPrekeyId: number;
  readonly kemPrekeyKind: KemPrekeyKind;
  readonly oneTimePrekeyId: number | null;
  readonly kemCiphertext: Uint8Array;
}

/** Sizes of the root key and header keys PQXDH derives and the Double Ratchet (ratchet/ratchet-state.ts) carries on. */
export const ROOT_KEY_BYTES = 32;
export const HEADER_KEY_BYTES = 32;

/** What both sides derive: the first root key, the two initial header keys and the associated data. */
export interface PqxdhSecrets {
  readonly rootKey: Uint8Array;
  /** The initiator's first sending header key (the responder's first receiving one). */
  readonly initiatorHeaderKey: Uint8Array;
  /** The responder's first sending header key (the initiator's next receiving one). */
  readonly responderHeaderKey: Uint8Array;
  /** encodePublicIdentity(initiator) ‖ encodePublicIdentity(responder). */
  readonly associatedData: Uint8Array;
}

export const PQXDH_HANDSHAKE_BYTES =
  ED25519_PUBLIC_KEY_BYTES +
  X25519_KEY_BYTES +
  ED25519_SIGNATURE_BYTES +
  X25519_KEY_BYTES +
  4 +
  4 +
  1 +
  1 +
  4 +
  MLKEM768_CIPHERTEXT_BYTES;

/**
 * True for the canonical encoding of an X25519 public key: the u-coordinate reduced modulo
 * p = 2^255 - 19, top bit clear. X25519 ignores bit 255 and reduces larger values, so each point
 * has other encodings; a handshake that used one could pass for a new handshake (RFC 7748 §5).
 */
export function isCanonicalX25519PublicKey(publicKey: Uint8Array): boolean {
  if (publicKey.length !== X25519_KEY_BYTES || publicKey[31]! > 0x7f) return false;
  // Below 2^255 the only values ≥ p are p..p+18: 0xed..0xff, thirty 0xff bytes, 0x7f (little-endian).
  if (publicKey[31] !== 0x7f || publicKey[0]! < 0xed) return true;
  for (let i = 1; i < 31; i += 1) if (publicKey[i] !== 0xff) return true;
  return false;
}

/** The canonical encoding of the point X25519 reads from `publicKey` (a copy; for lookups). */
export function canonicalX25519PublicKey(publicKey: Uint8Array): Uint8Array {
  const out = publicKey.slice();
  out[31] = out[31]! & 0x7f;
  if (!isCanonicalX25519PublicKey(out)) {
    // p ≤ value < 2^255: subtracting p leaves value - p = byte 0 - 0xed, every other byte zero.
    out[0] = out[0]! - 0xed;
    out.fill(0, 1);
  }
  return out;
}

/** SHA-256 of the encoded handshake: compared for repeated prekey messages (the keys bind pqxdhTranscriptDigest). */
export function pqxdhHandshakeDigest(handshake: PqxdhHandshake): Uint8Array {
  return sodium.crypto_hash_sha256(encodePqxdhHandshake(handshake));
}

/** The public keys the responder's side of a handshake used, as both sides know them. */
interface ResponderKeys {
  readonly identity: PublicIdentity;
  readonly device: BundleDevice;
  readonly signedPrekey: Uint8Array;
  /** The KEM public key encapsulated to: the one-time one, or the last-resort one. */
  readonly kemPrekey: Uint8Array;
  readonly oneTimePrekey: Uint8Array | null;
}

/**
 * SHA-256 over everything the keys must depend on besides the secrets: both identities (the
 * specification's AD), the responder's device id and device key, the signed prekey, the KEM
 * public key used, the one-time prekey (empty when none) and the encoded handshake (ids, the
 * KEM prekey's kind, base key, KEM ciphertext, the initiator's signature).
 */
export function pqxdhTranscriptDigest(
  handshake: PqxdhHandshake,
  responder: ResponderKeys,
): Uint8Array {
  return sodium.crypto_hash_sha256(
    transcript(
      label('pqxdh/transcript'),
      encodePublicIdentity(handshake.initiator),
      encodePublicIdentity(responder.identity),
      utf8(responder.device.deviceId),
      responder.device.deviceKey,
      responder.signedPrekey,
      responder.kemPrekey,
      responder.oneTimePrekey ?? new Uint8Array(0),
      encodePqxdhHandshake(handshake),
    ),
  );
}

function deriveSecrets(
  dhOutputs: Uint8Array[],
  kemSecret: Uint8Array,
  handshake: PqxdhHandshake,
  responder: ResponderKeys,
): PqxdhSecrets {
  const inputKeyMaterial = concatBytes(PQXDH_F, ...dhOutputs, kemSecret);
  const okm = hkdf(
    inputKeyMaterial,
    HKDF_ZERO_SALT,
    concatBytes(PQXDH_INFO, pqxdhTranscriptDigest(handshake, responder)),
    ROOT_KEY_BYTES + 2 * HEADER_KEY_BYTES,
  );
  wipe(inputKeyMaterial);
  for (const dh of dhOutputs) wipe(dh);
  wipe(kemSecret);
  const secrets: PqxdhSecrets = {
    rootKey: okm.slice(0, 32),
    initiatorHeaderKey: okm.slice(32, 64),
    responderHeaderKey: okm.slice(64, 96),
    associatedData: concatBytes(
      encodePublicIdentity(handshake.initiator),
      encodePublicIdentity(responder.identity),
    ),
  };
  wipe(okm);
  return secrets;
}

function hasCanonicalKeys(bundle: PrekeyBundle): boolean {
  return (
    isCanonicalX25519PublicKey(bundle.identity.exchangeKey) &&
    isCanonicalX25519PublicKey(bundle.signedPrekey.publicKey) &&
    (bundle.oneTimePrekey === undefined ||
      isCanonicalX25519PublicKey(bundle.oneTimePrekey.publicKey))
  );
}

/** The KEM prekey a handshake to `bundle` uses: its one-time one when it has one. */
function kemPrekeyOf(bundle: PrekeyBundle): {
  kind: KemPrekeyKind;
  id: number;
  publicKey: Uint8Array;
} {
  return bundle.oneTimeKemPrekey === undefined
    ? { kind: 'last-resort', id: bundle.kemPrekey.id, publicKey: bundle.kemPrekey.publicKey }
    : {
        kind: 'one-time',
        id: bundle.oneTimeKemPrekey.id,
        publicKey: bundle.oneTimeKemPrekey.publicKey,
      };
}

/**
 * The initiator's side: refuses a bundle that does not verify in full (never falls back to a
 * weaker handshake), then derives the secrets and the handshake to send.
 */
export function pqxdhInitiate(
  me: Identity,
  bundle: PrekeyBundle,
): { secrets: PqxdhSecrets; handshake: PqxdhHandshake } {
  if (!verifyPrekeyBundle(bundle))
    throw new CryptoError('BAD_SIGNATURE', 'prekey bundle does not verify');
  if (!hasCanonicalKeys(bundle)) throw new CryptoError('BAD_KEY', 'non-canonical key in bundle');
  const ephemeral = x25519KeyPair();
  try {
    const dhOutputs = [
      x25519(me.exchange.secretKey, bundle.signedPrekey.publicKey),
      x25519(ephemeral.secretKey, bundle.identity.exchangeKey),
      x25519(ephemeral.secretKey, bundle.signedPrekey.publicKey),
    ];
    if (bundle.oneTimePrekey !== undefined) {
      dhOutputs.push(x25519(ephemeral.secretKey, bundle.oneTimePrekey.publicKey));
    }
    const kem = kemPrekeyOf(bundle);
    // FIPS 203 ML-KEM.Encaps_internal with m drawn through randomBytes (one randomness source).
    const encapsulationSeed = randomBytes(MLKEM768_ENCAPSULATION_SEED_BYTES);
    const { ciphertext, sharedSecret } = sodium.crypto_kem_mlkem768_enc_deterministic(
      kem.publicKey,
      encapsulationSeed,
    );
    wipe(encapsulationSeed);
    const handshake: PqxdhHandshake = {
      initiator: publicIdentity(me),
      baseKey: ephemeral.publicKey,
      signedPrekeyId: bundle.signedPrekey.id,
      kemPrekeyId: kem.id,
      kemPrekeyKind: kem.kind,
      oneTimePrekeyId: bundle.oneTimePrekey?.id ?? null,
      kemCiphertext: ciphertext,
    };
    const secrets = deriveSecrets(dhOutputs, sharedSecret, handshake, {
      identity: bundle.identity,
      device: bundle.device,
      signedPrekey: bundle.signedPrekey.publicKey,
      kemPrekey: kem.publicKey,
      oneTimePrekey: bundle.oneTimePrekey?.publicKey ?? null,
    });
    return { secrets, handshake };
  } finally {
    wipe(ephemeral.secretKey);
  }
}

/** True when the handshake used a one-time prekey of either kind, whose deletion stops a replay. */
export function usesOneTimePrekey(handshake: PqxdhHandshake): boolean {
  return handshake.oneTimePrekeyId !== null || handshake.kemPrekeyKind === 'one-time';
}

/**
 * The responder's side: looks the prekeys up by id and derives the same secrets. It consumes
 * no one-time prekey: the caller does that once the first message has decrypted, so a forged
 * handshake cannot burn one.
 */
export function pqxdhRespond(
  me: Identity,
  store: PrekeyStore,
  handshake: PqxdhHandshake,
): { secrets: PqxdhSecrets; signedPrekey: PrivateSignedPrekey } {
  if (
    !verifyPublicIdentity(handshake.initiator) ||
    !isUsableX25519PublicKey(handshake.initiator.exchangeKey)
  ) {
    throw new CryptoError('BAD_SIGNATURE', 'initiator identity does not verify');
  }
  // Non-canonical keys are refused outright, not normalised: a client finds the session of a
  // repeated prekey message by its base key's bytes, so each key must have exactly one encoding.
  if (!isCanonicalX25519PublicKey(handshake.initiator.exchangeKey))
    throw new CryptoError('BAD_KEY', 'non-canonical initiator key');
  if (!isUsableX25519PublicKey(handshake.baseKey) || !isCanonicalX25519PublicKey(handshake.baseKey))
    throw new CryptoError('BAD_KEY', 'unusable or non-canonical base key');
  const signedPrekey = store.signedPrekey(handshake.signedPrekeyId);
  if (signedPrekey === undefined) throw new CryptoError('BAD_KEY', 'unknown or expired prekey');
  const kemPrekey =
    handshake.kemPrekeyKind === 'one-time'
      ? store.oneTimeKemPrekey(handshake.kemPrekeyId)
      : store.kemPrekey(handshake.kemPrekeyId);
  if (kemPrekey === undefined) {
    // Consumed one-time KEM prekeys are deleted: almost always a replayed handshake.
    if (handshake.kemPrekeyKind === 'one-time')
      throw new CryptoError('REPLAY', 'unknown or already used one-time KEM prekey');
    throw new CryptoError('BAD_KEY', 'unknown or expired prekey');
  }
  const oneTimePrekey =
    handshake.oneTimePrekeyId === null ? undefined : store.oneTimePrekey(handshake.oneTimePrekeyId);
  if (handshake.oneTimePrekeyId !== null && oneTimePrekey === undefined) {
    // Consumed one-time prekeys are deleted, so this is almost always a replayed handshake.
    throw new CryptoError('REPLAY', 'unknown or already used one-time prekey');
  }
  if (!usesOneTimePrekey(handshake)) {
    if (store.hasUsedBaseKey(handshake.baseKey))
      throw new CryptoError('REPLAY', 'handshake already accepted');
    // Accepted only if its base key can be remembered until the signed prekey is pruned.
    if (!store.canRememberBaseKey(handshake.signedPrekeyId)) {
      throw new CryptoError(
        'BAD_KEY',
        'signed prekey has accepted its quota of handshakes without a one-time prekey',
      );
    }
  }
  if (handshake.kemCiphertext.length !== MLKEM768_CIPHERTEXT_BYTES) {
    throw new CryptoError('BAD_LENGTH', 'bad KEM ciphertext length');
  }
  const dhOutputs = [
    x25519(signedPrekey.keyPair.secretKey, handshake.initiator.exchangeKey),
    x25519(me.exchange.secretKey, handshake.baseKey),
    x25519(signedPrekey.keyPair.secretKey, handshake.baseKey),
  ];
  if (oneTimePrekey !== undefined)
    dhOutputs.push(x25519(oneTimePrekey.keyPair.secretKey, handshake.baseKey));
  // ML-KEM decapsulation rejects implicitly: a tampered ciphertext yields an unrelated secret,
  // and the first message then fails to decrypt.
  const kemSecret = sodium.crypto_kem_mlkem768_dec(handshake.kemCiphertext, kemPrekey.secretKey);
  return {
    secrets: deriveSecrets(dhOutputs, kemSecret, handshake, {
      identity: publicIdentity(me),
      device: store.device,
      signedPrekey: signedPrekey.keyPair.publicKey,
      kemPrekey: kemPrekey.publicKey,
      oneTimePrekey: oneTimePrekey?.keyPair.publicKey ?? null,
    }),
    signedPrekey,
  };
}

/** Fixed-length encoding (PQXDH_HANDSHAKE_BYTES) of the handshake, without a format header. */
export function encodePqxdhHandshake(handshake: PqxdhHandshake): Uint8Array {
  return writePublicIdentity(new ByteWriter(), handshake.initiator, 'initiator')
    .fixed(handshake.baseKey, X25519_KEY_BYTES, 'base key')
    .u32(handshake.signedPrekeyId, 'signed prekey id')
    .u32(handshake.kemPrekeyId, 'KEM prekey id')
    .u8(handshake.kemPrekeyKind === 'one-time' ? 1 : 0)
    .u8(handshake.oneTimePrekeyId === null ? 0 : 1)
    .u32(handshake.oneTimePrekeyId ?? 0, 'one-time prekey id')
    .fixed(handshake.kemCiphertext, MLKEM768_CIPHERTEXT_BYTES, 'KEM ciphertext')
    .finish();
}

export function decodePqxdhHandshake(reader: ByteReader): PqxdhHandshake {
  const initiator = readPublicIdentity(reader);
  const baseKey = reader.fixed(X25519_KEY_BYTES);
  const signedPrekeyId = reader.u32();
  const kemPrekeyId = reader.u32();
  const kemPrekeyKind: KemPrekeyKind = reader.flag() ? 'one-time' : 'last-resort';
  const hasOneTimePrekey = reader.flag();
  const oneTimePrekeyId = reader.u32();
  if (!hasOneTimePrekey && oneTimePrekeyId !== 0)
    throw new CryptoError('MALFORMED', 'malformed handshake');
  return {
    initiator,
    baseKey,
    signedPrekeyId,
    kemPrekeyId,
    kemPrekeyKind,
    oneTimePrekeyId: hasOneTimePrekey ? oneTimePrekeyId : null,
    kemCiphertext: reader.fixed(MLKEM768_CIPHERTEXT_BYTES),
  };
}
