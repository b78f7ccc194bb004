// PQXDH: both sides agree, every tampered input disagrees, bad bundles are refused, and a
// handshake cannot be replayed.
import { describe, expect, it } from 'vitest';
import {
  PrekeyStore,
  acceptSession,
  decodePqxdhHandshake,
  encodePqxdhHandshake,
  encodePublicIdentity,
  formatHeader,
  generateIdentity,
  initiateSession,
  pqxdhInitiate,
  pqxdhRespond,
  publicIdentity,
  utf8,
  x25519KeyPair,
  concatBytes,
  SUITE,
  type PqxdhHandshake,
} from '../src/crypto/index.js';
import { ByteReader } from '../src/crypto/session-codec.js';
import { flipBit, makeResponder } from './session-support.js';
import { reasonOf } from './reason-of.js';

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
    bob.store.addOneTimePrekeys(1);
    const { secrets, handshake } = pqxdhInitiate(generateIdentity(), bob.bundle);
    const variants: PqxdhHandshake[] = [
      { ...handshake, kemCiphertext: flipBit(handshake.kemCiphertext, 100) },
      { ...handshake, baseKey: x25519KeyPair().publicKey },
      { ...handshake, oneTimePrekeyId: handshake.oneTimePrekeyId! + 1 },
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
    const alice = initiateSession(generateIdentity(), bob.bundle);
    const message = alice.encrypt(utf8('hi'), 0);
    const prefix = 4 + 32 + 32 + 64; // format header and the initiator's identity
    const baseKeyAt = prefix;
    const ciphertextAt = prefix + 32 + 4 + 4 + 1 + 4;
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

  it('works with the signed prekey only when no one-time prekey is left', () => {
    const bob = makeResponder({ oneTimePrekey: false });
    expect(bob.bundle.oneTimePrekey).toBeUndefined();
    const alice = initiateSession(generateIdentity(), bob.bundle);
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
      expect(reasonOf(() => initiateSession(alice, variant))).toBe('BAD_SIGNATURE');
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
    expect(reasonOf(() => pqxdhRespond(bob.identity, new PrekeyStore(), handshake))).toBe(
      'BAD_KEY',
    );
  });

  it('rejects a replayed handshake, with or without a one-time prekey', () => {
    for (const oneTimePrekey of [true, false]) {
      const bob = makeResponder({ oneTimePrekey });
      const message = initiateSession(generateIdentity(), bob.bundle).encrypt(utf8('once'), 0);
      acceptSession(bob.identity, bob.store, message, 0);
      expect(reasonOf(() => acceptSession(bob.identity, bob.store, message, 0))).toBe('REPLAY');
    }
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
    const flagAt = 32 + 32 + 64 + 32 + 4 + 4;
    expect(
      reasonOf(() => decodePqxdhHandshake(new ByteReader(flipBit(encoded, flagAt, 0x03)))),
    ).toBe('MALFORMED');
    expect(
      reasonOf(() => decodePqxdhHandshake(new ByteReader(flipBit(withoutOneTime, flagAt + 4)))),
    ).toBe('MALFORMED');
    expect(formatHeader(SUITE.prekeyMessage)[3]).toBe(SUITE.prekeyMessage);
  });
});
