// The receiving chains a session keeps are capped (MAX_SKIPPED_CHAINS), so a message no key opens
// costs a bounded number of trial decryptions however many DH ratchet steps the peer took while
// leaving messages undelivered. Trial decryptions are counted at libsodium, not timed.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  FORMAT_HEADER_BYTES,
  MAX_SKIPPED_CHAINS,
  Session,
  fromUtf8,
  sodium,
  utf8,
} from '../src/crypto/index.js';
import { establish, flipBit } from './session-support.js';
import { reasonOf } from './reason-of.js';

const STEPS = 40;

afterEach(() => {
  vi.restoreAllMocks();
});

/** Alice and Bob take STEPS DH ratchet steps; in each, one of Alice's messages never arrives. */
function manyChains() {
  const pair = establish();
  const { alice, bob } = pair;
  alice.decrypt(bob.encrypt(utf8('welcome'), 0), 0);
  const lost: Uint8Array[] = [];
  for (let step = 0; step < STEPS; step += 1) {
    lost.push(alice.encrypt(utf8(`lost ${step}`), 0));
    expect(fromUtf8(bob.decrypt(alice.encrypt(utf8(`seen ${step}`), 0), 0))).toBe(`seen ${step}`);
    expect(fromUtf8(alice.decrypt(bob.encrypt(utf8(`ack ${step}`), 0), 0))).toBe(`ack ${step}`);
  }
  return { ...pair, lost };
}

describe('receiving chains', () => {
  it(`keeps at most MAX_SKIPPED_CHAINS (${MAX_SKIPPED_CHAINS}) chains of skipped keys after ${STEPS} DH steps`, () => {
    const { bob, lost } = manyChains();
    expect(bob.skippedChainCount).toBe(MAX_SKIPPED_CHAINS);
    expect(Session.deserialize(bob.serialize()).skippedChainCount).toBe(MAX_SKIPPED_CHAINS);
    // The newest chains' late messages still decrypt; the oldest chains are gone.
    expect(fromUtf8(bob.decrypt(lost.at(-1)!, 0))).toBe(`lost ${STEPS - 1}`);
    expect(reasonOf(() => bob.decrypt(lost[0]!, 0))).toBe('DECRYPT_FAILED');
  });

  it('an undecryptable message costs at most MAX_SKIPPED_CHAINS + 2 trial decryptions', () => {
    const { alice, bob } = manyChains();
    const junk = flipBit(alice.encrypt(utf8('x'), 0), FORMAT_HEADER_BYTES + 30);
    const decrypt = vi.spyOn(sodium, 'crypto_aead_xchacha20poly1305_ietf_decrypt');
    expect(reasonOf(() => bob.decrypt(junk, 0))).toBe('DECRYPT_FAILED');
    expect(decrypt.mock.calls.length).toBeGreaterThan(0);
    // Current header key, the kept chains, the next header key: 7, not one per DH step taken.
    expect(MAX_SKIPPED_CHAINS).toBe(5);
    expect(decrypt.mock.calls.length).toBeLessThanOrEqual(7);
  });

  it('refuses a serialized state holding more chains than the cap', () => {
    const { bob } = manyChains();
    const blob = bob.serialize();
    const countAt = findChainCount(blob);
    const bumped = blob.slice();
    new DataView(bumped.buffer).setUint32(countAt, MAX_SKIPPED_CHAINS + 1, false);
    expect(reasonOf(() => Session.deserialize(bumped))).toBe('MALFORMED');
  });
});

/**
 * Offset of the skipped-chain count in a responder's serialized session with every optional field
 * present (docs/crypto.md §8.5): header 4, version 1, role 1, remote identity 128, base key 32,
 * digest 32, no pending handshake 1; RK, DHs 96; DHr, CKs, CKr 3 × 33; counters 12; HKs, HKr
 * 2 × 33; NHKs, NHKr 64; associated data 128.
 */
function findChainCount(blob: Uint8Array): number {
  const at = 4 + 1 + 1 + 128 + 32 + 32 + 1 + 96 + 3 * 33 + 12 + 2 * 33 + 64 + 128;
  expect(new DataView(blob.buffer, blob.byteOffset).getUint32(at, false)).toBe(MAX_SKIPPED_CHAINS);
  return at;
}
