// Envelope prekeys and the owner's store: what `rotate` publishes verifies against the identity,
// the schedule (rotation, expiry, grace) is the documented one, the store stays bounded, and its
// serialization round-trips while refusing anything it did not write.
import { makeDevice } from './session-support.js';
import { describe, expect, it } from 'vitest';
import {
  ENVELOPE_PREKEY_GRACE_MS,
  ENVELOPE_PREKEY_LIFETIME_MS,
  ENVELOPE_PREKEY_ROTATION_MS,
  EnvelopePrekeyStore,
  MAX_ENVELOPE_PREKEYS,
  PrekeyStore,
  XWING_PUBLIC_KEY_BYTES,
  generateEnvelopePrekey,
  generateIdentity,
  sign,
  verifyEnvelopePrekey,
} from '../src/crypto/index.js';
import { DAY, NOW, envelopePrekeyTranscript } from './envelope-support.js';
import { reasonOf } from './reason-of.js';

const identity = generateIdentity();

describe('envelope prekeys', () => {
  it('rotate publishes a prekey signed by the identity, valid for 14 days from now', () => {
    const store = new EnvelopePrekeyStore();
    const prekey = store.rotate(identity, NOW);
    expect(prekey.publicKey).toHaveLength(XWING_PUBLIC_KEY_BYTES);
    expect(prekey.createdAt).toBe(NOW);
    expect(prekey.expiresAt).toBe(NOW + ENVELOPE_PREKEY_LIFETIME_MS);
    expect(ENVELOPE_PREKEY_LIFETIME_MS).toBe(14 * DAY);
    expect(prekey.id).toBeGreaterThan(0);
    expect(
      reasonOf(() => verifyEnvelopePrekey(identity.signing.publicKey, prekey, { now: NOW })),
    ).toBe('no error');
    expect(
      reasonOf(() =>
        verifyEnvelopePrekey(generateIdentity().signing.publicKey, prekey, { now: NOW }),
      ),
    ).toBe('BAD_SIGNATURE');
    expect(Object.keys(prekey).sort()).toEqual([
      'createdAt',
      'expiresAt',
      'id',
      'publicKey',
      'signature',
    ]);
  });

  it('refuses to make a prekey with a zero or out-of-range id, or a validity over the maximum', () => {
    expect(reasonOf(() => generateEnvelopePrekey(identity, { id: 0, now: NOW }))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => generateEnvelopePrekey(identity, { id: 2 ** 32, now: NOW }))).toBe(
      'BAD_LENGTH',
    );
    expect(
      reasonOf(() =>
        generateEnvelopePrekey(identity, {
          id: 1,
          now: NOW,
          lifetimeMs: ENVELOPE_PREKEY_LIFETIME_MS + 1,
        }),
      ),
    ).toBe('BAD_LENGTH');
  });

  it('verifyEnvelopePrekey checks validity after the signature, with 5 minutes of clock skew', () => {
    const prekey = generateEnvelopePrekey(identity, { id: 5, now: NOW, lifetimeMs: DAY });
    const check = (now: number) =>
      reasonOf(() => verifyEnvelopePrekey(identity.signing.publicKey, prekey, { now }));
    expect(check(NOW - 5 * 60 * 1000)).toBe('no error');
    expect(check(NOW - 5 * 60 * 1000 - 1)).toBe('UNTRUSTED');
    expect(check(NOW + DAY - 1)).toBe('no error');
    expect(check(NOW + DAY)).toBe('UNTRUSTED');
    const backwards = { ...prekey, expiresAt: prekey.createdAt };
    const resigned = {
      ...backwards,
      signature: sign(identity.signing.secretKey, envelopePrekeyTranscript(backwards)),
    };
    expect(
      reasonOf(() => verifyEnvelopePrekey(identity.signing.publicKey, resigned, { now: NOW })),
    ).toBe('UNTRUSTED');
  });

  it('needsRotation: before the first rotation, and once the current prekey is 7 days old', () => {
    const store = new EnvelopePrekeyStore();
    expect(store.needsRotation(NOW)).toBe(true);
    store.rotate(identity, NOW);
    expect(store.needsRotation(NOW + ENVELOPE_PREKEY_ROTATION_MS - 1)).toBe(false);
    expect(store.needsRotation(NOW + ENVELOPE_PREKEY_ROTATION_MS)).toBe(true);
  });

  it('keeps replaced prekeys until 30 days after their expiry, then prune deletes them', () => {
    const store = new EnvelopePrekeyStore();
    const first = store.rotate(identity, NOW);
    const second = store.rotate(identity, NOW + ENVELOPE_PREKEY_ROTATION_MS);
    expect(store.current()!.id).toBe(second.id);
    expect(store.list().map((p) => p.id)).toEqual([second.id, first.id]);
    expect(store.openingKeys().map((k) => k.id)).toEqual([second.id, first.id]);
    const firstGone = first.expiresAt + ENVELOPE_PREKEY_GRACE_MS;
    expect(store.prune(firstGone - 1)).toBe(0);
    expect(store.openingKey(first.id)).toBeDefined();
    expect(store.prune(firstGone)).toBe(1);
    expect(store.openingKey(first.id)).toBeUndefined();
    expect(store.list().map((p) => p.id)).toEqual([second.id]);
    // A current prekey that is itself past its grace goes too: nothing to publish until rotation.
    expect(store.prune(second.expiresAt + ENVELOPE_PREKEY_GRACE_MS)).toBe(1);
    expect(store.current()).toBeUndefined();
    expect(store.needsRotation(second.expiresAt + ENVELOPE_PREKEY_GRACE_MS)).toBe(true);
  });

  it('holds at most MAX_ENVELOPE_PREKEYS: rotating past it deletes the one that expires first', () => {
    const store = new EnvelopePrekeyStore();
    const made = Array.from({ length: MAX_ENVELOPE_PREKEYS + 1 }, (_, i) =>
      store.rotate(identity, NOW + i * 1000),
    );
    expect(store.size).toBe(MAX_ENVELOPE_PREKEYS);
    expect(store.openingKey(made[0]!.id)).toBeUndefined();
    expect(store.openingKey(made[1]!.id)).toBeDefined();
    expect(store.current()!.id).toBe(made.at(-1)!.id);
  });

  it('wipe erases every secret', () => {
    const store = new EnvelopePrekeyStore();
    store.rotate(identity, NOW);
    const [key] = store.openingKeys();
    store.wipe();
    expect(store.size).toBe(0);
    expect(store.current()).toBeUndefined();
    expect(key!.secretKey.every((byte) => byte === 0)).toBe(true);
  });
});

describe('EnvelopePrekeyStore serialization', () => {
  const store = new EnvelopePrekeyStore();
  store.rotate(identity, NOW);
  store.rotate(identity, NOW + ENVELOPE_PREKEY_ROTATION_MS);
  const bytes = store.serialize();

  it('round-trips every prekey and the current one', () => {
    const restored = EnvelopePrekeyStore.deserialize(bytes);
    expect(restored.list()).toEqual(store.list());
    expect(restored.openingKeys()).toEqual(store.openingKeys());
    expect(restored.current()).toEqual(store.current());
    expect(restored.serialize()).toEqual(bytes);
  });

  it('refuses the PQXDH prekey store, another version, truncation and trailing bytes', () => {
    const pqxdh = new PrekeyStore(makeDevice());
    pqxdh.rotate(NOW);
    expect(reasonOf(() => EnvelopePrekeyStore.deserialize(pqxdh.serialize()))).toBe('MALFORMED');
    const version = bytes.slice();
    version[5] = 9;
    expect(reasonOf(() => EnvelopePrekeyStore.deserialize(version))).toBe('UNSUPPORTED_VERSION');
    expect(
      reasonOf(() => EnvelopePrekeyStore.deserialize(bytes.subarray(0, bytes.length - 1))),
    ).toBe('MALFORMED');
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(reasonOf(() => EnvelopePrekeyStore.deserialize(longer))).toBe('MALFORMED');
  });

  it('refuses an entry whose public key its secret does not give, a zero id and a repeated id', () => {
    // Header 4, kind 1, version 1, current id 4, count 4; then the first entry: id 4, pk 1216, sk 32.
    const entry = 14;
    const entryBytes = 4 + XWING_PUBLIC_KEY_BYTES + 32 + 8 + 8 + 64;
    const mismatched = bytes.slice();
    mismatched[entry + 4 + XWING_PUBLIC_KEY_BYTES]! ^= 1;
    expect(reasonOf(() => EnvelopePrekeyStore.deserialize(mismatched))).toBe('MALFORMED');
    const zeroId = bytes.slice();
    zeroId.fill(0, entry, entry + 4);
    expect(reasonOf(() => EnvelopePrekeyStore.deserialize(zeroId))).toBe('MALFORMED');
    const repeated = bytes.slice();
    repeated.set(bytes.subarray(entry, entry + entryBytes), entry + entryBytes);
    expect(reasonOf(() => EnvelopePrekeyStore.deserialize(repeated))).toBe('MALFORMED');
  });
});
