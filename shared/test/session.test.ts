// The client-facing session API: prekey messages until the first answer, out-of-order first
// messages, tampering with prekey messages, identities and serialization of both roles.
import { describe, expect, it } from 'vitest';
import {
  CryptoError,
  MAX_SESSION_PLAINTEXT_BYTES,
  Session,
  acceptSession,
  fromUtf8,
  generateIdentity,
  initiateSession,
  isPrekeyMessage,
  parsePrekeyMessage,
  publicIdentity,
  utf8,
} from '../src/crypto/index.js';
import { establish, flipBit, initiateTo, makeResponder } from './session-support.js';
import { reasonOf } from './reason-of.js';

describe('session', () => {
  it('talks only to the expected identity: a substituted bundle or first message is refused untouched', () => {
    const bob = makeResponder();
    const mallory = makeResponder();
    expect(
      reasonOf(() =>
        initiateSession(generateIdentity(), mallory.bundle, bob.bundle.identity, mallory.devices),
      ),
    ).toBe('UNTRUSTED');
    const alice = generateIdentity();
    const eve = generateIdentity();
    const fromEve = initiateTo(bob, eve).encrypt(utf8('hi'), 0);
    const remaining = bob.store.oneTimePrekeyCount;
    expect(
      reasonOf(() =>
        acceptSession(bob.identity, bob.store, fromEve, 0, {
          expectedInitiator: publicIdentity(alice),
        }),
      ),
    ).toBe('UNTRUSTED');
    expect(bob.store.oneTimePrekeyCount).toBe(remaining);
    const fromAlice = initiateTo(bob, alice).encrypt(utf8('hi'), 0);
    const accepted = acceptSession(bob.identity, bob.store, fromAlice, 0, {
      expectedInitiator: publicIdentity(alice),
    });
    expect(fromUtf8(accepted.plaintext)).toBe('hi');
  });

  it('sends prekey messages until the peer answers, then plain ratchet messages', () => {
    const aliceIdentity = generateIdentity();
    const bob = makeResponder();
    const alice = initiateTo(bob, aliceIdentity);
    const first = alice.encrypt(utf8('1'), 0);
    const second = alice.encrypt(utf8('2'), 0);
    const third = alice.encrypt(utf8('3'), 0);
    expect([first, second, third].every(isPrekeyMessage)).toBe(true);
    expect(parsePrekeyMessage(first).handshake).toEqual(parsePrekeyMessage(third).handshake);

    // The second arrives first: Bob starts from it and reads the others through the session.
    const { session, plaintext } = acceptSession(bob.identity, bob.store, second, 0);
    expect(fromUtf8(plaintext)).toBe('2');
    expect(fromUtf8(session.decrypt(third, 0))).toBe('3');
    expect(fromUtf8(session.decrypt(first, 0))).toBe('1');
    expect(session.remoteIdentity).toEqual(publicIdentity(aliceIdentity));
    expect(alice.remoteIdentity).toEqual(bob.bundle.identity);
    expect(session.baseKey).toEqual(alice.baseKey);

    expect(fromUtf8(alice.decrypt(session.encrypt(utf8('answer'), 0), 0))).toBe('answer');
    const plain = alice.encrypt(utf8('4'), 0);
    expect(isPrekeyMessage(plain)).toBe(false);
    expect(fromUtf8(session.decrypt(plain, 0))).toBe('4');
  });

  it('refuses every single-byte change of a prekey message, at accept and within a session', () => {
    const bob = makeResponder();
    const alice = initiateTo(bob);
    const message = alice.encrypt(utf8('first'), 0);
    const repeat = alice.encrypt(utf8('repeat'), 0);
    const { session } = acceptSession(bob.identity, bob.store, message, 0);
    const before = session.serialize();
    // Every byte of the repeated message, with a stride through the 1 KiB KEM ciphertext.
    for (let index = 0; index < repeat.length; index += index > 200 && index < 1250 ? 37 : 1) {
      expect(() => session.decrypt(flipBit(repeat, index, 0x10), 0)).toThrow(CryptoError);
    }
    expect(session.serialize()).toEqual(before);
    expect(fromUtf8(session.decrypt(repeat, 0))).toBe('repeat');

    const fresh = makeResponder();
    const first = initiateTo(fresh).encrypt(utf8('x'), 0);
    const storeBefore = fresh.store.serialize();
    for (let index = 0; index < first.length; index += index > 200 && index < 1250 ? 53 : 3) {
      expect(() =>
        acceptSession(fresh.identity, fresh.store, flipBit(first, index, 0x04), 0),
      ).toThrow(CryptoError);
    }
    expect(fresh.store.serialize()).toEqual(storeBefore);
  });

  it('refuses a prekey message of another session, and prekey messages sent to the initiator', () => {
    const { alice, bob, responder } = establish();
    const intruder = initiateTo(responder).encrypt(utf8('other'), 0);
    expect(reasonOf(() => bob.decrypt(intruder, 0))).toBe('BAD_KEY');
    expect(reasonOf(() => alice.decrypt(intruder, 0))).toBe('BAD_KEY');
  });

  it('serializes both roles, before and after the first answer', () => {
    const { alice, bob } = establish();
    const aliceCopy = Session.deserialize(alice.serialize());
    const stillPrekey = aliceCopy.encrypt(utf8('again'), 0);
    expect(isPrekeyMessage(stillPrekey)).toBe(true);
    const bobCopy = Session.deserialize(bob.serialize());
    expect(bobCopy.role).toBe('responder');
    expect(fromUtf8(bobCopy.decrypt(stillPrekey, 0))).toBe('again');
    expect(fromUtf8(aliceCopy.decrypt(bobCopy.encrypt(utf8('reply'), 0), 0))).toBe('reply');
    expect(
      isPrekeyMessage(Session.deserialize(aliceCopy.serialize()).encrypt(utf8('later'), 0)),
    ).toBe(false);
  });

  it('wipes its keys on demand', () => {
    const { alice, bob } = establish();
    alice.wipe();
    expect(() => bob.decrypt(alice.encrypt(utf8('after wipe'), 0), 0)).toThrow(CryptoError);
  });

  it('pads plaintexts to the shared buckets, so lengths leak only their bucket', () => {
    const { alice, bob } = establish();
    alice.decrypt(bob.encrypt(utf8('plain ratchet messages from here'), 0), 0);
    const lengthOf = (size: number): number => {
      const message = alice.encrypt(new Uint8Array(size).fill(0x80), 0);
      expect(bob.decrypt(message, 0)).toEqual(new Uint8Array(size).fill(0x80));
      return message.length;
    };
    const overhead = lengthOf(0) - 256;
    for (const size of [1, 100, 255]) expect(lengthOf(size)).toBe(overhead + 256);
    for (const size of [256, 1023]) expect(lengthOf(size)).toBe(overhead + 1024);
    expect(lengthOf(1024)).toBe(overhead + 4096);
    expect(lengthOf(MAX_SESSION_PLAINTEXT_BYTES)).toBe(overhead + 65536);
    expect(reasonOf(() => alice.encrypt(new Uint8Array(MAX_SESSION_PLAINTEXT_BYTES + 1), 0))).toBe(
      'BAD_LENGTH',
    );
  });
});
