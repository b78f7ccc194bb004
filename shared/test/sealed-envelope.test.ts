// Sealed multi-recipient envelopes to envelope prekeys: every intended recipient opens, no one else
// does, any tampering is caught — by anyone for the whole envelope, and by signatures for the slot
// set, even against a recipient who holds the content key — and neither the envelope's size nor
// its slots say how many recipients it has.
import { describe, expect, it } from 'vitest';
import {
  FORMAT_HEADER_BYTES,
  MAX_ENVELOPE_OPENING_KEYS,
  MAX_UNPADDED_BYTES,
  SEALED_ENVELOPE_LAYOUT,
  SEALED_ENVELOPE_SLOTS,
  SEALED_SLOT_BYTES,
  XWING_CIPHERTEXT_BYTES,
  addEnvelopeRecipient,
  generateEnvelopePrekey,
  generateIdentity,
  isUsableX25519PublicKey,
  openEnvelope,
  sealEnvelope,
  sealedEnvelopeLength,
  sign,
  sodium,
  type EnvelopeRecipient,
} from '../src/crypto/index.js';
import {
  DAY,
  NOW,
  additionTranscript,
  envelopePrekeyTranscript,
  holder,
  openSlotMap,
  recipientOf,
  recoverContentKey,
  reseal,
  reuseSignedBody,
  senderSignatureOf,
  slotDigest,
  slotOpensFor,
  slotsOf,
  wrapTo,
  type Holder,
} from './envelope-support.js';
import { reasonOf } from './reason-of.js';

const sender = generateIdentity();
const moderators: Holder[] = Array.from({ length: 3 }, () => holder());
const recipients = moderators.map(recipientOf);
const stranger = holder();
const details = sodium.from_string(
  'Summons for Thursday; need a lawyer in Kazan who speaks Tatar.',
);
const context = sodium.from_string('request:42');
const keysOf = (h: Holder) => h.store.openingKeys();
const manyRecipients = (count: number): EnvelopeRecipient[] =>
  Array.from({ length: count }, () => recipientOf(holder()));

describe('sealEnvelope / openEnvelope', () => {
  const envelope = sealEnvelope(details, sender, recipients, { context, now: NOW });

  it('opens for every intended recipient with the plaintext, the signer and the prekey used', () => {
    for (const moderator of moderators) {
      const opened = openEnvelope(envelope, keysOf(moderator), { context });
      expect(opened.plaintext).toEqual(details);
      expect(opened.senderSigningKey).toEqual(sender.signing.publicKey);
      expect(opened.prekeyId).toBe(moderator.store.current()!.id);
      expect(opened.addedBy).toBeUndefined();
    }
  });

  it('fails with DECRYPT_FAILED for anyone else, and for no keys at all', () => {
    expect(reasonOf(() => openEnvelope(envelope, keysOf(stranger), { context }))).toBe(
      'DECRYPT_FAILED',
    );
    expect(reasonOf(() => openEnvelope(envelope, [], { context }))).toBe('DECRYPT_FAILED');
  });

  it('refuses another context and an unexpected sender', () => {
    const keys = keysOf(moderators[0]!);
    expect(reasonOf(() => openEnvelope(envelope, keys))).toBe('DECRYPT_FAILED');
    expect(
      reasonOf(() => openEnvelope(envelope, keys, { context: sodium.from_string('request:43') })),
    ).toBe('DECRYPT_FAILED');
    expect(
      reasonOf(() =>
        openEnvelope(envelope, keys, {
          context,
          expectedSenderSigningKey: generateIdentity().signing.publicKey,
        }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      openEnvelope(envelope, keys, { context, expectedSenderSigningKey: sender.signing.publicKey })
        .plaintext,
    ).toEqual(details);
  });

  it('contains neither the plaintext, nor a recipient key or prekey, nor the sender in the clear', () => {
    const text = sodium.to_hex(envelope);
    expect(text).not.toContain(sodium.to_hex(details.subarray(0, 16)));
    for (const { signingKey, prekey } of recipients) {
      expect(text).not.toContain(sodium.to_hex(signingKey));
      expect(text).not.toContain(sodium.to_hex(prekey.publicKey.subarray(0, 32)));
      expect(text).not.toContain(sodium.to_hex(prekey.publicKey.subarray(1184)));
    }
    expect(text).not.toContain(sodium.to_hex(sender.signing.publicKey));
  });

  it('has the same length for 1, 10 and 16 recipients', () => {
    const one = sealEnvelope(details, sender, [recipients[0]!], { now: NOW });
    const ten = sealEnvelope(details, sender, manyRecipients(10), { now: NOW });
    const full = sealEnvelope(details, sender, manyRecipients(SEALED_ENVELOPE_SLOTS), {
      now: NOW,
    });
    expect(one.length).toBe(ten.length);
    expect(full.length).toBe(one.length);
    expect(one.length).toBe(sealedEnvelopeLength(details.length));
  });

  it('pads to buckets: only the bucket shows in the length', () => {
    const to = [recipients[0]!];
    const small = sealEnvelope(new Uint8Array(10), sender, to, { now: NOW });
    const edge = sealEnvelope(new Uint8Array(255), sender, to, { now: NOW });
    const larger = sealEnvelope(new Uint8Array(256), sender, to, { now: NOW });
    expect(small.length).toBe(edge.length);
    expect(larger.length - small.length).toBe(1024 - 256);
    expect(openEnvelope(larger, keysOf(moderators[0]!)).plaintext).toEqual(new Uint8Array(256));
  });

  it('gives dummies the shape of real slots: an X-Wing ciphertext with a real curve point, then 48 bytes', () => {
    // Random bytes in place of a dummy's X25519 half would have the top bit set half the time:
    // over 8 × 15 dummies a fake would show with probability 1 − 2^-120.
    const realSlotPositions = new Set<number>();
    const reader = keysOf(moderators[0]!)[0]!;
    for (let round = 0; round < 8; round += 1) {
      const sealed = sealEnvelope(details, sender, [recipients[0]!], { now: NOW });
      for (const [index, slot] of slotsOf(sealed).entries()) {
        expect(slot.length).toBe(SEALED_SLOT_BYTES);
        const x25519Half = slot.subarray(XWING_CIPHERTEXT_BYTES - 32, XWING_CIPHERTEXT_BYTES);
        expect(x25519Half[31]! & 0x80).toBe(0);
        expect(isUsableX25519PublicKey(x25519Half)).toBe(true);
        if (slotOpensFor(sealed, index, reader, new Uint8Array(0))) realSlotPositions.add(index);
      }
    }
    // Shuffled: the one real slot does not sit in one place.
    expect(realSlotPositions.size).toBeGreaterThan(1);
  });

  it('detects a flipped bit anywhere: the recipient never gets altered content', () => {
    // Every header byte; the first, a middle and the last bytes of every slot; every 41st byte of
    // the slot map; every 97th byte of the body and its last byte.
    const { slotMapOffset, bodyOffset } = SEALED_ENVELOPE_LAYOUT;
    const positions = new Set<number>([0, 1, 2, 3, envelope.length - 1]);
    for (let slot = 0; slot < SEALED_ENVELOPE_SLOTS; slot += 1) {
      const start = FORMAT_HEADER_BYTES + slot * SEALED_SLOT_BYTES;
      for (const offset of [
        0,
        700,
        XWING_CIPHERTEXT_BYTES - 1,
        XWING_CIPHERTEXT_BYTES,
        SEALED_SLOT_BYTES - 1,
      ])
        positions.add(start + offset);
    }
    for (let i = slotMapOffset; i < bodyOffset; i += 41) positions.add(i);
    for (let i = bodyOffset; i < envelope.length; i += 97) positions.add(i);
    for (const i of positions) {
      const tampered = envelope.slice();
      tampered[i]! ^= 0x01;
      const reason = reasonOf(() => openEnvelope(tampered, keysOf(moderators[1]!), { context }));
      if (i < FORMAT_HEADER_BYTES) expect(['MALFORMED', 'UNSUPPORTED_VERSION']).toContain(reason);
      else expect(reason, `byte ${i}`).toBe('DECRYPT_FAILED');
    }
  });

  it('refuses the retired crypto_box_seal envelope (suite 0x01) as another version', () => {
    const old = envelope.slice();
    old[3] = 0x01;
    expect(reasonOf(() => openEnvelope(old, keysOf(moderators[0]!), { context }))).toBe(
      'UNSUPPORTED_VERSION',
    );
  });

  it('refuses truncated and extended envelopes before any decryption', () => {
    const keys = keysOf(moderators[0]!);
    expect(reasonOf(() => openEnvelope(envelope.subarray(0, envelope.length - 1), keys))).toBe(
      'MALFORMED',
    );
    const longer = new Uint8Array(envelope.length + 1);
    longer.set(envelope);
    expect(reasonOf(() => openEnvelope(longer, keys))).toBe('MALFORMED');
    expect(reasonOf(() => openEnvelope(envelope.subarray(0, 3), keys))).toBe('MALFORMED');
  });

  it('refuses more opening keys than it will try, and keys of the wrong shape', () => {
    const keys = Array.from({ length: MAX_ENVELOPE_OPENING_KEYS + 1 }, () => keysOf(stranger)[0]!);
    expect(reasonOf(() => openEnvelope(envelope, keys, { context }))).toBe('BAD_LENGTH');
    const bad = { ...keysOf(stranger)[0]!, secretKey: new Uint8Array(31) };
    expect(reasonOf(() => openEnvelope(envelope, [bad], { context }))).toBe('BAD_LENGTH');
  });

  it('refuses oversized plaintext, no recipients and too many', () => {
    const to = [recipients[0]!];
    const now = NOW;
    expect(
      reasonOf(() => sealEnvelope(new Uint8Array(MAX_UNPADDED_BYTES + 1), sender, to, { now })),
    ).toBe('BAD_LENGTH');
    expect(reasonOf(() => sealEnvelope(details, sender, [], { now }))).toBe('BAD_LENGTH');
    const tooMany = manyRecipients(SEALED_ENVELOPE_SLOTS + 1);
    expect(reasonOf(() => sealEnvelope(details, sender, tooMany, { now }))).toBe('BAD_LENGTH');
    expect(reasonOf(() => sealedEnvelopeLength(MAX_UNPADDED_BYTES + 1))).toBe('BAD_LENGTH');
  });

  it('wraps a repeated recipient once', () => {
    const to = [recipients[0]!, recipients[0]!, recipients[0]!];
    const sealed = sealEnvelope(details, sender, to, { now: NOW });
    expect(openEnvelope(sealed, keysOf(moderators[0]!)).plaintext).toEqual(details);
    const reader = keysOf(moderators[0]!)[0]!;
    const opening = slotsOf(sealed).filter((_, i) =>
      slotOpensFor(sealed, i, reader, new Uint8Array(0)),
    );
    expect(opening).toHaveLength(1);
  });

  it('seals the largest plaintext a bucket allows', () => {
    const largest = sodium.randombytes_buf(MAX_UNPADDED_BYTES);
    const sealed = sealEnvelope(largest, sender, [recipients[0]!], { now: NOW });
    expect(openEnvelope(sealed, keysOf(moderators[0]!)).plaintext).toEqual(largest);
  });
});

describe('the sender seals only to prekeys that verify and are valid', () => {
  const moderator = moderators[0]!;
  const good = recipientOf(moderator);
  const seal =
    (recipient: EnvelopeRecipient, now = NOW) =>
    () =>
      sealEnvelope(details, sender, [recipients[1]!, recipient], { now });

  it('refuses a prekey signed by another identity, or claimed for another identity (BAD_SIGNATURE)', () => {
    const otherIdentity = generateIdentity();
    const forged = generateEnvelopePrekey(otherIdentity, { id: 7, now: NOW });
    expect(reasonOf(seal({ signingKey: good.signingKey, prekey: forged }))).toBe('BAD_SIGNATURE');
    expect(
      reasonOf(seal({ signingKey: otherIdentity.signing.publicKey, prekey: good.prekey })),
    ).toBe('BAD_SIGNATURE');
  });

  it('refuses a prekey whose signed fields were changed (BAD_SIGNATURE)', () => {
    const cases = [
      { ...good.prekey, expiresAt: good.prekey.expiresAt + DAY },
      { ...good.prekey, createdAt: good.prekey.createdAt + 1 },
      { ...good.prekey, id: (good.prekey.id ^ 1) >>> 0 || 2 },
      { ...good.prekey, publicKey: holder().store.current()!.publicKey },
    ];
    for (const prekey of cases) {
      expect(reasonOf(seal({ signingKey: good.signingKey, prekey }))).toBe('BAD_SIGNATURE');
    }
  });

  it('refuses an expired prekey and one not valid yet (UNTRUSTED), and seals right up to expiry', () => {
    expect(reasonOf(seal(good, good.prekey.expiresAt))).toBe('UNTRUSTED');
    expect(reasonOf(seal(good, good.prekey.expiresAt + 30 * DAY))).toBe('UNTRUSTED');
    expect(reasonOf(seal(good, good.prekey.createdAt - 6 * 60 * 1000))).toBe('UNTRUSTED');
    expect(reasonOf(seal(good, good.prekey.expiresAt - 1))).toBe('no error');
    expect(reasonOf(seal(good, good.prekey.createdAt - 60 * 1000))).toBe('no error');
  });

  it('refuses a prekey claiming more than the longest validity, even when properly signed (UNTRUSTED)', () => {
    const identity = generateIdentity();
    const prekey = generateEnvelopePrekey(identity, { id: 9, now: NOW });
    const longLived = { ...prekey, expiresAt: prekey.createdAt + 15 * DAY };
    // Re-sign the longer validity the way a misbehaving client would.
    const resigned = {
      ...longLived,
      signature: sign(identity.signing.secretKey, envelopePrekeyTranscript(longLived)),
    };
    expect(reasonOf(seal({ signingKey: identity.signing.publicKey, prekey: resigned }))).toBe(
      'UNTRUSTED',
    );
  });

  it('refuses a prekey of the wrong shape (MALFORMED)', () => {
    const prekey = { ...good.prekey, publicKey: good.prekey.publicKey.subarray(1) };
    expect(reasonOf(seal({ signingKey: good.signingKey, prekey }))).toBe('MALFORMED');
  });
});

describe('the slot set is bound into the signatures', () => {
  const envelope = sealEnvelope(details, sender, recipients, { context, now: NOW });
  const insider = moderators[0]!;
  const contentKey = recoverContentKey(envelope, keysOf(insider)[0]!, context);

  it('a recipient cannot pass the signed body on to a recipient set of its choosing', () => {
    const outsider = holder();
    const reused = reuseSignedBody(envelope, contentKey, context, [
      outsider.store.current()!.publicKey,
    ]);
    expect(reasonOf(() => openEnvelope(reused, keysOf(outsider), { context }))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('a recipient who swaps any slot, dummy or real, and reseals the slot map is caught by everyone', () => {
    const outsider = holder();
    const slots = slotsOf(envelope);
    const map = openSlotMap(envelope, contentKey, context);
    for (const index of [0, 5, 15]) {
      const swapped = slots.slice();
      swapped[index] = wrapTo(envelope, contentKey, context, outsider.store.current()!.publicKey);
      const tampered = reseal(envelope, contentKey, context, swapped, map);
      for (const reader of [outsider, ...moderators.slice(1)]) {
        const reason = reasonOf(() => openEnvelope(tampered, keysOf(reader), { context }));
        // A reader whose own slot was overwritten cannot open at all.
        expect(['BAD_SIGNATURE', 'DECRYPT_FAILED']).toContain(reason);
        expect(reason).not.toBe('no error');
      }
      expect(reasonOf(() => openEnvelope(tampered, keysOf(outsider), { context }))).toBe(
        'BAD_SIGNATURE',
      );
    }
  });

  it('a recipient cannot present an overwritten recipient as an addition, even signing it itself', () => {
    const outsider = holder();
    const slots = slotsOf(envelope);
    // Find a real slot other than the insider's own: a slot that another moderator opens.
    const victimIndex = slots.findIndex((_, i) =>
      slotOpensFor(envelope, i, keysOf(moderators[1]!)[0]!, context),
    );
    expect(victimIndex).toBeGreaterThanOrEqual(0);
    const originalDigest = slotDigest(slots[victimIndex]!);
    const swapped = slots.slice();
    swapped[victimIndex] = wrapTo(
      envelope,
      contentKey,
      context,
      outsider.store.current()!.publicKey,
    );
    const senderSignature = senderSignatureOf(envelope, contentKey, context);
    const additionSignature = sign(
      insider.identity.signing.secretKey,
      additionTranscript(
        envelope,
        context,
        senderSignature,
        victimIndex,
        originalDigest,
        slotDigest(swapped[victimIndex]),
      ),
    );
    const map = openSlotMap(envelope, contentKey, context);
    const record = map.subarray(
      victimIndex * SEALED_ENVELOPE_LAYOUT.slotRecordBytes,
      (victimIndex + 1) * SEALED_ENVELOPE_LAYOUT.slotRecordBytes,
    );
    record[0] = 1;
    record.set(originalDigest, 1);
    record.set(insider.identity.signing.publicKey, 33);
    record.set(additionSignature, 65);
    const tampered = reseal(envelope, contentKey, context, swapped, map);
    expect(reasonOf(() => openEnvelope(tampered, keysOf(outsider), { context }))).toBe(
      'BAD_SIGNATURE',
    );
    expect(reasonOf(() => openEnvelope(tampered, keysOf(moderators[2]!), { context }))).toBe(
      'BAD_SIGNATURE',
    );
  });

  it('an untouched reseal by the insider still opens (the tests above fail for the reason claimed)', () => {
    const resealed = reseal(
      envelope,
      contentKey,
      context,
      slotsOf(envelope),
      openSlotMap(envelope, contentKey, context),
    );
    expect(openEnvelope(resealed, keysOf(moderators[2]!), { context }).plaintext).toEqual(details);
  });
});

describe('addEnvelopeRecipient', () => {
  const envelope = sealEnvelope(details, sender, recipients, { context, now: NOW });
  const volunteer = holder();
  const adder = { identity: moderators[0]!.identity, keys: keysOf(moderators[0]!) };
  const shared = addEnvelopeRecipient(envelope, adder, recipientOf(volunteer), {
    context,
    now: NOW,
  });

  it('lets the new recipient open it, seeing who added it; everyone before still can', () => {
    const opened = openEnvelope(shared, keysOf(volunteer), {
      context,
      expectedSenderSigningKey: sender.signing.publicKey,
    });
    expect(opened.plaintext).toEqual(details);
    expect(opened.senderSigningKey).toEqual(sender.signing.publicKey);
    expect(opened.addedBy).toEqual(moderators[0]!.identity.signing.publicKey);
    for (const moderator of moderators) {
      const reopened = openEnvelope(shared, keysOf(moderator), { context });
      expect(reopened.plaintext).toEqual(details);
      expect(reopened.addedBy).toBeUndefined();
    }
    expect(reasonOf(() => openEnvelope(shared, keysOf(stranger), { context }))).toBe(
      'DECRYPT_FAILED',
    );
  });

  it('leaves header, body and length unchanged and changes exactly one slot', () => {
    expect(shared.length).toBe(envelope.length);
    const { bodyOffset } = SEALED_ENVELOPE_LAYOUT;
    expect(shared.subarray(bodyOffset)).toEqual(envelope.subarray(bodyOffset));
    expect(shared.subarray(0, FORMAT_HEADER_BYTES)).toEqual(
      envelope.subarray(0, FORMAT_HEADER_BYTES),
    );
    const before = slotsOf(envelope).map((slot) => sodium.to_hex(slot));
    const after = slotsOf(shared).map((slot) => sodium.to_hex(slot));
    expect(after.filter((slot, i) => slot !== before[i])).toHaveLength(1);
  });

  it('the new recipient may add another in turn; each addition names its adder', () => {
    const second = holder();
    const again = addEnvelopeRecipient(
      shared,
      { identity: volunteer.identity, keys: keysOf(volunteer) },
      recipientOf(second),
      { context, now: NOW },
    );
    expect(openEnvelope(again, keysOf(second), { context }).addedBy).toEqual(
      volunteer.identity.signing.publicKey,
    );
    expect(openEnvelope(again, keysOf(volunteer), { context }).addedBy).toEqual(
      moderators[0]!.identity.signing.publicKey,
    );
  });

  it('detects a changed adder or a tampered added slot', () => {
    const contentKey = recoverContentKey(shared, keysOf(volunteer)[0]!, context);
    const map = openSlotMap(shared, contentKey, context);
    const index = Array.from({ length: SEALED_ENVELOPE_SLOTS }, (_, i) => i).find(
      (i) => map[i * SEALED_ENVELOPE_LAYOUT.slotRecordBytes] === 1,
    )!;
    const offset = index * SEALED_ENVELOPE_LAYOUT.slotRecordBytes;
    // Claim someone else added the volunteer.
    const otherAdder = map.slice();
    otherAdder.set(generateIdentity().signing.publicKey, offset + 33);
    const claimed = reseal(shared, contentKey, context, slotsOf(shared), otherAdder);
    // Erase the record: the slot then no longer matches what the sender signed.
    const erased = map.slice();
    erased.fill(0, offset, offset + SEALED_ENVELOPE_LAYOUT.slotRecordBytes);
    const unrecorded = reseal(shared, contentKey, context, slotsOf(shared), erased);
    for (const tampered of [claimed, unrecorded]) {
      for (const reader of [volunteer, moderators[1]!]) {
        expect(reasonOf(() => openEnvelope(tampered, keysOf(reader), { context }))).toBe(
          'BAD_SIGNATURE',
        );
      }
    }
  });

  it('is refused to anyone who cannot open the envelope', () => {
    const outsider = { identity: stranger.identity, keys: keysOf(stranger) };
    expect(
      reasonOf(() =>
        addEnvelopeRecipient(envelope, outsider, recipientOf(volunteer), { context, now: NOW }),
      ),
    ).toBe('DECRYPT_FAILED');
  });

  it('refuses a new recipient whose prekey is expired or not signed by its identity', () => {
    const target = recipientOf(volunteer);
    expect(
      reasonOf(() =>
        addEnvelopeRecipient(envelope, adder, target, { context, now: target.prekey.expiresAt }),
      ),
    ).toBe('UNTRUSTED');
    expect(
      reasonOf(() =>
        addEnvelopeRecipient(
          envelope,
          adder,
          { ...target, signingKey: generateIdentity().signing.publicKey },
          { context, now: NOW },
        ),
      ),
    ).toBe('BAD_SIGNATURE');
  });

  it('fills every free slot and then refuses with BAD_LENGTH, never overwriting a recipient', () => {
    let current = shared;
    const added: Holder[] = [volunteer];
    const free = SEALED_ENVELOPE_SLOTS - moderators.length - 1;
    for (let i = 0; i < free; i += 1) {
      const next = holder();
      const by = moderators[i % moderators.length]!;
      current = addEnvelopeRecipient(
        current,
        { identity: by.identity, keys: keysOf(by) },
        recipientOf(next),
        { context, now: NOW },
      );
      added.push(next);
    }
    for (const reader of [...moderators, ...added]) {
      expect(openEnvelope(current, keysOf(reader), { context }).plaintext).toEqual(details);
    }
    expect(
      reasonOf(() =>
        addEnvelopeRecipient(current, adder, recipientOf(holder()), { context, now: NOW }),
      ),
    ).toBe('BAD_LENGTH');
  });
});
