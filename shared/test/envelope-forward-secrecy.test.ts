// Forward secrecy of sealed envelopes (issue 7): a moderator's device rotates its envelope prekey
// and, once the old one's grace period has passed, prunes it. After that the old secret is in no
// serialization or sealed blob the device keeps, an older blob that still held it is refused, and
// an envelope the server stored, sealed to the old prekey, opens with nothing the device still
// holds — not the newer prekeys, not the identity keys, not the storage key.
import { describe, expect, it } from 'vitest';
import {
  ENVELOPE_PREKEY_GRACE_MS,
  ENVELOPE_PREKEY_ROTATION_MS,
  EnvelopePrekeyStore,
  generateIdentity,
  openEnvelope,
  openEnvelopePrekeyStore,
  randomBytes,
  sealEnvelope,
  sealEnvelopePrekeyStore,
  sodium,
  type EnvelopeOpeningKey,
} from '../src/crypto/index.js';
import { NOW } from './envelope-support.js';
import { reasonOf } from './reason-of.js';

const account = 'mod.anna';
const contact = generateIdentity();
const details = sodium.from_string('Повестка на четверг; нужен адвокат в Казани.');
const context = sodium.from_string('request:7');

describe('envelope forward secrecy', () => {
  it('after rotation and pruning, an envelope sealed to the old prekey opens with nothing the device holds', () => {
    const moderator = generateIdentity();
    const storageKey = randomBytes(32);
    const store = new EnvelopePrekeyStore();
    const old = store.rotate(moderator, NOW);
    const oldSecret = store.openingKey(old.id)!.secretKey.slice();
    const blob1 = sealEnvelopePrekeyStore(storageKey, store, { account, generation: 1 });

    // A contact seals request details to the published prekey; the server stores the envelope.
    const stored = sealEnvelope(
      details,
      contact,
      [{ signingKey: moderator.signing.publicKey, prekey: old }],
      { context, now: NOW + 1000 },
    );
    expect(openEnvelope(stored, store.openingKeys(), { context }).plaintext).toEqual(details);

    // A week later the device rotates; the old prekey still opens the envelope during its grace.
    const rotatedAt = NOW + ENVELOPE_PREKEY_ROTATION_MS;
    const current = store.rotate(moderator, rotatedAt);
    const later = sealEnvelope(
      details,
      contact,
      [{ signingKey: moderator.signing.publicKey, prekey: current }],
      { context, now: rotatedAt },
    );
    const duringGrace = old.expiresAt + ENVELOPE_PREKEY_GRACE_MS - 1;
    expect(store.prune(duringGrace)).toBe(0);
    expect(openEnvelope(stored, store.openingKeys(), { context }).prekeyId).toBe(old.id);

    // Once the grace period has passed, prune deletes it.
    const afterGrace = old.expiresAt + ENVELOPE_PREKEY_GRACE_MS;
    expect(store.prune(afterGrace)).toBe(1);
    const serialized = store.serialize();
    const hex = sodium.to_hex(serialized);
    expect(hex).not.toContain(sodium.to_hex(oldSecret));
    expect(hex).not.toContain(sodium.to_hex(old.publicKey.subarray(0, 64)));
    const blob2 = sealEnvelopePrekeyStore(storageKey, store, { account, generation: 2 });

    // What the device holds now: the sealed store (gen 2), its identity and its storage key.
    const reopened = openEnvelopePrekeyStore(storageKey, blob2, { account, minGeneration: 2 });
    expect(reopened.store.openingKey(old.id)).toBeUndefined();
    expect(reasonOf(() => openEnvelope(stored, reopened.store.openingKeys(), { context }))).toBe(
      'DECRYPT_FAILED',
    );
    // Every 32-byte secret the device still holds, tried as the old prekey's X-Wing secret (any
    // 32 bytes are a valid X-Wing decapsulation key): none opens the stored envelope.
    const held = [
      ...reopened.store.openingKeys().map((key) => key.secretKey),
      moderator.signing.secretKey.subarray(0, 32),
      moderator.exchange.secretKey,
      storageKey,
    ];
    for (const secretKey of held) {
      const guess: EnvelopeOpeningKey = { id: old.id, publicKey: old.publicKey, secretKey };
      expect(reasonOf(() => openEnvelope(stored, [guess], { context }))).toBe('DECRYPT_FAILED');
    }
    // The control: the deleted secret itself would still open it, so the failures above are the
    // deletion's doing; and the envelope sealed to the current prekey still opens.
    const deleted: EnvelopeOpeningKey = {
      id: old.id,
      publicKey: old.publicKey,
      secretKey: oldSecret,
    };
    expect(openEnvelope(stored, [deleted], { context }).plaintext).toEqual(details);
    expect(openEnvelope(later, reopened.store.openingKeys(), { context }).plaintext).toEqual(
      details,
    );

    // The older blob, which still holds the deleted secret, is refused once gen 2 was opened.
    expect(
      reasonOf(() => openEnvelopePrekeyStore(storageKey, blob1, { account, minGeneration: 2 })),
    ).toBe('REPLAY');
  });

  it('the sealed store is bound to its purpose and account', () => {
    const moderator = generateIdentity();
    const storageKey = randomBytes(32);
    const store = new EnvelopePrekeyStore();
    store.rotate(moderator, NOW);
    const blob = sealEnvelopePrekeyStore(storageKey, store, { account, generation: 1 });
    expect(
      reasonOf(() =>
        openEnvelopePrekeyStore(storageKey, blob, { account: 'mod.boris', minGeneration: 0 }),
      ),
    ).toBe('WRONG_PASSPHRASE');
    const opened = openEnvelopePrekeyStore(storageKey, blob, { account, minGeneration: 1 });
    expect(opened.generation).toBe(1);
    expect(opened.store.current()).toEqual(store.current());
  });
});
