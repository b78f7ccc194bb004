// Sealed multi-recipient envelopes for request details. The body is encrypted once under a random
// content key, which is wrapped to each recipient's envelope prekey (X-Wing) in a fixed number of
// shuffled slots, the rest filled with dummies that look the same, so the server learns neither
// who can read it nor how many. The sender's signature, inside the ciphertext, covers the body and
// every slot as sealed; a recipient who later shares the envelope (addEnvelopeRecipient) signs
// the slot it filled with its own identity, so every slot is accounted for by a signature.
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
import { hkdf } from '../primitives/hkdf.js';
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
  aeadDecrypt,
  aeadEncrypt,
  sign,
  verify,
} from '../primitives/primitives.js';
import { sodium } from '../primitives/sodium.js';
import {
  XWING_CIPHERTEXT_BYTES,
  xwingDecapsulate,
  xwingEncapsulate,
  xwingKeyPair,
} from '../primitives/xwing.js';
import {
  isEnvelopeOpeningKey,
  verifyEnvelopePrekey,
  type EnvelopeOpeningKey,
  type EnvelopeRecipient,
} from './envelope-prekeys.js';

/** Every envelope has exactly this many key slots, real or dummy; the most recipients it can hold. */
export const SEALED_ENVELOPE_SLOTS = 16;
/** One slot: X-Wing ciphertext ‖ the content key under the slot key (32 + tag 16). */
export const SEALED_SLOT_BYTES = XWING_CIPHERTEXT_BYTES + AEAD_KEY_BYTES + AEAD_TAG_BYTES;
export const MAX_SEALED_PLAINTEXT_BYTES = MAX_UNPADDED_BYTES;
/** Opening keys tried at most (each against every slot): bounds the work a junk envelope causes. */
export const MAX_ENVELOPE_OPENING_KEYS = 16;

const SLOT_DIGEST_BYTES = 32;
const OCCUPANCY_BYTES = Math.ceil(SEALED_ENVELOPE_SLOTS / 8);
/** Per slot: u8 added ‖ original slot digest ‖ adder's signing key ‖ adder's signature. */
const SLOT_RECORD_BYTES =
  1 + SLOT_DIGEST_BYTES + ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES;
const SLOT_MAP_BYTES = SEALED_ENVELOPE_SLOTS * SLOT_RECORD_BYTES;
const SLOT_KEY_MATERIAL_BYTES = AEAD_KEY_BYTES + AEAD_NONCE_BYTES;

const SLOTS_OFFSET = FORMAT_HEADER_BYTES;
const SLOTS_BYTES = SEALED_ENVELOPE_SLOTS * SEALED_SLOT_BYTES;
const SLOT_MAP_OFFSET = SLOTS_OFFSET + SLOTS_BYTES;
const SLOT_MAP_SEALED_BYTES = AEAD_NONCE_BYTES + SLOT_MAP_BYTES + AEAD_TAG_BYTES;
const BODY_OFFSET = SLOT_MAP_OFFSET + SLOT_MAP_SEALED_BYTES;
const INNER_OVERHEAD = ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES + OCCUPANCY_BYTES;
const BODY_OVERHEAD = AEAD_NONCE_BYTES + INNER_OVERHEAD + AEAD_TAG_BYTES;

/** Where each part of an envelope starts (docs/crypto.md §6), for parsers and format tests. */
export const SEALED_ENVELOPE_LAYOUT = {
  slotsOffset: SLOTS_OFFSET,
  slotMapOffset: SLOT_MAP_OFFSET,
  /** Plaintext bytes of one slot record in the slot map. */
  slotRecordBytes: SLOT_RECORD_BYTES,
  bodyOffset: BODY_OFFSET,
} as const;

export interface ContextOption {
  /**
   * Bytes naming what this envelope is for (e.g. the request id), bound into every signature, the
   * slot keys and the associated data; open with the same context. It keeps a recipient from
   * passing the signed body off as the sender's words about something else.
   */
  readonly context?: Uint8Array;
}

export interface SealOptions extends ContextOption {
  /** The sealer's clock: every recipient's prekey must be valid now (verifyEnvelopePrekey). */
  readonly now: number;
}

export interface OpenOptions extends ContextOption {
  /** When given, an envelope signed by any other key is refused as UNTRUSTED. */
  readonly expectedSenderSigningKey?: Uint8Array;
}

export interface OpenedEnvelope {
  readonly plaintext: Uint8Array;
  /** Ed25519 key that signed the body; the caller decides whether it is who it should be. */
  readonly senderSigningKey: Uint8Array;
  /** Id of the opening key (envelope prekey) that opened it. */
  readonly prekeyId: number;
  /**
   * Identity signing key of the recipient who added the opener with addEnvelopeRecipient, or
   * undefined when the sender sealed to the opener itself. The caller decides whether to trust it
   * (a volunteer expects a certified moderator).
   */
  readonly addedBy: Uint8Array | undefined;
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
 * Pads, encrypts and signs `plaintext` once and wraps its content key to each recipient's
 * envelope prekey (a repeated prekey is wrapped once). Every prekey must verify against its
 * recipient's signing key and be valid at `options.now` (BAD_SIGNATURE, UNTRUSTED): take the
 * signing keys from a trusted source, for moderators the root-signed certificates.
 */
export function sealEnvelope(
  plaintext: Uint8Array,
  sender: Identity,
  recipients: readonly EnvelopeRecipient[],
  options: SealOptions,
): Uint8Array {
  const prekeys = uniquePrekeys(recipients, options.now);
  if (prekeys.length < 1 || prekeys.length > SEALED_ENVELOPE_SLOTS) {
    throw new CryptoError('BAD_LENGTH', `an envelope has 1..${SEALED_ENVELOPE_SLOTS} recipients`);
  }
  const header = formatHeader(SUITE.sealedEnvelope);
  const context = options.context ?? new Uint8Array(0);
  const padded = padToBucket(plaintext);
  const contentKey = randomBytes(AEAD_KEY_BYTES);
  try {
    const slots: Uint8Array[] = prekeys.map((publicKey) =>
      wrapContentKey(contentKey, header, context, publicKey),
    );
    const occupied: boolean[] = slots.map(() => true);
    while (slots.length < SEALED_ENVELOPE_SLOTS) {
      slots.push(dummySlot());
      occupied.push(false);
    }
    shuffleTogether(slots, occupied);
    const slotBytes = concatBytes(...slots);
    const occupancy = encodeOccupancy(occupied);
    const signature = sign(
      sender.signing.secretKey,
      signatureTranscript(
        header,
        context,
        sender.signing.publicKey,
        occupancy,
        slots.map(slotDigest),
        padded,
      ),
    );
    const inner = concatBytes(sender.signing.publicKey, signature, occupancy, padded);
    const bodyNonce = randomBytes(AEAD_NONCE_BYTES);
    const body = concatBytes(
      bodyNonce,
      aeadEncrypt(contentKey, bodyNonce, inner, bodyAssociatedData(header, context)),
    );
    wipe(inner);
    const slotMap = sealSlotMap(contentKey, header, context, slotBytes, bodyNonce, emptyRecords());
    return concatBytes(header, slotBytes, slotMap, body);
  } finally {
    wipe(padded);
    wipe(contentKey);
  }
}

/**
 * Opens an envelope with the recipient's envelope prekey secrets (EnvelopePrekeyStore.openingKeys).
 * Every key is tried against every slot, whether or not one opened, so timing shows neither the
 * slot nor the key. Not a recipient, or any tampering with slots, slot map or body:
 * DECRYPT_FAILED. A body or slot set not signed as sealed, or an addition not signed by its
 * adder: BAD_SIGNATURE. A slot the signatures do not account for, or an unexpected sender:
 * UNTRUSTED.
 */
export function openEnvelope(
  envelope: Uint8Array,
  keys: readonly EnvelopeOpeningKey[],
  options: OpenOptions = {},
): OpenedEnvelope {
  const parts = splitEnvelope(envelope);
  const context = options.context ?? new Uint8Array(0);
  const found = unwrapContentKey(parts, context, keys);
  try {
    const verified = verifyContents(found, parts, context, options.expectedSenderSigningKey);
    try {
      return {
        plaintext: unpadFromBucket(verified.padded),
        senderSigningKey: verified.senderSigningKey,
        prekeyId: found.keyId,
        addedBy: verified.records[found.slot]?.adderSigningKey,
      };
    } finally {
      wipe(verified.inner);
    }
  } finally {
    wipe(found.contentKey);
  }
}

/**
 * Wraps the content key for one more recipient in a free (dummy) slot chosen at random, without
 * re-encrypting the body: how a moderator approving a match shares a request with the volunteer.
 * The adder must be able to open the envelope (its `keys`), everything is verified first, the new
 * recipient's prekey must verify and be valid at `options.now`, and the adder signs the change
 * with its identity (the new recipient sees it as `addedBy`). BAD_LENGTH when no slot is free.
 */
export function addEnvelopeRecipient(
  envelope: Uint8Array,
  adder: { readonly identity: Identity; readonly keys: readonly EnvelopeOpeningKey[] },
  recipient: EnvelopeRecipient,
  options: SealOptions & OpenOptions,
): Uint8Array {
  const [newPrekey] = uniquePrekeys([recipient], options.now);
  const parts = splitEnvelope(envelope);
  const context = options.context ?? new Uint8Array(0);
  const found = unwrapContentKey(parts, context, adder.keys);
  try {
    const verified = verifyContents(found, parts, context, options.expectedSenderSigningKey);
    wipe(verified.inner);
    const free: number[] = [];
    for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1) {
      if (!verified.occupied[i] && verified.records[i] === undefined) free.push(i);
    }
    if (free.length === 0) {
      throw new CryptoError('BAD_LENGTH', 'the envelope has no free recipient slot');
    }
    const index = free[randomIndex(free.length)]!;
    const slots = parts.slots.slice();
    const originalDigest = slotDigest(slotAt(slots, index));
    const newSlot = wrapContentKey(found.contentKey, parts.header, context, newPrekey!);
    slots.set(newSlot, index * SEALED_SLOT_BYTES);
    const adderSigningKey = adder.identity.signing.publicKey;
    const adderSignature = sign(
      adder.identity.signing.secretKey,
      additionTranscript(
        parts.header,
        context,
        verified.signature,
        index,
        originalDigest,
        slotDigest(newSlot),
      ),
    );
    const records = verified.records.slice();
    records[index] = { originalDigest, adderSigningKey, adderSignature };
    const slotMap = sealSlotMap(
      found.contentKey,
      parts.header,
      context,
      slots,
      parts.bodyNonce,
      records,
    );
    return concatBytes(parts.header, slots, slotMap, parts.body);
  } finally {
    wipe(found.contentKey);
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

/** A slot filled after sealing, with the adder's signature over the change. */
interface SlotRecord {
  /** Digest of the (dummy) slot the sender had sealed there, which its signature covers. */
  readonly originalDigest: Uint8Array;
  readonly adderSigningKey: Uint8Array;
  readonly adderSignature: Uint8Array;
}

type SlotRecords = readonly (SlotRecord | undefined)[];

interface FoundKey {
  readonly contentKey: Uint8Array;
  readonly slot: number;
  readonly keyId: number;
}

interface VerifiedContents {
  readonly senderSigningKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly occupied: readonly boolean[];
  readonly records: SlotRecords;
  /** The decrypted inner body; `padded` is a view of it. Wipe when done. */
  readonly inner: Uint8Array;
  readonly padded: Uint8Array;
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

function slotAt(slots: Uint8Array, index: number): Uint8Array {
  return slots.subarray(index * SEALED_SLOT_BYTES, (index + 1) * SEALED_SLOT_BYTES);
}

/** The slot key and nonce: bound to the envelope's header and context, the prekey and the ciphertext. */
function slotKeyMaterial(
  sharedSecret: Uint8Array,
  header: Uint8Array,
  context: Uint8Array,
  prekeyPublicKey: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  return hkdf(
    sharedSecret,
    new Uint8Array(0),
    transcript(label('sealed-envelope/slot-key'), header, context, prekeyPublicKey, ciphertext),
    SLOT_KEY_MATERIAL_BYTES,
  );
}

function wrapContentKey(
  contentKey: Uint8Array,
  header: Uint8Array,
  context: Uint8Array,
  prekeyPublicKey: Uint8Array,
): Uint8Array {
  const { ciphertext, sharedSecret } = xwingEncapsulate(prekeyPublicKey);
  const material = slotKeyMaterial(sharedSecret, header, context, prekeyPublicKey, ciphertext);
  wipe(sharedSecret);
  try {
    const wrapped = aeadEncrypt(
      material.subarray(0, AEAD_KEY_BYTES),
      material.subarray(AEAD_KEY_BYTES),
      contentKey,
      new Uint8Array(0),
    );
    return concatBytes(ciphertext, wrapped);
  } finally {
    wipe(material);
  }
}

/**
 * A dummy slot must look like a real one: an X-Wing ciphertext for a fresh random key (so its
 * X25519 half is a real curve point and its ML-KEM half is a real ciphertext), then random bytes,
 * which an AEAD output under a fresh key is indistinguishable from.
 */
function dummySlot(): Uint8Array {
  const { publicKey, secretKey } = xwingKeyPair();
  wipe(secretKey);
  const { ciphertext, sharedSecret } = xwingEncapsulate(publicKey);
  wipe(sharedSecret);
  return concatBytes(ciphertext, randomBytes(AEAD_KEY_BYTES + AEAD_TAG_BYTES));
}

/** Tries every key on every slot and keeps the first that opens; no early exit. */
function unwrapContentKey(
  parts: EnvelopeParts,
  context: Uint8Array,
  keys: readonly EnvelopeOpeningKey[],
): FoundKey {
  if (keys.length > MAX_ENVELOPE_OPENING_KEYS) {
    throw new CryptoError('BAD_LENGTH', `at most ${MAX_ENVELOPE_OPENING_KEYS} opening keys`);
  }
  for (const key of keys) {
    if (!isEnvelopeOpeningKey(key)) throw new CryptoError('BAD_LENGTH', 'not an opening key');
  }
  let found: FoundKey | undefined;
  for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1) {
    const slot = slotAt(parts.slots, i);
    const ciphertext = slot.subarray(0, XWING_CIPHERTEXT_BYTES);
    const wrapped = slot.subarray(XWING_CIPHERTEXT_BYTES);
    for (const key of keys) {
      const sharedSecret = xwingDecapsulate(ciphertext, key.secretKey);
      const material = slotKeyMaterial(
        sharedSecret,
        parts.header,
        context,
        key.publicKey,
        ciphertext,
      );
      wipe(sharedSecret);
      let opened: Uint8Array | undefined;
      try {
        opened = aeadDecrypt(
          material.subarray(0, AEAD_KEY_BYTES),
          material.subarray(AEAD_KEY_BYTES),
          wrapped,
          new Uint8Array(0),
        );
      } catch {
        opened = undefined;
      } finally {
        wipe(material);
      }
      if (opened !== undefined && found === undefined && opened.length === AEAD_KEY_BYTES) {
        found = { contentKey: opened, slot: i, keyId: key.id };
      } else if (opened !== undefined) wipe(opened);
    }
  }
  if (found === undefined) throw new CryptoError('DECRYPT_FAILED', 'decryption failed');
  return found;
}

/**
 * Opens the slot map and the body, then checks every signature before anything is unpadded: each
 * added slot's adder signature (and that it replaced a dummy), the sender's signature over the
 * body and the slots as sealed, the slot that opened being accounted for, and the sender.
 */
function verifyContents(
  found: FoundKey,
  parts: EnvelopeParts,
  context: Uint8Array,
  expectedSender: Uint8Array | undefined,
): VerifiedContents {
  const records = openSlotMap(found.contentKey, parts, context);
  const inner = aeadDecrypt(
    found.contentKey,
    parts.bodyNonce,
    parts.body.subarray(AEAD_NONCE_BYTES),
    bodyAssociatedData(parts.header, context),
  );
  try {
    if (inner.length < INNER_OVERHEAD)
      throw new CryptoError('MALFORMED', 'envelope body too short');
    const senderSigningKey = inner.slice(0, ED25519_PUBLIC_KEY_BYTES);
    const signature = inner.slice(
      ED25519_PUBLIC_KEY_BYTES,
      ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES,
    );
    const occupancy = inner.subarray(
      ED25519_PUBLIC_KEY_BYTES + ED25519_SIGNATURE_BYTES,
      INNER_OVERHEAD,
    );
    const occupied = decodeOccupancy(occupancy);
    const padded = inner.subarray(INNER_OVERHEAD);
    const sealedDigests: Uint8Array[] = [];
    for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1) {
      const record = records[i];
      const current = slotDigest(slotAt(parts.slots, i));
      if (record === undefined) {
        sealedDigests.push(current);
        continue;
      }
      const signed = additionTranscript(
        parts.header,
        context,
        signature,
        i,
        record.originalDigest,
        current,
      );
      if (occupied[i] || !verify(record.adderSigningKey, signed, record.adderSignature)) {
        throw new CryptoError('BAD_SIGNATURE', 'an added slot is not signed by its adder');
      }
      sealedDigests.push(record.originalDigest);
    }
    const signed = signatureTranscript(
      parts.header,
      context,
      senderSigningKey,
      occupancy,
      sealedDigests,
      padded,
    );
    if (!verify(senderSigningKey, signed, signature)) {
      throw new CryptoError('BAD_SIGNATURE', 'envelope signature is invalid');
    }
    if (!occupied[found.slot] && records[found.slot] === undefined) {
      throw new CryptoError(
        'UNTRUSTED',
        'the slot that opened is not one the envelope was sealed or shared to',
      );
    }
    if (expectedSender !== undefined && !equalBytes(expectedSender, senderSigningKey)) {
      throw new CryptoError('UNTRUSTED', 'envelope was signed by an unexpected sender');
    }
    return { senderSigningKey, signature, occupied, records, inner, padded };
  } catch (error) {
    wipe(inner);
    throw error;
  }
}

function emptyRecords(): SlotRecords {
  return Array.from({ length: SEALED_ENVELOPE_SLOTS }, () => undefined);
}

/**
 * The slot records (which slots were added, by whom, over what), encrypted under the content key
 * so that only recipients learn them. Fixed size whatever the number of additions; its associated
 * data covers every slot and the body nonce, so anyone without the content key who changes any
 * slot, dummies included, is caught.
 */
function sealSlotMap(
  contentKey: Uint8Array,
  header: Uint8Array,
  context: Uint8Array,
  slots: Uint8Array,
  bodyNonce: Uint8Array,
  records: SlotRecords,
): Uint8Array {
  const map = new Uint8Array(SLOT_MAP_BYTES);
  records.forEach((record, index) => {
    if (record === undefined) return;
    const offset = index * SLOT_RECORD_BYTES;
    map[offset] = 1;
    map.set(record.originalDigest, offset + 1);
    map.set(record.adderSigningKey, offset + 1 + SLOT_DIGEST_BYTES);
    map.set(record.adderSignature, offset + 1 + SLOT_DIGEST_BYTES + ED25519_PUBLIC_KEY_BYTES);
  });
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const associatedData = slotMapAssociatedData(header, context, slots, bodyNonce);
  return concatBytes(nonce, aeadEncrypt(contentKey, nonce, map, associatedData));
}

/** Decrypts and parses the slot records; an unused record must be all zero (MALFORMED otherwise). */
function openSlotMap(
  contentKey: Uint8Array,
  parts: EnvelopeParts,
  context: Uint8Array,
): SlotRecords {
  const nonce = parts.slotMap.subarray(0, AEAD_NONCE_BYTES);
  const associatedData = slotMapAssociatedData(parts.header, context, parts.slots, parts.bodyNonce);
  const map = aeadDecrypt(
    contentKey,
    nonce,
    parts.slotMap.subarray(AEAD_NONCE_BYTES),
    associatedData,
  );
  expectLength(map, SLOT_MAP_BYTES, 'slot map');
  const records: (SlotRecord | undefined)[] = [];
  for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1) {
    const record = map.subarray(i * SLOT_RECORD_BYTES, (i + 1) * SLOT_RECORD_BYTES);
    const flag = record[0]!;
    if (flag === 0 && sodium.is_zero(record)) {
      records.push(undefined);
      continue;
    }
    if (flag !== 1) throw new CryptoError('MALFORMED', 'bad slot record');
    let offset = 1;
    const take = (length: number): Uint8Array => record.slice(offset, (offset += length));
    records.push({
      originalDigest: take(SLOT_DIGEST_BYTES),
      adderSigningKey: take(ED25519_PUBLIC_KEY_BYTES),
      adderSignature: take(ED25519_SIGNATURE_BYTES),
    });
  }
  return records;
}

function encodeOccupancy(occupied: readonly boolean[]): Uint8Array {
  const map = new Uint8Array(OCCUPANCY_BYTES);
  occupied.forEach((taken, index) => {
    if (taken) map[index >> 3]! |= 1 << (index & 7);
  });
  return map;
}

function decodeOccupancy(map: Uint8Array): boolean[] {
  const occupied: boolean[] = [];
  for (let i = 0; i < SEALED_ENVELOPE_SLOTS; i += 1)
    occupied.push((map[i >> 3]! & (1 << (i & 7))) !== 0);
  return occupied;
}

function slotDigest(slot: Uint8Array): Uint8Array {
  return sodium.crypto_hash_sha256(transcript(label('sealed-envelope/slot'), slot));
}

/** What the sender signs: the padded body and every slot as sealed, with which of them are real. */
function signatureTranscript(
  header: Uint8Array,
  context: Uint8Array,
  senderSigningKey: Uint8Array,
  occupancy: Uint8Array,
  sealedDigests: readonly Uint8Array[],
  padded: Uint8Array,
): Uint8Array {
  return transcript(
    label('sealed-envelope/signature'),
    header,
    context,
    senderSigningKey,
    occupancy,
    concatBytes(...sealedDigests),
    padded,
  );
}

/** What an adder signs: which slot of which envelope (the sender's signature names it) it changed. */
function additionTranscript(
  header: Uint8Array,
  context: Uint8Array,
  senderSignature: Uint8Array,
  index: number,
  originalDigest: Uint8Array,
  newDigest: Uint8Array,
): Uint8Array {
  return transcript(
    label('sealed-envelope/addition'),
    header,
    context,
    senderSignature,
    Uint8Array.of(index),
    originalDigest,
    newDigest,
  );
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

/** Verifies every recipient's prekey, then drops repeated prekeys. */
function uniquePrekeys(recipients: readonly EnvelopeRecipient[], now: number): Uint8Array[] {
  const unique: Uint8Array[] = [];
  for (const { signingKey, prekey } of recipients) {
    verifyEnvelopePrekey(signingKey, prekey, { now });
    if (!unique.some((seen) => equalBytes(seen, prekey.publicKey))) unique.push(prekey.publicKey);
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
