// Sealed multi-recipient envelopes for request details: the body is signed by the sender inside
// the ciphertext and encrypted once under a random content key, which is wrapped to each recipient
// in a fixed number of shuffled slots, so the server learns neither who can read it nor how many.
import {
  concatBytes,
  equalBytes,
  expectLength,
  randomBytes,
  randomIndex,
  transcript,
  wipe,
} from '../primitives/bytes.js';
import { CryptoError } from '../primitives/errors.js';
import {
  FORMAT_HEADER_BYTES,
  SUITE,
  formatHeader,
  label,
  readFormatHeader,
} from '../primitives/format.js';
import type { Identity } from '../identity/identity.js';
import {
  MAX_UNPADDED_BYTES,
  PADDING_BUCKETS,
  padToBucket,
  unpadFromBucket,
} from '../primitives/padding.js';
import {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  ED25519_PUBLIC_KEY_BYTES,
  ED25519_SIGNATURE_BYTES,
  X25519_KEY_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  sign,
  verify,
  type KeyPair,
} from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';

/** Every envelope has exactly this many key slots, real or dummy; the most recipients it can hold. */
export const SEALED_ENVELOPE_SLOTS = 16;
/** crypto_box_seal of a content key: ephemeral X25519 key (32) ‖ MAC (16) ‖ encrypted 32-byte key. */
export const SEALED_SLOT_BYTES = sodium.crypto_box_SEALBYTES + AEAD_KEY_BYTES;
export const MAX_SEALED_PLAINTEXT_BYTES = MAX_UNPADDED_BYTES;

const SLOT_MAP_BYTES = Math.ceil(SEALED_ENVELOPE_SLOTS / 8);
const SLOTS_OFFSET = FORMAT_HEADER_BYTES;
const SLOTS_BYTES = SEALED_ENVELOPE_SLOTS * SEALED_SLOT_BYTES;
const SLOT_MAP_OFFSET = SLOTS_OFFSET + SLOTS_BYTES;
const SLOT_MAP_SEALED_BYTES = AEAD_NONCE_BYTES + SLOT_MAP_BYTES + AEAD_TAG_BYTES;
const BODY_OFFSET = SLOT_MAP_OFFSET + SLOT_MAP_SEALED_BYTES;
const INNER_OVERHEAD = ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES;
const BODY_OVERHEAD = AEAD_NONCE_BYTES + INNER_OVERHEAD + AEAD_TAG_BYTES;

export interface SealOptions {
  /**
   * Bytes naming what this envelope is for (e.g. the request id), bound into the signature and
   * the body's associated data; open with the same context. It keeps a recipient from passing
   * the signed body off as the sender's words about something else.
   */
  readonly context?: Uint8Array;
}

export interface OpenOptions extends SealOptions {
  /** When given, an envelope signed by any other key is refused as UNTRUSTED. */
  readonly expectedSenderSigningKey?: Uint8Array;
}

export interface OpenedEnvelope {
  readonly plaintext: Uint8Array;
  /** Ed25519 key that signed the body; the caller decides whether it is who it should be. */
  readonly senderSigningKey: Uint8Array;
}

/** The total size of an envelope for a plaintext of `length` bytes: independent of recipients. */
export function sealedEnvelopeLength(length: number): number {
  const bucket = PADDING_BUCKETS.find((size) => length < size);
  if (bucket === undefined) {
    throw new CryptoError(
      'BAD_LENGTH',
      `plaintext must be at most ${MAX_SEALED_PLAINTEXT_BYTES} bytes`,
    );
  }
  return BODY_OFFSET + BODY_OVERHEAD + bucket;
}

/**
 * Pads, signs and encrypts `plaintext` once, and wraps its content key to each recipient's X25519
 * exchange key (duplicates are wrapped once). Recipients' keys must already be trusted: for
 * moderators, verified through the trust chain.
 */
export function sealEnvelope(
  plaintext: Uint8Array,
  sender: Identity,
  recipientExchangeKeys: readonly Uint8Array[],
  options: SealOptions = {},
): Uint8Array {
  const recipients = uniqueKeys(recipientExchangeKeys);
  if (recipients.length < 1 || recipients.length > SEALED_ENVELOPE_SLOTS) {
    throw new CryptoError('BAD_LENGTH', `an envelope has 1..${SEALED_ENVELOPE_SLOTS} recipients`);
  }
  const header = formatHeader(SUITE.sealedEnvelope);
  const context = options.context ?? new Uint8Array(0);
  const padded = padToBucket(plaintext);
  const signature = sign(
    sender.signing.secretKey,
    signatureTranscript(header, context, sender.signing.publicKey, padded),
  );
  const inner = concatBytes(sender.signing.publicKey, signature, padded);
  wipe(padded);

  const contentKey = randomBytes(AEAD_KEY_BYTES);
  try {
    const bodyNonce = randomBytes(AEAD_NONCE_BYTES);
    const body = concatBytes(
      bodyNonce,
      aeadEncrypt(contentKey, bodyNonce, inner, bodyAssociatedData(header, context)),
    );
    wipe(inner);

    const slots: Uint8Array[] = recipients.map((key) => wrapContentKey(contentKey, key));
    const occupied: boolean[] = slots.map(() => true);
    while (slots.length < SEALED_ENVELOPE_SLOTS) {
      slots.push(dummySlot());
      occupied.push(false);
    }
    shuffleTogether(slots, occupied);
    const slotBytes = concatBytes(...slots);
    const slotMap = sealSlotMap(contentKey, header, context, slotBytes, bodyNonce, occupied);
    return concatBytes(header, slotBytes, slotMap, body);
  } finally {
    wipe(contentKey);
  }
}

/**
 * Opens an envelope with the recipient's X25519 exchange key pair. Every slot is tried, whether or
 * not an earlier one opened, so timing does not reveal the slot. Anyone not among the recipients,
 * and any tampering, gets DECRYPT_FAILED; a body not signed by its embedded key gets BAD_SIGNATURE.
 */
export function openEnvelope(
  envelope: Uint8Array,
  recipient: KeyPair,
  options: OpenOptions = {},
): OpenedEnvelope {
  const parts = splitEnvelope(envelope);
  const context = options.context ?? new Uint8Array(0);
  const contentKey = unwrapContentKey(parts.slots, recipient);
  try {
    openSlotMap(contentKey, parts, context);
    return openBody(contentKey, parts, context, options.expectedSenderSigningKey);
  } finally {
    wipe(contentKey);
  }
}

/**
 * Wraps the content key for one more recipient in a free (dummy) slot, chosen at random, without
 * re-encrypting the body: how a moderator approving a match shares a request with the volunteer.
 * The opener must itself be a recipient; the body and its signature are checked first.
 * BAD_LENGTH when all slots are taken.
 */
export function addEnvelopeRecipient(
  envelope: Uint8Array,
  opener: KeyPair,
  newRecipientExchangeKey: Uint8Array,
  options: OpenOptions = {},
): Uint8Array {
  expectLength(newRecipientExchangeKey, X25519_KEY_BYTES, 'recipient exchange key');
  const parts = splitEnvelope(envelope);
  const context = options.context ?? new Uint8Array(0);
  const contentKey = unwrapContentKey(parts.slots, opener);
  try {
    const occupied = openSlotMap(contentKey, parts, context);
    const opened = openBody(contentKey, parts, context, options.expectedSenderSigningKey);
    wipe(opened.plaintext);
    const free = occupied.flatMap((taken, index) => (taken ? [] : [index]));
    if (free.length === 0)
      throw new CryptoError('BAD_LENGTH', 'the envelope has no free recipient slot');
    const index = free[randomIndex(free.length)]!;
    const slots = parts.slots.slice();
    slots.set(wrapContentKey(contentKey, newRecipientExchangeKey), index * SEALED_SLOT_BYTES);
    occupied[index] = true;
    const slotMap = sealSlotMap(
      contentKey,
      parts.header,
      context,
      slots,
      parts.bodyNonce,
      occupied,
    );
    return concatBytes(parts.header, slots, slotMap, parts.body);
  } finally {
    wipe(contentKey);
  }
}

interface EnvelopeParts {
  readonly header: Uint8Array;
  readonly slots: Uint8Array;
  readonly slotMap: Uint8Array;
  /** Body nonce ‖ body ciphertext, exactly as stored (addEnvelopeRecipient copies it unchanged). */
  readonly body: Uint8Array;
  readonly bodyNonce: Uint8Array;
}

/** Checks the header and that the length is one of the bucket sizes, then slices; no crypto yet. */
function splitEnvelope(envelope: Uint8Array): EnvelopeParts {
  readFormatHeader(envelope, SUITE.sealedEnvelope);
  const bucket = envelope.length - BODY_OFFSET - BODY_OVERHEAD;
  if (!(PADDING_BUCKETS as readonly number[]).includes(bucket)) {
    throw new CryptoError('MALFORMED', 'sealed envelope has an impossible length');
  }
  const body = envelope.subarray(BODY_OFFSET);
  return {
    header: envelope.subarray(0, FORMAT_HEADER_BYTES),
    slots: envelope.subarray(SLOTS_OFFSET, SLOTS_OFFSET + SLOTS_BYTES),
    slotMap: envelope.subarray(SLOT_MAP_OFFSET, BODY_OFFSET),
    body,
    bodyNonce: body.subarray(0, AEAD_NONCE_BYTES),
  };
}

function wrapContentKey(contentKey: Uint8Array, recipientExchangeKey: Uint8Array): Uint8Array {
  expectLength(recipientExchangeKey, X25519_KEY_BYTES, 'recipient exchange key');
  try {
    return sodium.crypto_box_seal(contentKey, recipientExchangeKey);
  } catch {
    // libsodium refuses keys whose shared secret would be all zero (low-order points).
    throw new CryptoError('BAD_KEY', 'recipient exchange key is unusable');
  }
}

/**
 * A dummy slot must look like a real one: a real X25519 public key (random bytes would have the
 * top bit set half the time, and lie off the curve half the time) followed by random bytes,
 * which a sealed box's ciphertext and MAC are indistinguishable from.
 */
function dummySlot(): Uint8Array {
  const ephemeralSecret = randomBytes(X25519_KEY_BYTES);
  const slot = concatBytes(
    sodium.crypto_scalarmult_base(ephemeralSecret),
    randomBytes(SEALED_SLOT_BYTES - X25519_KEY_BYTES),
  );
  wipe(ephemeralSecret);
  return slot;
}

/** Tries every slot and keeps the first that opens; no early exit. */
function unwrapContentKey(slots: Uint8Array, recipient: KeyPair): Uint8Array {
  expectLength(recipient.publicKey, X25519_KEY_BYTES, 'recipient exchange public key');
  expectLength(recipient.secretKey, X25519_KEY_BYTES, 'recipient exchange secret key');
  let found: Uint8Array | undefined;
  for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1) {
    const slot = slots.subarray(i * SEALED_SLOT_BYTES, (i + 1) * SEALED_SLOT_BYTES);
    let opened: Uint8Array | undefined;
    try {
      opened = sodium.crypto_box_seal_open(slot, recipient.publicKey, recipient.secretKey);
    } catch {
      opened = undefined;
    }
    if (opened !== undefined && found === undefined && opened.length === AEAD_KEY_BYTES)
      found = opened;
    else if (opened !== undefined) wipe(opened);
  }
  if (found === undefined) throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  return found;
}

/**
 * Which slots are real, encrypted under the content key so that only recipients learn it (and so
 * that addEnvelopeRecipient never overwrites another recipient). Its associated data covers every
 * slot, so a recipient detects any change to any slot, dummies included.
 */
function sealSlotMap(
  contentKey: Uint8Array,
  header: Uint8Array,
  context: Uint8Array,
  slots: Uint8Array,
  bodyNonce: Uint8Array,
  occupied: readonly boolean[],
): Uint8Array {
  const map = new Uint8Array(SLOT_MAP_BYTES);
  occupied.forEach((taken, index) => {
    if (taken) map[index >> 3]! |= 1 << (index & 7);
  });
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const associatedData = slotMapAssociatedData(header, context, slots, bodyNonce);
  return concatBytes(nonce, aeadEncrypt(contentKey, nonce, map, associatedData));
}

function openSlotMap(contentKey: Uint8Array, parts: EnvelopeParts, context: Uint8Array): boolean[] {
  const nonce = parts.slotMap.subarray(0, AEAD_NONCE_BYTES);
  const associatedData = slotMapAssociatedData(parts.header, context, parts.slots, parts.bodyNonce);
  const map = aeadDecrypt(
    contentKey,
    nonce,
    parts.slotMap.subarray(AEAD_NONCE_BYTES),
    associatedData,
  );
  expectLength(map, SLOT_MAP_BYTES, 'slot map');
  const occupied: boolean[] = [];
  for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1)
    occupied.push((map[i >> 3]! & (1 << (i & 7))) !== 0);
  return occupied;
}

/** Decrypts, then checks the inner signature before unpadding anything. */
function openBody(
  contentKey: Uint8Array,
  parts: EnvelopeParts,
  context: Uint8Array,
  expectedSender: Uint8Array | undefined,
): OpenedEnvelope {
  const inner = aeadDecrypt(
    contentKey,
    parts.bodyNonce,
    parts.body.subarray(AEAD_NONCE_BYTES),
    bodyAssociatedData(parts.header, context),
  );
  try {
    const senderSigningKey = inner.slice(0, ED25519_PUBLIC_KEY_BYTES);
    const signature = inner.subarray(ED25519_PUBLIC_KEY_BYTES, INNER_OVERHEAD);
    const padded = inner.subarray(INNER_OVERHEAD);
    const signed = signatureTranscript(parts.header, context, senderSigningKey, padded);
    if (!verify(senderSigningKey, signed, signature)) {
      throw new CryptoError('BAD_SIGNATURE', 'envelope signature is invalid');
    }
    if (expectedSender !== undefined && !equalBytes(expectedSender, senderSigningKey)) {
      throw new CryptoError('UNTRUSTED', 'envelope was signed by an unexpected sender');
    }
    return { plaintext: unpadFromBucket(padded), senderSigningKey };
  } finally {
    wipe(inner);
  }
}

function signatureTranscript(
  header: Uint8Array,
  context: Uint8Array,
  senderSigningKey: Uint8Array,
  padded: Uint8Array,
): Uint8Array {
  return transcript(label('sealed-envelope/signature'), header, context, senderSigningKey, padded);
}

function bodyAssociatedData(header: Uint8Array, context: Uint8Array): Uint8Array {
  return transcript(label('sealed-envelope/body'), header, context);
}

function slotMapAssociatedData(
  header: Uint8Array,
  context: Uint8Array,
  slots: Uint8Array,
  bodyNonce: Uint8Array,
): Uint8Array {
  return transcript(label('sealed-envelope/slots'), header, context, slots, bodyNonce);
}

function uniqueKeys(keys: readonly Uint8Array[]): Uint8Array[] {
  const unique: Uint8Array[] = [];
  for (const key of keys) {
    expectLength(key, X25519_KEY_BYTES, 'recipient exchange key');
    if (!unique.some((seen) => equalBytes(seen, key))) unique.push(key);
  }
  return unique;
}

/** Fisher–Yates with an unbiased random index (randomIndex), applied to both arrays alike. */
function shuffleTogether<A, B>(first: A[], second: B[]): void {
  for (let i = first.length - 1; i > 0; i -= 1) {
    const j = randomIndex(i + 1);
    [first[i], first[j]] = [first[j]!, first[i]!];
    [second[i], second[j]] = [second[j]!, second[i]!];
  }
}
