// Example-based tests of the Double Ratchet through the session API: tampering, replays,
// skipped-key bounds and expiry, forward secrecy, padding and serialization.
import { describe, expect, it } from 'vitest';
import {
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  CryptoError,
  FORMAT_HEADER_BYTES,
  HEADER_BLOCK_BYTES,
  MAX_SKIP,
  MAX_SKIPPED_KEYS,
  SKIPPED_KEY_TTL_MS,
  Session,
  formatHeader,
  fromUtf8,
  utf8,
  SUITE,
  padToBucket,
} from '../src/crypto/index.js';
import { establish, flipBit } from './session-support.js';
import { reasonOf } from './reason-of.js';

/** The random nonce a ratchet message carries in clear at the start of its header block. */
function messageNonce(message: Uint8Array): Uint8Array {
  return message.slice(FORMAT_HEADER_BYTES, FORMAT_HEADER_BYTES + AEAD_NONCE_BYTES);
}

/** The body's ciphertext without its tag. */
function bodyCiphertext(message: Uint8Array): Uint8Array {
  return message.slice(FORMAT_HEADER_BYTES + HEADER_BLOCK_BYTES, message.length - AEAD_TAG_BYTES);
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((byte, i) => byte ^ b[i]!);
}

/** A pair past the handshake: Bob has answered, so Alice sends plain ratchet messages. */
function established(): ReturnType<typeof establish> {
  const pair = establish();
  pair.alice.decrypt(pair.bob.encrypt(utf8('welcome'), 0), 0);
  return pair;
}

describe('double ratchet', () => {
  it('carries a conversation in both directions', () => {
    const { alice, bob } = established();
    for (let round = 0; round < 5; round += 1) {
      expect(fromUtf8(bob.decrypt(alice.encrypt(utf8(`a${round}`), 0), 0))).toBe(`a${round}`);
      expect(fromUtf8(bob.decrypt(alice.encrypt(utf8(`a${round}'`), 0), 0))).toBe(`a${round}'`);
      expect(fromUtf8(alice.decrypt(bob.encrypt(utf8(`b${round}`), 0), 0))).toBe(`b${round}`);
    }
  });

  it('refuses every single-byte change of a message and changes no state', () => {
    const { alice, bob } = established();
    const message = alice.encrypt(utf8('tamper with me'), 0);
    const before = bob.serialize();
    for (let index = 0; index < message.length; index += 1) {
      const reason = reasonOf(() => bob.decrypt(flipBit(message, index, 0x40), 0));
      // The format header is checked before anything else; every other byte is authenticated.
      if (index < 4) expect(['MALFORMED', 'UNSUPPORTED_VERSION']).toContain(reason);
      else expect(reason).toBe('DECRYPT_FAILED');
    }
    expect(bob.serialize()).toEqual(before);
    expect(fromUtf8(bob.decrypt(message, 0))).toBe('tamper with me');
  });

  it('a state restored from an old copy never reuses a nonce or keystream (rollback)', () => {
    const { alice, bob } = established();
    const savedAlice = alice.serialize();
    const savedBob = bob.serialize();
    const textA = utf8('attack at dawn, meet at the bridge');
    const textB = utf8('the password is correct horse 123');
    const messageA = alice.encrypt(textA, 0);
    // The key store served a stale copy: the restored session re-derives the same message key.
    const messageB = Session.deserialize(savedAlice).encrypt(textB, 0);
    expect(messageA.length).toBe(messageB.length);

    expect(messageNonce(messageA)).not.toEqual(messageNonce(messageB));
    // Under a repeated (key, nonce) the XOR of the bodies would be the XOR of the plaintexts.
    expect(xor(bodyCiphertext(messageA), bodyCiphertext(messageB))).not.toEqual(
      xor(padToBucket(textA), padToBucket(textB)),
    );

    // Both are still readable, each by a receiver that has not used that message key yet...
    expect(fromUtf8(bob.decrypt(messageA, 0))).toBe(fromUtf8(textA));
    expect(fromUtf8(Session.deserialize(savedBob).decrypt(messageB, 0))).toBe(fromUtf8(textB));
    // ...and they really share a message number: the second is a replay to the first's receiver.
    expect(reasonOf(() => bob.decrypt(messageB, 0))).toBe('REPLAY');
  });

  it('refuses truncated and extended messages', () => {
    const { alice, bob } = established();
    const message = alice.encrypt(utf8('x'), 0);
    expect(reasonOf(() => bob.decrypt(message.subarray(0, message.length - 1), 0))).toBe(
      'DECRYPT_FAILED',
    );
    expect(reasonOf(() => bob.decrypt(new Uint8Array([...message, 0]), 0))).toBe('DECRYPT_FAILED');
    expect(reasonOf(() => bob.decrypt(message.subarray(0, 50), 0))).toBe('DECRYPT_FAILED');
    expect(reasonOf(() => bob.decrypt(formatHeader(SUITE.ratchetMessage), 0))).toBe(
      'DECRYPT_FAILED',
    );
    expect(fromUtf8(bob.decrypt(message, 0))).toBe('x');
  });

  it('rejects a replay as REPLAY and leaves the state unchanged', () => {
    const { alice, bob } = established();
    const first = alice.encrypt(utf8('one'), 0);
    const second = alice.encrypt(utf8('two'), 0);
    bob.decrypt(second, 0);
    bob.decrypt(first, 0); // from the skipped keys, which deletes it
    const before = bob.serialize();
    expect(reasonOf(() => bob.decrypt(first, 0))).toBe('REPLAY');
    expect(reasonOf(() => bob.decrypt(second, 0))).toBe('REPLAY');
    expect(bob.serialize()).toEqual(before);
  });

  it('a message from a chain whose keys are all gone fails as DECRYPT_FAILED', () => {
    const { alice, bob } = established();
    const old = alice.encrypt(utf8('old'), 0);
    bob.decrypt(old, 0);
    alice.decrypt(bob.encrypt(utf8('reply'), 0), 0);
    bob.decrypt(alice.encrypt(utf8('new chain'), 0), 0);
    expect(reasonOf(() => bob.decrypt(old, 0))).toBe('DECRYPT_FAILED');
  });

  it('refuses to skip more than MAX_SKIP keys in one chain step and changes nothing', () => {
    const { alice, bob } = established();
    const messages: Uint8Array[] = [];
    for (let i = 0; i <= MAX_SKIP + 1; i += 1) messages.push(alice.encrypt(utf8(`m${i}`), 0));
    const before = bob.serialize();
    // Bob has read message 0 ("hello"); this one would skip MAX_SKIP + 1 keys.
    expect(reasonOf(() => bob.decrypt(messages[MAX_SKIP + 1]!, 0))).toBe('TOO_MANY_SKIPPED');
    expect(bob.serialize()).toEqual(before);
    // Exactly MAX_SKIP skipped keys is allowed, and each skipped message is then readable once.
    expect(fromUtf8(bob.decrypt(messages[MAX_SKIP]!, 0))).toBe(`m${MAX_SKIP}`);
    expect(fromUtf8(bob.decrypt(messages[0]!, 0))).toBe('m0');
    expect(fromUtf8(bob.decrypt(messages[MAX_SKIP + 1]!, 0))).toBe(`m${MAX_SKIP + 1}`);
  });

  it('bounds the skip across a ratchet step by the previous chain length too', () => {
    const { alice, bob } = established();
    for (let i = 0; i <= MAX_SKIP + 1; i += 1) bob.encrypt(utf8('lost'), 0);
    bob.decrypt(alice.encrypt(utf8('ping'), 0), 0);
    const nextChain = bob.encrypt(utf8('after'), 0);
    // Bob's new chain says his previous one had MAX_SKIP + 3 messages; Alice read only the first.
    const before = alice.serialize();
    expect(reasonOf(() => alice.decrypt(nextChain, 0))).toBe('TOO_MANY_SKIPPED');
    expect(alice.serialize()).toEqual(before);
  });

  it('keeps at most MAX_SKIPPED_KEYS skipped keys, evicting the oldest', () => {
    const { alice, bob } = established();
    const oldest = alice.encrypt(utf8('oldest'), 0);
    const kept: Uint8Array[] = [];
    // Three chain steps of MAX_SKIP skipped keys each: 3000 > 2000.
    for (let step = 0; step < 3; step += 1) {
      for (let i = 0; i < MAX_SKIP - 1; i += 1) kept.push(alice.encrypt(utf8('skipped'), 0));
      bob.decrypt(alice.encrypt(utf8('seen'), 0), 0);
      alice.decrypt(bob.encrypt(utf8('ack'), 0), 0);
      alice.decrypt(bob.encrypt(utf8('ack2'), 0), 0);
    }
    // Its chain still holds newer skipped keys, so the header opens but the key is gone.
    expect(reasonOf(() => bob.decrypt(oldest, 0))).toBe('REPLAY');
    expect(fromUtf8(bob.decrypt(kept.at(-1)!, 0))).toBe('skipped');
    // The state never holds more than the cap (each skipped key is 44 bytes in the blob).
    expect(bob.serialize().length).toBeLessThan(2 * 1024 + MAX_SKIPPED_KEYS * 44 + 100 * 36);
  });

  it('forgets skipped keys once they expire', () => {
    const { alice, bob } = established();
    const late = alice.encrypt(utf8('late'), 0);
    const laterStill = alice.encrypt(utf8('later still'), 0);
    bob.decrypt(alice.encrypt(utf8('on time'), 1000), 1000);
    expect(fromUtf8(bob.decrypt(late, 1000 + SKIPPED_KEY_TTL_MS - 1))).toBe('late');
    expect(reasonOf(() => bob.decrypt(laterStill, 1000 + SKIPPED_KEY_TTL_MS))).toBe('REPLAY');
  });

  it('forward secrecy: the current state cannot read messages whose keys were used', () => {
    const { alice, bob } = established();
    const delivered: Uint8Array[] = [];
    for (let i = 0; i < 4; i += 1) {
      const toBob = alice.encrypt(utf8(`a${i}`), 0);
      bob.decrypt(toBob, 0);
      delivered.push(toBob);
      const toAlice = bob.encrypt(utf8(`b${i}`), 0);
      alice.decrypt(toAlice, 0);
    }
    const stolen = Session.deserialize(bob.serialize());
    for (const message of delivered) expect(() => stolen.decrypt(message, 0)).toThrow(CryptoError);
  });

  it('serializes mid-conversation, with skipped keys, and continues', () => {
    const { alice, bob } = established();
    const skipped = alice.encrypt(utf8('skipped'), 0);
    bob.decrypt(alice.encrypt(utf8('seen'), 0), 0);
    const bob2 = Session.deserialize(bob.serialize());
    const alice2 = Session.deserialize(alice.serialize());
    expect(bob2.serialize()).toEqual(bob.serialize());
    expect(fromUtf8(bob2.decrypt(skipped, 0))).toBe('skipped');
    expect(fromUtf8(alice2.decrypt(bob2.encrypt(utf8('back'), 0), 0))).toBe('back');
    expect(fromUtf8(bob2.decrypt(alice2.encrypt(utf8('again'), 0), 0))).toBe('again');
  });

  it('refuses a session blob of another version, suite or shape', () => {
    const { bob } = established();
    const blob = bob.serialize();
    expect(reasonOf(() => Session.deserialize(flipBit(blob, 2)))).toBe('UNSUPPORTED_VERSION');
    expect(reasonOf(() => Session.deserialize(flipBit(blob, 4)))).toBe('UNSUPPORTED_VERSION');
    expect(reasonOf(() => Session.deserialize(flipBit(blob, 3)))).toBe('UNSUPPORTED_VERSION');
    expect(reasonOf(() => Session.deserialize(blob.subarray(0, blob.length - 1)))).toBe(
      'MALFORMED',
    );
    expect(reasonOf(() => Session.deserialize(new Uint8Array([...blob, 0])))).toBe('MALFORMED');
    expect(reasonOf(() => Session.deserialize(flipBit(blob, 5, 0x02)))).toBe('MALFORMED');
  });
});
