// Sealed multi-recipient envelopes: every intended recipient opens, no one else does, any
// tampering is caught, and the envelope's size says nothing about how many recipients it has.
import { describe, expect, it } from 'vitest';
import { FORMAT_HEADER_BYTES } from '../src/crypto/primitives/format.js';
import { generateIdentity } from '../src/crypto/identity/identity.js';
import { MAX_UNPADDED_BYTES } from '../src/crypto/primitives/padding.js';
import { x25519KeyPair, type KeyPair } from '../src/crypto/primitives/primitives.js';
import {
  SEALED_ENVELOPE_SLOTS,
  SEALED_SLOT_BYTES,
  addEnvelopeRecipient,
  openEnvelope,
  sealEnvelope,
  sealedEnvelopeLength,
} from '../src/crypto/envelope/sealed-envelope.js';
import { sodium } from '../src/crypto/primitives/sodium.js';
import { reasonOf } from './reason-of.js';

const SLOTS_END = FORMAT_HEADER_BYTES + SEALED_ENVELOPE_SLOTS * SEALED_SLOT_BYTES;
const sender = generateIdentity();
const moderators: KeyPair[] = Array.from({ length: 3 }, () => x25519KeyPair());
const stranger = x25519KeyPair();
const details = sodium.from_string(
  'Summons for Thursday; need a lawyer in Kazan who speaks Tatar.',
);
const context = sodium.from_string('request:42');

describe('sealEnvelope / openEnvelope', () => {
  const envelope = sealEnvelope(
    details,
    sender,
    moderators.map((m) => m.publicKey),
    { context },
  );

  it('opens for every intended recipient with the plaintext and the signer', () => {
    for (const moderator of moderators) {
      const opened = openEnvelope(envelope, moderator, { context });
      expect(opened.plaintext).toEqual(details);
      expect(opened.senderSigningKey).toEqual(sender.signing.publicKey);
    }
  });

  it('fails with DECRYPT_FAILED for anyone else', () => {
    expect(reasonOf(() => openEnvelope(envelope, stranger, { context }))).toBe('DECRYPT_FAILED');
    expect(reasonOf(() => openEnvelope(envelope, sender.exchange, { context }))).toBe(
      'DECRYPT_FAILED',
    );
  });

  it('refuses another context and an unexpected sender', () => {
    expect(reasonOf(() => openEnvelope(envelope, moderators[0]!))).toBe('DECRYPT_FAILED');
    expect(
      reasonOf(() =>
        openEnvelope(envelope, moderators[0]!, { context: sodium.from_string('request:43') }),
      ),
    ).toBe('DECRYPT_FAILED');
    expect(
      reasonOf(() =>
        openEnvelope(envelope, moderators[0]!, {
          context,
          expectedSenderSigningKey: generateIdentity().signing.publicKey,
        }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      openEnvelope(envelope, moderators[0]!, {
        context,
        expectedSenderSigningKey: sender.signing.publicKey,
      }).plaintext,
    ).toEqual(details);
  });

  it('does not contain the plaintext or any recipient key in the clear', () => {
    const text = sodium.to_hex(envelope);
    expect(text).not.toContain(sodium.to_hex(details.subarray(0, 16)));
    for (const moderator of moderators)
      expect(text).not.toContain(sodium.to_hex(moderator.publicKey));
    expect(text).not.toContain(sodium.to_hex(sender.signing.publicKey));
  });

  it('has the same length for 1 and for 10 recipients', () => {
    const one = sealEnvelope(details, sender, [moderators[0]!.publicKey]);
    const ten = sealEnvelope(
      details,
      sender,
      Array.from({ length: 10 }, () => x25519KeyPair().publicKey),
    );
    const full = sealEnvelope(
      details,
      sender,
      Array.from({ length: SEALED_ENVELOPE_SLOTS }, () => x25519KeyPair().publicKey),
    );
    expect(one.length).toBe(ten.length);
    expect(full.length).toBe(one.length);
    expect(one.length).toBe(sealedEnvelopeLength(details.length));
  });

  it('pads to buckets: only the bucket shows in the length', () => {
    const small = sealEnvelope(new Uint8Array(10), sender, [moderators[0]!.publicKey]);
    const edge = sealEnvelope(new Uint8Array(255), sender, [moderators[0]!.publicKey]);
    const larger = sealEnvelope(new Uint8Array(256), sender, [moderators[0]!.publicKey]);
    expect(small.length).toBe(edge.length);
    expect(larger.length - small.length).toBe(1024 - 256);
    expect(openEnvelope(larger, moderators[0]!).plaintext).toEqual(new Uint8Array(256));
  });

  it('gives every real slot a real curve point, like the dummies', () => {
    // A dummy made of random bytes would have the top bit of its ephemeral key set half the time.
    for (let round = 0; round < 8; round += 1) {
      const sealed = sealEnvelope(details, sender, [moderators[0]!.publicKey]);
      for (let slot = 0; slot < SEALED_ENVELOPE_SLOTS; slot += 1) {
        const lastKeyByte = sealed[FORMAT_HEADER_BYTES + slot * SEALED_SLOT_BYTES + 31]!;
        expect(lastKeyByte & 0x80).toBe(0);
      }
    }
  });

  it('detects a flipped bit anywhere: the recipient never gets altered content', () => {
    // Every byte of header, slots and slot map; every 7th byte of the body plus its last byte.
    const positions: number[] = [];
    for (let i = 0; i < envelope.length; i += 1) {
      if (i < SLOTS_END + 64 || i % 7 === 0 || i === envelope.length - 1) positions.push(i);
    }
    for (const i of positions) {
      const tampered = envelope.slice();
      tampered[i]! ^= 0x01;
      const reason = reasonOf(() => openEnvelope(tampered, moderators[1]!, { context }));
      if (i < FORMAT_HEADER_BYTES) expect(['MALFORMED', 'UNSUPPORTED_VERSION']).toContain(reason);
      else expect(reason, `byte ${i}`).toBe('DECRYPT_FAILED');
    }
  });

  it('refuses truncated and extended envelopes before any decryption', () => {
    expect(
      reasonOf(() => openEnvelope(envelope.subarray(0, envelope.length - 1), moderators[0]!)),
    ).toBe('MALFORMED');
    const longer = new Uint8Array(envelope.length + 1);
    longer.set(envelope);
    expect(reasonOf(() => openEnvelope(longer, moderators[0]!))).toBe('MALFORMED');
    expect(reasonOf(() => openEnvelope(envelope.subarray(0, 3), moderators[0]!))).toBe('MALFORMED');
  });

  it('refuses oversized plaintext, no recipients, too many, and unusable keys', () => {
    const key = [moderators[0]!.publicKey];
    expect(reasonOf(() => sealEnvelope(new Uint8Array(MAX_UNPADDED_BYTES + 1), sender, key))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => sealEnvelope(details, sender, []))).toBe('BAD_LENGTH');
    const tooMany = Array.from(
      { length: SEALED_ENVELOPE_SLOTS + 1 },
      () => x25519KeyPair().publicKey,
    );
    expect(reasonOf(() => sealEnvelope(details, sender, tooMany))).toBe('BAD_LENGTH');
    expect(reasonOf(() => sealEnvelope(details, sender, [new Uint8Array(31)]))).toBe('BAD_LENGTH');
    expect(reasonOf(() => sealEnvelope(details, sender, [new Uint8Array(32)]))).toBe('BAD_KEY');
    expect(reasonOf(() => sealedEnvelopeLength(MAX_UNPADDED_BYTES + 1))).toBe('BAD_LENGTH');
  });

  it('wraps a repeated recipient key once', () => {
    const key = moderators[0]!.publicKey;
    const sealed = sealEnvelope(details, sender, [key, key, key]);
    expect(openEnvelope(sealed, moderators[0]!).plaintext).toEqual(details);
  });

  it('seals the largest plaintext a bucket allows', () => {
    const largest = sodium.randombytes_buf(MAX_UNPADDED_BYTES);
    const sealed = sealEnvelope(largest, sender, [moderators[0]!.publicKey]);
    expect(openEnvelope(sealed, moderators[0]!).plaintext).toEqual(largest);
  });
});

describe('addEnvelopeRecipient', () => {
  const envelope = sealEnvelope(
    details,
    sender,
    moderators.map((m) => m.publicKey),
    { context },
  );
  const volunteer = x25519KeyPair();
  const shared = addEnvelopeRecipient(envelope, moderators[0]!, volunteer.publicKey, { context });

  it('lets the new recipient open it, and everyone before still can', () => {
    expect(openEnvelope(shared, volunteer, { context }).plaintext).toEqual(details);
    for (const moderator of moderators) {
      expect(openEnvelope(shared, moderator, { context }).plaintext).toEqual(details);
    }
    expect(reasonOf(() => openEnvelope(shared, stranger, { context }))).toBe('DECRYPT_FAILED');
  });

  it('leaves the body bytes and the length unchanged and changes exactly one slot', () => {
    expect(shared.length).toBe(envelope.length);
    const bodyStart = SLOTS_END + 24 + 2 + 16;
    expect(shared.subarray(bodyStart)).toEqual(envelope.subarray(bodyStart));
    let changedSlots = 0;
    for (let slot = 0; slot < SEALED_ENVELOPE_SLOTS; slot += 1) {
      const start = FORMAT_HEADER_BYTES + slot * SEALED_SLOT_BYTES;
      const end = start + SEALED_SLOT_BYTES;
      if (
        sodium.to_hex(shared.subarray(start, end)) !== sodium.to_hex(envelope.subarray(start, end))
      ) {
        changedSlots += 1;
      }
    }
    expect(changedSlots).toBe(1);
  });

  it('is refused to anyone who cannot open the envelope', () => {
    expect(
      reasonOf(() => addEnvelopeRecipient(envelope, stranger, volunteer.publicKey, { context })),
    ).toBe('DECRYPT_FAILED');
  });

  it('fills every free slot and then refuses with BAD_LENGTH, never overwriting a recipient', () => {
    let current = shared;
    const added: KeyPair[] = [volunteer];
    const free = SEALED_ENVELOPE_SLOTS - moderators.length - 1;
    for (let i = 0; i < free; i += 1) {
      const next = x25519KeyPair();
      current = addEnvelopeRecipient(current, moderators[i % moderators.length]!, next.publicKey, {
        context,
      });
      added.push(next);
    }
    for (const recipient of [...moderators, ...added]) {
      expect(openEnvelope(current, recipient, { context }).plaintext).toEqual(details);
    }
    expect(
      reasonOf(() =>
        addEnvelopeRecipient(current, moderators[0]!, x25519KeyPair().publicKey, { context }),
      ),
    ).toBe('BAD_LENGTH');
  });

  it('refuses an unusable new key', () => {
    expect(
      reasonOf(() =>
        addEnvelopeRecipient(envelope, moderators[0]!, new Uint8Array(32), { context }),
      ),
    ).toBe('BAD_KEY');
  });
});
