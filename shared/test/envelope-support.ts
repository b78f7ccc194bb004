// Test support for sealed envelopes: recipients with envelope prekey stores, and the tools of a
// malicious recipient — recover the content key from its own slot, then re-encrypt the slot map or
// the body with it — written from the format in docs/crypto.md §6, not from the implementation's
// private helpers, so the tests show what someone holding the content key can and cannot forge.
// The slot key, digests and transcripts below therefore repeat sealed-envelope.ts and
// envelope-prekeys.ts on purpose: a second reading of the spec, so a mistake in one shows up as a
// disagreement instead of being shared by the code and its tests. Do not import those helpers here.
import {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  EnvelopePrekeyStore,
  FORMAT_HEADER_BYTES,
  SEALED_ENVELOPE_LAYOUT,
  SEALED_ENVELOPE_SLOTS,
  SEALED_SLOT_BYTES,
  XWING_CIPHERTEXT_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  concatBytes,
  generateIdentity,
  hkdf,
  label,
  randomBytes,
  sodium,
  transcript,
  u32be,
  xwingDecapsulate,
  xwingEncapsulate,
  type EnvelopeOpeningKey,
  type EnvelopeRecipient,
  type Identity,
} from '../src/crypto/index.js';

/** A fixed clock for envelope tests: prekeys are made at NOW and valid for 14 days. */
export const NOW = Date.UTC(2025, 0, 15, 12);
export const DAY = 24 * 60 * 60 * 1000;

export interface Holder {
  readonly identity: Identity;
  readonly store: EnvelopePrekeyStore;
}

/** An account that can receive envelopes: an identity and a store with one current prekey. */
export function holder(now = NOW): Holder {
  const identity = generateIdentity();
  const store = new EnvelopePrekeyStore();
  store.rotate(identity, now);
  return { identity, store };
}

/** What a sender seals to for `h`: its current prekey and the signing key it must be signed by. */
export function recipientOf(h: Holder): EnvelopeRecipient {
  const prekey = h.store.current();
  if (prekey === undefined) throw new Error('no current prekey');
  return { signingKey: h.identity.signing.publicKey, prekey };
}

export function slotsOf(envelope: Uint8Array): Uint8Array[] {
  return Array.from({ length: SEALED_ENVELOPE_SLOTS }, (_, i) => {
    const start = SEALED_ENVELOPE_LAYOUT.slotsOffset + i * SEALED_SLOT_BYTES;
    return envelope.slice(start, start + SEALED_SLOT_BYTES);
  });
}

const EMPTY = new Uint8Array(0);

function header(envelope: Uint8Array): Uint8Array {
  return envelope.slice(0, FORMAT_HEADER_BYTES);
}

function slotKey(
  sharedSecret: Uint8Array,
  envelopeHeader: Uint8Array,
  context: Uint8Array,
  publicKey: Uint8Array,
  ciphertext: Uint8Array,
): { key: Uint8Array; nonce: Uint8Array } {
  const material = hkdf(
    sharedSecret,
    EMPTY,
    transcript(label('sealed-envelope/slot-key'), envelopeHeader, context, publicKey, ciphertext),
    AEAD_KEY_BYTES + AEAD_NONCE_BYTES,
  );
  return { key: material.subarray(0, AEAD_KEY_BYTES), nonce: material.subarray(AEAD_KEY_BYTES) };
}

/** The content key, as a recipient recovers it from its own slot. */
export function recoverContentKey(
  envelope: Uint8Array,
  key: EnvelopeOpeningKey,
  context: Uint8Array,
): Uint8Array {
  for (const slot of slotsOf(envelope)) {
    const ciphertext = slot.subarray(0, XWING_CIPHERTEXT_BYTES);
    const secret = xwingDecapsulate(ciphertext, key.secretKey);
    const { key: k, nonce } = slotKey(secret, header(envelope), context, key.publicKey, ciphertext);
    try {
      return aeadDecrypt(k, nonce, slot.subarray(XWING_CIPHERTEXT_BYTES), EMPTY);
    } catch {
      // not this slot
    }
  }
  throw new Error('not a recipient');
}

/** A real slot wrapping `contentKey` to an X-Wing public key. */
export function wrapTo(
  envelope: Uint8Array,
  contentKey: Uint8Array,
  context: Uint8Array,
  publicKey: Uint8Array,
): Uint8Array {
  const { ciphertext, sharedSecret } = xwingEncapsulate(publicKey);
  const { key, nonce } = slotKey(sharedSecret, header(envelope), context, publicKey, ciphertext);
  return concatBytes(ciphertext, aeadEncrypt(key, nonce, contentKey, EMPTY));
}

export function slotDigest(slot: Uint8Array): Uint8Array {
  return sodium.crypto_hash_sha256(transcript(label('sealed-envelope/slot'), slot));
}

function slotMapAd(envelope: Uint8Array, context: Uint8Array, slots: Uint8Array): Uint8Array {
  const bodyNonce = envelope.subarray(
    SEALED_ENVELOPE_LAYOUT.bodyOffset,
    SEALED_ENVELOPE_LAYOUT.bodyOffset + AEAD_NONCE_BYTES,
  );
  return transcript(label('sealed-envelope/slots'), header(envelope), context, slots, bodyNonce);
}

/** The slot map's plaintext: one record per slot (u8 added ‖ digest 32 ‖ key 32 ‖ signature 64). */
export function openSlotMap(
  envelope: Uint8Array,
  contentKey: Uint8Array,
  context: Uint8Array,
): Uint8Array {
  const { slotMapOffset, bodyOffset, slotsOffset } = SEALED_ENVELOPE_LAYOUT;
  const sealed = envelope.subarray(slotMapOffset, bodyOffset);
  return aeadDecrypt(
    contentKey,
    sealed.subarray(0, AEAD_NONCE_BYTES),
    sealed.subarray(AEAD_NONCE_BYTES),
    slotMapAd(envelope, context, envelope.subarray(slotsOffset, slotMapOffset)),
  );
}

/** The envelope with these slots and this slot map, re-encrypted under the content key. */
export function reseal(
  envelope: Uint8Array,
  contentKey: Uint8Array,
  context: Uint8Array,
  slots: readonly Uint8Array[],
  map: Uint8Array,
): Uint8Array {
  const slotBytes = concatBytes(...slots);
  const nonce = randomBytes(AEAD_NONCE_BYTES);
  const sealedMap = concatBytes(
    nonce,
    aeadEncrypt(contentKey, nonce, map, slotMapAd(envelope, context, slotBytes)),
  );
  return concatBytes(
    header(envelope),
    slotBytes,
    sealedMap,
    envelope.subarray(SEALED_ENVELOPE_LAYOUT.bodyOffset),
  );
}

/**
 * A new envelope carrying the same signed body (sender key, signature, occupancy, padded text)
 * under a fresh content key, its slots wrapped to `publicKeys` and the rest copied from the
 * original: a recipient passing the sender's words on to a recipient set of its own choosing.
 */
export function reuseSignedBody(
  envelope: Uint8Array,
  contentKey: Uint8Array,
  context: Uint8Array,
  publicKeys: readonly Uint8Array[],
): Uint8Array {
  const { bodyOffset } = SEALED_ENVELOPE_LAYOUT;
  const bodyAd = transcript(label('sealed-envelope/body'), header(envelope), context);
  const inner = aeadDecrypt(
    contentKey,
    envelope.subarray(bodyOffset, bodyOffset + AEAD_NONCE_BYTES),
    envelope.subarray(bodyOffset + AEAD_NONCE_BYTES),
    bodyAd,
  );
  const freshKey = randomBytes(AEAD_KEY_BYTES);
  const bodyNonce = randomBytes(AEAD_NONCE_BYTES);
  const body = concatBytes(bodyNonce, aeadEncrypt(freshKey, bodyNonce, inner, bodyAd));
  const slots = slotsOf(envelope);
  publicKeys.forEach((publicKey, i) => {
    slots[i] = wrapTo(envelope, freshKey, context, publicKey);
  });
  const withBody = concatBytes(
    envelope.subarray(0, SEALED_ENVELOPE_LAYOUT.slotMapOffset),
    envelope.subarray(SEALED_ENVELOPE_LAYOUT.slotMapOffset, bodyOffset),
    body,
  );
  const map = new Uint8Array(SEALED_ENVELOPE_SLOTS * SEALED_ENVELOPE_LAYOUT.slotRecordBytes);
  return reseal(withBody, freshKey, context, slots, map);
}

/** Whether slot `index` alone opens for `key`. */
export function slotOpensFor(
  envelope: Uint8Array,
  index: number,
  key: EnvelopeOpeningKey,
  context: Uint8Array,
): boolean {
  const slot = slotsOf(envelope)[index]!;
  const ciphertext = slot.subarray(0, XWING_CIPHERTEXT_BYTES);
  const secret = xwingDecapsulate(ciphertext, key.secretKey);
  const { key: k, nonce } = slotKey(secret, header(envelope), context, key.publicKey, ciphertext);
  try {
    aeadDecrypt(k, nonce, slot.subarray(XWING_CIPHERTEXT_BYTES), EMPTY);
    return true;
  } catch {
    return false;
  }
}

/** The sender's signature, from the decrypted body (sender key 32 ‖ signature 64 ‖ …). */
export function senderSignatureOf(
  envelope: Uint8Array,
  contentKey: Uint8Array,
  context: Uint8Array,
): Uint8Array {
  const { bodyOffset } = SEALED_ENVELOPE_LAYOUT;
  const inner = aeadDecrypt(
    contentKey,
    envelope.subarray(bodyOffset, bodyOffset + AEAD_NONCE_BYTES),
    envelope.subarray(bodyOffset + AEAD_NONCE_BYTES),
    transcript(label('sealed-envelope/body'), header(envelope), context),
  );
  return inner.slice(32, 96);
}

/** What an adder signs for slot `index` (docs/crypto.md §6). */
export function additionTranscript(
  envelope: Uint8Array,
  context: Uint8Array,
  senderSignature: Uint8Array,
  index: number,
  originalDigest: Uint8Array,
  newDigest: Uint8Array,
): Uint8Array {
  return transcript(
    label('sealed-envelope/addition'),
    header(envelope),
    context,
    senderSignature,
    Uint8Array.of(index),
    originalDigest,
    newDigest,
  );
}

function u64(value: number): Uint8Array {
  return concatBytes(u32be(Math.floor(value / 2 ** 32)), u32be(value % 2 ** 32));
}

/** What an envelope prekey's owner signs (docs/crypto.md §6.1). */
export function envelopePrekeyTranscript(prekey: {
  id: number;
  publicKey: Uint8Array;
  createdAt: number;
  expiresAt: number;
}): Uint8Array {
  return transcript(
    label('envelope-prekey'),
    u32be(prekey.id),
    u64(prekey.createdAt),
    u64(prekey.expiresAt),
    prekey.publicKey,
  );
}
