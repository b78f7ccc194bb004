// PQXDH: both sides agree, every tampered input disagrees, bad bundles are refused, and a
// handshake cannot be replayed.
import { describe, expect, it } from 'vitest';
import {
  PQXDH_HANDSHAKE_BYTES,
  PrekeyStore,
  SIGNED_PREKEY_GRACE_MS,
  acceptSession,
  canonicalX25519PublicKey,
  decodePqxdhHandshake,
  encodePqxdhHandshake,
  encodePublicIdentity,
  formatHeader,
  generateIdentity,
  hkdf,
  initiateSession,
  isCanonicalX25519PublicKey,
  parsePrekeyMessage,
  pqxdhInitiate,
  pqxdhRespond,
  publicIdentity,
  utf8,
  x25519,
  x25519KeyPair,
  concatBytes,
  equalBytes,
  transcript,
  sodium,
  SUITE,
  type PqxdhHandshake,
} from '../src/crypto/index.js';
import { ByteReader } from '../src/crypto/primitives/session-codec.js';
import { flipBit, initiateTo, makeDevice, makeResponder } from './session-support.js';
import { reasonOf } from './reason-of.js';

/** Where the base key starts in a prekey message: format header, then the initiator's identity. */
const BASE_KEY_AT = 4 + 32 + 32 + 64;

/** 2^255 - 19, little-endian, plus `add` (< 19): an encoding X25519 reads as the value `add`. */
function pPlus(add: number): Uint8Array {
  const bytes = new Uint8Array(32).fill(0xff);
  bytes[0] = 0xed + add;
  bytes[31] = 0x7f;
  return bytes;
}

function parsePrekeyBaseKey(message: Uint8Array): Uint8Array {
  return message.slice(BASE_KEY_AT, BASE_KEY_AT + 32);
}

describe('X25519 key encodings', () => {
  it('accepts only canonical encodings: below p, top bit clear', () => {
    const key = x25519KeyPair().publicKey;
    expect(isCanonicalX25519PublicKey(key)).toBe(true);
    expect(isCanonicalX25519PublicKey(flipBit(key, 31, 0x80))).toBe(false);
    expect(isCanonicalX25519PublicKey(pPlus(0))).toBe(false);
    expect(isCanonicalX25519PublicKey(pPlus(18))).toBe(false);
    expect(isCanonicalX25519PublicKey(new Uint8Array(32).fill(0xff))).toBe(false);
    const pMinusOne = pPlus(0);
    pMinusOne[0] = 0xec;
    expect(isCanonicalX25519PublicKey(pMinusOne)).toBe(true);
    expect(isCanonicalX25519PublicKey(new Uint8Array(31))).toBe(false);
  });

  it('maps every encoding of a point to its canonical one, and X25519 agrees', () => {
    const key = x25519KeyPair().publicKey;
    expect(canonicalX25519PublicKey(flipBit(key, 31, 0x80))).toEqual(key);
    expect(canonicalX25519PublicKey(key)).toEqual(key);
    const nine = new Uint8Array(32);
    nine[0] = 9;
    expect(canonicalX25519PublicKey(pPlus(9))).toEqual(nine);
    expect(canonicalX25519PublicKey(flipBit(pPlus(9), 31, 0x80))).toEqual(nine);
    // The reason they must be refused: X25519 itself does not tell them apart.
    const secret = x25519KeyPair().secretKey;
    expect(x25519(secret, pPlus(9))).toEqual(x25519(secret, nine));
    expect(x25519(secret, flipBit(key, 31, 0x80))).toEqual(x25519(secret, key));
  });
});

describe('PQXDH', () => {
  it('derives the same secrets on both sides, with and without a one-time prekey', () => {
    for (const oneTimePrekey of [true, false]) {
      const alice = generateIdentity();
      const bob = makeResponder({ oneTimePrekey });
      const { secrets, handshake } = pqxdhInitiate(alice, bob.bundle);
      expect(handshake.oneTimePrekeyId).toBe(oneTimePrekey ? bob.bundle.oneTimePrekey!.id : null);
      const response = pqxdhRespond(bob.identity, bob.store, handshake);
      expect(response.secrets.rootKey).toEqual(secrets.rootKey);
      expect(response.secrets.initiatorHeaderKey).toEqual(secrets.initiatorHeaderKey);
      expect(response.secrets.responderHeaderKey).toEqual(secrets.responderHeaderKey);
      expect(secrets.rootKey).not.toEqual(secrets.initiatorHeaderKey);
      // Both identities are bound, initiator first.
      expect(secrets.associatedData).toEqual(
        concatBytes(
          encodePublicIdentity(publicIdentity(alice)),
          encodePublicIdentity(bob.bundle.identity),
        ),
      );
      expect(response.secrets.associatedData).toEqual(secrets.associatedData);
    }
  });

  it('gives different secrets for a tampered KEM ciphertext, base key or one-time prekey id', () => {
    const bob = makeResponder();
    const [other] = bob.store.addOneTimePrekeys(1);
    const { secrets, handshake } = pqxdhInitiate(generateIdentity(), bob.bundle);
    const variants: PqxdhHandshake[] = [
      { ...handshake, kemCiphertext: flipBit(handshake.kemCiphertext, 100) },
      { ...handshake, baseKey: x25519KeyPair().publicKey },
      { ...handshake, oneTimePrekeyId: other!.id },
      { ...handshake, oneTimePrekeyId: null },
    ];
    for (const variant of variants) {
      const response = pqxdhRespond(bob.identity, bob.store, variant);
      expect(response.secrets.rootKey).not.toEqual(secrets.rootKey);
      expect(response.secrets.initiatorHeaderKey).not.toEqual(secrets.initiatorHeaderKey);
    }
  });

  it('fails the first message when the KEM ciphertext or base key was tampered with, and keeps the one-time prekey', () => {
    const bob = makeResponder();
    const alice = initiateTo(bob);
    const message = alice.encrypt(utf8('hi'), 0);
    const prefix = 4 + 32 + 32 + 64; // format header and the initiator's identity
    const baseKeyAt = prefix;
    const ciphertextAt = prefix + 32 + 4 + 4 + 1 + 1 + 4;
    expect(
      reasonOf(() => acceptSession(bob.identity, bob.store, flipBit(message, ciphertextAt + 7), 0)),
    ).toBe('DECRYPT_FAILED');
    expect(
      reasonOf(() => acceptSession(bob.identity, bob.store, flipBit(message, baseKeyAt + 3), 0)),
    ).toBe('DECRYPT_FAILED');
    expect(bob.store.oneTimePrekey(bob.bundle.oneTimePrekey!.id)).toBeDefined();
    expect(acceptSession(bob.identity, bob.store, message, 0).plaintext).toEqual(utf8('hi'));
    expect(bob.store.oneTimePrekey(bob.bundle.oneTimePrekey!.id)).toBeUndefined();
  });

  it('derives its keys from the DH and KEM outputs, and binds both identities, the responder’s device, the signed prekey, the KEM public key, the one-time prekey and the handshake', () => {
    const bob = makeResponder();
    const alice = generateIdentity();
    const { secrets, handshake } = pqxdhInitiate(alice, bob.bundle);
    const signedSecret = bob.store.signedPrekey(handshake.signedPrekeyId)!.keyPair.secretKey;
    const oneTimeSecret = bob.store.oneTimePrekey(handshake.oneTimePrekeyId!)!.keyPair.secretKey;
    const kemSecretKey = bob.store.kemPrekey(handshake.kemPrekeyId)!.secretKey;
    const inputKeyMaterial = concatBytes(
      new Uint8Array(32).fill(0xff),
      x25519(signedSecret, handshake.initiator.exchangeKey),
      x25519(bob.identity.exchange.secretKey, handshake.baseKey),
      x25519(signedSecret, handshake.baseKey),
      x25519(oneTimeSecret, handshake.baseKey),
      sodium.crypto_kem_mlkem768_dec(handshake.kemCiphertext, kemSecretKey),
    );
    // Written out from docs/crypto.md §7.2, not through pqxdhTranscriptDigest.
    const keysOf = (
      kemPublicKey: Uint8Array,
      signedPrekey: Uint8Array,
      device = bob.bundle.device,
    ) => {
      const digest = sodium.crypto_hash_sha256(
        transcript(
          'kolokol/v1/pqxdh/transcript',
          concatBytes(alice.signing.publicKey, alice.exchange.publicKey),
          concatBytes(bob.bundle.identity.signingKey, bob.bundle.identity.exchangeKey),
          utf8(device.deviceId),
          device.deviceKey,
          signedPrekey,
          kemPublicKey,
          bob.bundle.oneTimePrekey!.publicKey,
          encodePqxdhHandshake(handshake),
        ),
      );
      const info = concatBytes(utf8('kolokol/v1/pqxdh/x25519-sha256-mlkem768'), digest);
      return hkdf(inputKeyMaterial, new Uint8Array(32), info, 96);
    };
    const okm = keysOf(bob.bundle.kemPrekey.publicKey, bob.bundle.signedPrekey.publicKey);
    expect(secrets.rootKey).toEqual(okm.slice(0, 32));
    expect(secrets.initiatorHeaderKey).toEqual(okm.slice(32, 64));
    expect(secrets.responderHeaderKey).toEqual(okm.slice(64, 96));
    // The first revision bound only the shared secrets and the handshake bytes (ids, ciphertext):
    // its keys are not these, and any other KEM or signed prekey gives other keys.
    const firstRevision = hkdf(
      inputKeyMaterial,
      new Uint8Array(32),
      concatBytes(
        utf8('kolokol/v1/pqxdh/x25519-sha256-mlkem768'),
        sodium.crypto_hash_sha256(encodePqxdhHandshake(handshake)),
      ),
      96,
    );
    expect(equalBytes(firstRevision.slice(0, 32), secrets.rootKey)).toBe(false);
    const otherKem = makeResponder().bundle.kemPrekey.publicKey;
    expect(equalBytes(keysOf(otherKem, bob.bundle.signedPrekey.publicKey), okm)).toBe(false);
    const otherSpk = makeResponder().bundle.signedPrekey.publicKey;
    expect(equalBytes(keysOf(bob.bundle.kemPrekey.publicKey, otherSpk), okm)).toBe(false);
    // Another device of the same account (its id or its key) gives other keys too.
    const { kemPrekey, signedPrekey } = bob.bundle;
    const otherDevice = makeResponder().bundle.device;
    for (const device of [
      { ...bob.bundle.device, deviceId: otherDevice.deviceId },
      { ...bob.bundle.device, deviceKey: otherDevice.deviceKey },
    ]) {
      expect(equalBytes(keysOf(kemPrekey.publicKey, signedPrekey.publicKey, device), okm)).toBe(
        false,
      );
    }
  });

  it("refuses the reviewer's replay: a signed-prekey-only first message with the base key's top bit flipped", () => {
    const bob = makeResponder({ oneTimePrekey: false });
    const message = initiateTo(bob).encrypt(utf8('once'), 0);
    const replay = flipBit(message, BASE_KEY_AT + 31, 0x80);
    const before = bob.store.serialize();
    // Refused before the original arrived (nothing remembered yet)...
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, replay, 0))).toBe('BAD_KEY');
    expect(bob.store.serialize()).toEqual(before);
    expect(acceptSession(bob.identity, bob.store, message, 0).plaintext).toEqual(utf8('once'));
    // ...and after it: X25519 would read the same base key, so this would be the same session.
    const afterAccept = bob.store.serialize();
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, replay, 0))).toBe('BAD_KEY');
    expect(bob.store.hasUsedBaseKey(parsePrekeyBaseKey(replay))).toBe(true);
    expect(bob.store.serialize()).toEqual(afterAccept);
  });

  it('refuses a signed-prekey-only first message with any handshake byte changed, before and after accepting it', () => {
    const bob = makeResponder({ oneTimePrekey: false });
    const message = initiateTo(bob).encrypt(utf8('once'), 0);
    const tryEveryByte = (): void => {
      const before = bob.store.serialize();
      for (let index = 4; index < 4 + PQXDH_HANDSHAKE_BYTES; index += 1) {
        for (const mask of [0x80, 0x01]) {
          const reason = reasonOf(() =>
            acceptSession(bob.identity, bob.store, flipBit(message, index, mask), 0),
          );
          expect(reason, `byte ${index} mask ${mask}`).not.toBe('no error');
        }
      }
      expect(bob.store.serialize()).toEqual(before);
    };
    tryEveryByte();
    acceptSession(bob.identity, bob.store, message, 0);
    tryEveryByte();
  });

  it('refuses non-canonical X25519 keys in a handshake or a bundle', () => {
    const bob = makeResponder();
    const { handshake } = pqxdhInitiate(generateIdentity(), bob.bundle);
    for (const baseKey of [flipBit(handshake.baseKey, 31, 0x80), pPlus(9)]) {
      expect(reasonOf(() => pqxdhRespond(bob.identity, bob.store, { ...handshake, baseKey }))).toBe(
        'BAD_KEY',
      );
    }
    // One-time prekeys are unsigned, so a server could hand out another encoding of one.
    const oneTimePrekey = bob.bundle.oneTimePrekey!;
    const altered = {
      ...bob.bundle,
      oneTimePrekey: { ...oneTimePrekey, publicKey: flipBit(oneTimePrekey.publicKey, 31, 0x80) },
    };
    expect(reasonOf(() => pqxdhInitiate(generateIdentity(), altered))).toBe('BAD_KEY');
  });

  it('works with the signed prekey only when no one-time prekey is left', () => {
    const bob = makeResponder({ oneTimePrekey: false });
    expect(bob.bundle.oneTimePrekey).toBeUndefined();
    const alice = initiateTo(bob);
    const { session, plaintext } = acceptSession(
      bob.identity,
      bob.store,
      alice.encrypt(utf8('no otk'), 0),
      0,
    );
    expect(plaintext).toEqual(utf8('no otk'));
    expect(alice.decrypt(session.encrypt(utf8('ok'), 0), 0)).toEqual(utf8('ok'));
  });

  it('refuses a bundle with any bad signature, never falling back', () => {
    const bob = makeResponder();
    const alice = generateIdentity();
    const { bundle } = bob;
    const bad = [
      {
        ...bundle,
        signedPrekey: {
          ...bundle.signedPrekey,
          signature: flipBit(bundle.signedPrekey.signature, 5),
        },
      },
      {
        ...bundle,
        kemPrekey: { ...bundle.kemPrekey, signature: flipBit(bundle.kemPrekey.signature, 5) },
      },
      {
        ...bundle,
        identity: {
          ...bundle.identity,
          exchangeSignature: flipBit(bundle.identity.exchangeSignature, 5),
        },
      },
      { ...bundle, signedPrekey: makeResponder().bundle.signedPrekey },
      { ...bundle, oneTimePrekey: { id: 3, publicKey: new Uint8Array(32) } },
    ];
    for (const variant of bad) {
      expect(reasonOf(() => pqxdhInitiate(alice, variant))).toBe('BAD_SIGNATURE');
      expect(reasonOf(() => initiateSession(alice, variant, variant.identity, bob.devices))).toBe(
        'BAD_SIGNATURE',
      );
    }
  });

  it('refuses an initiator identity that does not verify, unknown prekeys, and low-order base keys', () => {
    const bob = makeResponder();
    const { handshake } = pqxdhInitiate(generateIdentity(), bob.bundle);
    const forged = {
      ...handshake,
      initiator: { ...handshake.initiator, exchangeKey: x25519KeyPair().publicKey },
    };
    expect(reasonOf(() => pqxdhRespond(bob.identity, bob.store, forged))).toBe('BAD_SIGNATURE');
    expect(
      reasonOf(() => pqxdhRespond(bob.identity, bob.store, { ...handshake, signedPrekeyId: 999 })),
    ).toBe('BAD_KEY');
    expect(
      reasonOf(() => pqxdhRespond(bob.identity, bob.store, { ...handshake, kemPrekeyId: 999 })),
    ).toBe('BAD_KEY');
    expect(
      reasonOf(() =>
        pqxdhRespond(bob.identity, bob.store, { ...handshake, baseKey: new Uint8Array(32) }),
      ),
    ).toBe('BAD_KEY');
    expect(
      reasonOf(() => pqxdhRespond(bob.identity, new PrekeyStore(makeDevice()), handshake)),
    ).toBe('BAD_KEY');
  });

  it('rejects a replayed handshake, with or without a one-time prekey', () => {
    for (const oneTimePrekey of [true, false]) {
      const bob = makeResponder({ oneTimePrekey });
      const message = initiateTo(bob).encrypt(utf8('once'), 0);
      acceptSession(bob.identity, bob.store, message, 0);
      expect(reasonOf(() => acceptSession(bob.identity, bob.store, message, 0))).toBe('REPLAY');
    }
  });

  it('never forgets a replayable first message while its signed prekey is accepted; refuses and asks for rotation when full', () => {
    const bob = makeResponder({
      oneTimePrekey: false,
      storeOptions: { maxBaseKeysPerSignedPrekey: 3 },
    });
    const firstMessage = (bundle = bob.bundle): Uint8Array =>
      initiateSession(generateIdentity(), bundle, bundle.identity, bob.devices).encrypt(
        utf8('hi'),
        0,
      );
    const victim = firstMessage();
    acceptSession(bob.identity, bob.store, victim, 0);
    // The attacker's handshakes fill the signed prekey's quota...
    acceptSession(bob.identity, bob.store, firstMessage(), 0);
    acceptSession(bob.identity, bob.store, firstMessage(), 0);
    expect(bob.store.needsRotation(0)).toBe(true);
    // ...after which further ones are refused rather than the victim's base key forgotten.
    const before = bob.store.serialize();
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, firstMessage(), 0))).toBe(
      'BAD_KEY',
    );
    expect(bob.store.serialize()).toEqual(before);
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, victim, 0))).toBe('REPLAY');

    // A rotated signed prekey has a quota of its own; the old one still refuses the replay.
    const { signedPrekey, kemPrekey } = bob.store.rotate(1);
    expect(bob.store.needsRotation(1)).toBe(false);
    const rotated = { ...bob.bundle, signedPrekey, kemPrekey };
    expect(acceptSession(bob.identity, bob.store, firstMessage(rotated), 1).plaintext).toEqual(
      utf8('hi'),
    );
    bob.store.prune(1 + SIGNED_PREKEY_GRACE_MS - 1);
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, victim, 0))).toBe('REPLAY');
    // Once the old signed prekey is pruned its handshakes fail anyway, so their base keys go.
    const victimBaseKey = parsePrekeyMessage(victim).handshake.baseKey;
    bob.store.prune(1 + SIGNED_PREKEY_GRACE_MS);
    expect(bob.store.hasUsedBaseKey(victimBaseKey)).toBe(false);
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, victim, 0))).toBe('BAD_KEY');
  });

  it('encodes the handshake at a fixed length and decodes it back', () => {
    const bob = makeResponder();
    const { handshake } = pqxdhInitiate(generateIdentity(), bob.bundle);
    const encoded = encodePqxdhHandshake(handshake);
    const reader = new ByteReader(encoded);
    expect(decodePqxdhHandshake(reader)).toEqual(handshake);
    reader.end();
    const withoutOneTime = encodePqxdhHandshake({ ...handshake, oneTimePrekeyId: null });
    expect(withoutOneTime.length).toBe(encoded.length);
    expect(decodePqxdhHandshake(new ByteReader(withoutOneTime)).oneTimePrekeyId).toBeNull();
    // A flag of 2 or an id without its flag is malformed, not guessed at.
    const flagAt = 32 + 32 + 64 + 32 + 4 + 4 + 1;
    expect(
      reasonOf(() => decodePqxdhHandshake(new ByteReader(flipBit(encoded, flagAt, 0x03)))),
    ).toBe('MALFORMED');
    expect(
      reasonOf(() => decodePqxdhHandshake(new ByteReader(flipBit(withoutOneTime, flagAt + 4)))),
    ).toBe('MALFORMED');
    expect(formatHeader(SUITE.prekeyMessage)[3]).toBe(SUITE.prekeyMessage);
  });
});

describe('one-time KEM prekeys', () => {
  it('are used when the bundle carries one, once, and then gone on the responder’s side', () => {
    const bob = makeResponder({ oneTimePrekey: false, oneTimeKemPrekey: true });
    const oneTimeKem = bob.bundle.oneTimeKemPrekey!;
    const alice = initiateTo(bob);
    const message = alice.encrypt(utf8('pq once'), 0);
    const { handshake } = parsePrekeyMessage(message);
    expect(handshake.kemPrekeyKind).toBe('one-time');
    expect(handshake.kemPrekeyId).toBe(oneTimeKem.id);
    expect(bob.store.oneTimeKemPrekey(oneTimeKem.id)).toBeDefined();
    const before = bob.store.oneTimeKemPrekeyCount;
    expect(acceptSession(bob.identity, bob.store, message, 0).plaintext).toEqual(utf8('pq once'));
    expect(bob.store.oneTimeKemPrekey(oneTimeKem.id)).toBeUndefined();
    expect(bob.store.oneTimeKemPrekeyCount).toBe(before - 1);
    // Its deletion is what stops a replay: no base key had to be remembered for it.
    expect(bob.store.hasUsedBaseKey(handshake.baseKey)).toBe(false);
    expect(reasonOf(() => acceptSession(bob.identity, bob.store, message, 0))).toBe('REPLAY');
  });

  it('fall back to the last-resort KEM prekey when the bundle has none', () => {
    const bob = makeResponder({ oneTimeKemPrekey: true });
    const { oneTimeKemPrekey: _unused, ...lastResortOnly } = bob.bundle;
    const { handshake } = pqxdhInitiate(generateIdentity(), lastResortOnly);
    expect(handshake.kemPrekeyKind).toBe('last-resort');
    expect(handshake.kemPrekeyId).toBe(bob.bundle.kemPrekey.id);
    const count = bob.store.oneTimeKemPrekeyCount;
    pqxdhRespond(bob.identity, bob.store, handshake);
    expect(bob.store.oneTimeKemPrekeyCount).toBe(count);
  });

  it('cannot be confused with the last-resort one: changing the kind byte or the id fails', () => {
    const bob = makeResponder({ oneTimePrekey: false, oneTimeKemPrekey: true });
    const { secrets, handshake } = pqxdhInitiate(generateIdentity(), bob.bundle);
    // Named as last-resort, the id is unknown there.
    expect(
      reasonOf(() =>
        pqxdhRespond(bob.identity, bob.store, { ...handshake, kemPrekeyKind: 'last-resort' }),
      ),
    ).toBe('BAD_KEY');
    // The last-resort id named as one-time: not a one-time KEM prekey the device holds.
    expect(
      reasonOf(() =>
        pqxdhRespond(bob.identity, bob.store, {
          ...handshake,
          kemPrekeyId: bob.bundle.kemPrekey.id,
        }),
      ),
    ).toBe('REPLAY');
    // Another of the device's one-time KEM prekeys decapsulates to an unrelated secret.
    const [other] = bob.store.addOneTimeKemPrekeys(1);
    const response = pqxdhRespond(bob.identity, bob.store, {
      ...handshake,
      kemPrekeyId: other!.id,
    });
    expect(equalBytes(response.secrets.rootKey, secrets.rootKey)).toBe(false);
  });
});
