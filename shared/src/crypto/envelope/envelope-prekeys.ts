// Envelope prekeys: the rotating X-Wing keys sealed envelopes are wrapped to, instead of the
// long-term identity keys, so that deleting a prekey's secret after its rotation and grace period
// makes every envelope sealed to it unreadable for good (forward secrecy), and so that a quantum
// computer alone does not open them (X-Wing is hybrid). Each one names its validity and is signed
// by its owner's identity signing key; a sender seals only to a prekey that verifies and is valid.
import { randomBytes, transcript, u32be } from '../primitives/bytes.js';
import { u64be } from '../primitives/byte-reader.js';
import { CryptoError } from '../primitives/errors.js';
import { label } from '../primitives/format.js';
import type { Identity } from '../identity/identity.js';
import {
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  sign,
  verify,
} from '../primitives/primitives.js';
import { isU32 } from '../primitives/session-codec.js';
import {
  XWING_PUBLIC_KEY_BYTES,
  XWING_SECRET_KEY_BYTES,
  xwingKeyPair,
} from '../primitives/xwing.js';

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** The owner makes a new envelope prekey this often (EnvelopePrekeyStore.needsRotation). */
export const ENVELOPE_PREKEY_ROTATION_MS = 7 * DAY_MS;
/**
 * Longest validity (expiresAt − createdAt) a prekey may claim, and the one the store gives: the
 * rotation period plus a week in which an owner who is offline still receives envelopes.
 */
export const ENVELOPE_PREKEY_LIFETIME_MS = 14 * DAY_MS;
/**
 * How long after its expiry a secret is kept, so envelopes sealed just before it can still be
 * opened; then `prune` deletes it. Every envelope stays readable at least this long after it was
 * sealed, and none longer than LIFETIME + GRACE (44 days) after its prekey was made.
 */
export const ENVELOPE_PREKEY_GRACE_MS = 30 * DAY_MS;
/** A prekey made by a clock this far ahead is still accepted (validity starts only then). */
export const ENVELOPE_PREKEY_CLOCK_SKEW_MS = 5 * MINUTE_MS;

/** The public half an owner publishes; `signature` covers every other field. */
export interface EnvelopePrekey {
  /** Random non-zero u32, unique among the owner's held prekeys. */
  readonly id: number;
  /** X-Wing encapsulation key (XWING_PUBLIC_KEY_BYTES). */
  readonly publicKey: Uint8Array;
  readonly createdAt: number;
  /** Senders refuse the prekey from this moment on. */
  readonly expiresAt: number;
  /** Ed25519 by the owner's identity signing key over envelopePrekeyTranscript. */
  readonly signature: Uint8Array;
}

/** What opening an envelope needs: a prekey's id, its public key and its X-Wing secret (seed). */
export interface EnvelopeOpeningKey {
  readonly id: number;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface PrivateEnvelopePrekey extends EnvelopePrekey, EnvelopeOpeningKey {}

/** A recipient to seal to: a prekey and the identity signing key it must be signed by. */
export interface EnvelopeRecipient {
  /** From a trusted source, e.g. the moderator's root-signed certificate; never the server's word. */
  readonly signingKey: Uint8Array;
  readonly prekey: EnvelopePrekey;
}

function envelopePrekeyTranscript(
  prekey: Pick<EnvelopePrekey, 'id' | 'publicKey' | 'createdAt' | 'expiresAt'>,
): Uint8Array {
  return transcript(
    label('envelope-prekey'),
    u32be(prekey.id),
    u64be(prekey.createdAt),
    u64be(prekey.expiresAt),
    prekey.publicKey,
  );
}

/** Makes a prekey valid from `now` for `lifetimeMs`, signed by `identity`. */
export function generateEnvelopePrekey(
  identity: Identity,
  options: { readonly id: number; readonly now: number; readonly lifetimeMs?: number },
): PrivateEnvelopePrekey {
  const lifetimeMs = options.lifetimeMs ?? ENVELOPE_PREKEY_LIFETIME_MS;
  if (!isU32(options.id) || options.id === 0) {
    throw new CryptoError('BAD_LENGTH', 'envelope prekey id must be a non-zero u32');
  }
  if (
    !Number.isSafeInteger(options.now) ||
    options.now < 0 ||
    !Number.isSafeInteger(lifetimeMs) ||
    lifetimeMs < 1 ||
    lifetimeMs > ENVELOPE_PREKEY_LIFETIME_MS
  ) {
    throw new CryptoError(
      'BAD_LENGTH',
      `envelope prekey lifetime must be 1..${ENVELOPE_PREKEY_LIFETIME_MS} ms from a valid time`,
    );
  }
  const { publicKey, secretKey } = xwingKeyPair();
  const fields = {
    id: options.id,
    publicKey,
    createdAt: options.now,
    expiresAt: options.now + lifetimeMs,
  };
  const signature = sign(identity.signing.secretKey, envelopePrekeyTranscript(fields));
  return { ...fields, signature, secretKey };
}

/** The public half of a private prekey, for publishing. */
export function publicEnvelopePrekey(prekey: EnvelopePrekey): EnvelopePrekey {
  return {
    id: prekey.id,
    publicKey: prekey.publicKey,
    createdAt: prekey.createdAt,
    expiresAt: prekey.expiresAt,
    signature: prekey.signature,
  };
}

/**
 * Checks a prekey before anything is sealed to it or it is stored: MALFORMED for a wrong shape,
 * BAD_SIGNATURE unless `signingKey` signed exactly these fields, UNTRUSTED for a validity longer
 * than ENVELOPE_PREKEY_LIFETIME_MS, one that has not begun (beyond the clock skew) or has ended.
 */
export function verifyEnvelopePrekey(
  signingKey: Uint8Array,
  prekey: EnvelopePrekey,
  options: { readonly now: number },
): void {
  if (!hasEnvelopePrekeyShape(prekey) || !(signingKey instanceof Uint8Array)) {
    throw new CryptoError('MALFORMED', 'not an envelope prekey');
  }
  if (
    signingKey.length !== ED25519_PUBLIC_KEY_BYTES ||
    !verify(signingKey, envelopePrekeyTranscript(prekey), prekey.signature)
  ) {
    throw new CryptoError('BAD_SIGNATURE', 'envelope prekey is not signed by that identity');
  }
  if (
    prekey.expiresAt <= prekey.createdAt ||
    prekey.expiresAt - prekey.createdAt > ENVELOPE_PREKEY_LIFETIME_MS
  ) {
    throw new CryptoError('UNTRUSTED', 'envelope prekey claims too long a validity');
  }
  if (!Number.isSafeInteger(options.now) || options.now < 0) {
    throw new CryptoError('BAD_LENGTH', 'now must be a non-negative safe integer');
  }
  if (options.now + ENVELOPE_PREKEY_CLOCK_SKEW_MS < prekey.createdAt) {
    throw new CryptoError('UNTRUSTED', 'envelope prekey is not valid yet');
  }
  if (options.now >= prekey.expiresAt) {
    throw new CryptoError('UNTRUSTED', 'envelope prekey has expired');
  }
}

function hasEnvelopePrekeyShape(prekey: EnvelopePrekey): boolean {
  return (
    isU32(prekey.id) &&
    prekey.id !== 0 &&
    prekey.publicKey instanceof Uint8Array &&
    prekey.publicKey.length === XWING_PUBLIC_KEY_BYTES &&
    prekey.signature instanceof Uint8Array &&
    prekey.signature.length === ED25519_SIGNATURE_BYTES &&
    Number.isSafeInteger(prekey.createdAt) &&
    prekey.createdAt >= 0 &&
    Number.isSafeInteger(prekey.expiresAt) &&
    prekey.expiresAt >= 0
  );
}

/** True for an opening key of the right shape (the store checks this when it loads). */
export function isEnvelopeOpeningKey(key: EnvelopeOpeningKey): boolean {
  return (
    isU32(key.id) &&
    key.publicKey instanceof Uint8Array &&
    key.publicKey.length === XWING_PUBLIC_KEY_BYTES &&
    key.secretKey instanceof Uint8Array &&
    key.secretKey.length === XWING_SECRET_KEY_BYTES
  );
}

/** A fresh random non-zero u32 prekey id, so ids do not count rotations. */
export function randomEnvelopePrekeyId(): number {
  for (;;) {
    const bytes = randomBytes(4);
    const id = new DataView(bytes.buffer).getUint32(0, false);
    if (id !== 0) return id;
  }
}
