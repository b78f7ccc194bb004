// The checked wrappers refuse wrong lengths and tampering with stable reason codes, and the
// byte helpers they rely on behave as their names promise.
import { describe, expect, it } from 'vitest';
import { equalBytes, transcript } from '../src/crypto/primitives/bytes.js';
import { hkdfExpand, hmacSha256 } from '../src/crypto/primitives/hkdf.js';
import {
  AEAD_KEY_BYTES,
  AEAD_NONCE_BYTES,
  AEAD_TAG_BYTES,
  aeadDecrypt,
  aeadEncrypt,
  ed25519KeyPair,
  sign,
  verify,
  x25519,
  x25519KeyPair,
} from '../src/crypto/primitives/primitives.js';
import { sodium } from '../src/crypto/primitives/sodium.js';
import { reasonOf } from './reason-of.js';

describe('XChaCha20-Poly1305', () => {
  const key = sodium.randombytes_buf(AEAD_KEY_BYTES);
  const nonce = sodium.randombytes_buf(AEAD_NONCE_BYTES);
  const plaintext = sodium.from_string('request details');
  const associatedData = sodium.from_string('header');

  it('round-trips and adds exactly one tag', () => {
    const ciphertext = aeadEncrypt(key, nonce, plaintext, associatedData);
    expect(ciphertext).toHaveLength(plaintext.length + AEAD_TAG_BYTES);
    expect(aeadDecrypt(key, nonce, ciphertext, associatedData)).toEqual(plaintext);
  });

  it('refuses any flipped ciphertext byte, another key, nonce or associated data', () => {
    const ciphertext = aeadEncrypt(key, nonce, plaintext, associatedData);
    for (let i = 0; i < ciphertext.length; i += 1) {
      const tampered = ciphertext.slice();
      tampered[i]! ^= 0x01;
      expect(reasonOf(() => aeadDecrypt(key, nonce, tampered, associatedData))).toBe(
        'DECRYPT_FAILED',
      );
    }
    const otherKey = sodium.randombytes_buf(AEAD_KEY_BYTES);
    const otherNonce = sodium.randombytes_buf(AEAD_NONCE_BYTES);
    expect(reasonOf(() => aeadDecrypt(otherKey, nonce, ciphertext, associatedData))).toBe(
      'DECRYPT_FAILED',
    );
    expect(reasonOf(() => aeadDecrypt(key, otherNonce, ciphertext, associatedData))).toBe(
      'DECRYPT_FAILED',
    );
    expect(reasonOf(() => aeadDecrypt(key, nonce, ciphertext, sodium.from_string('other')))).toBe(
      'DECRYPT_FAILED',
    );
    expect(
      reasonOf(() => aeadDecrypt(key, nonce, ciphertext.subarray(0, 15), associatedData)),
    ).toBe('DECRYPT_FAILED');
  });

  it('checks key and nonce lengths before calling libsodium', () => {
    expect(reasonOf(() => aeadEncrypt(key.subarray(1), nonce, plaintext, associatedData))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => aeadEncrypt(key, nonce.subarray(1), plaintext, associatedData))).toBe(
      'BAD_LENGTH',
    );
    expect(reasonOf(() => aeadDecrypt(key, new Uint8Array(12), plaintext, associatedData))).toBe(
      'BAD_LENGTH',
    );
  });
});

describe('X25519 and Ed25519 wrappers', () => {
  it('agrees on a shared secret and checks lengths', () => {
    const a = x25519KeyPair();
    const b = x25519KeyPair();
    expect(equalBytes(x25519(a.secretKey, b.publicKey), x25519(b.secretKey, a.publicKey))).toBe(
      true,
    );
    expect(reasonOf(() => x25519(a.secretKey, b.publicKey.subarray(1)))).toBe('BAD_LENGTH');
    expect(reasonOf(() => x25519(a.secretKey.subarray(1), b.publicKey))).toBe('BAD_LENGTH');
  });

  it('verify returns false, never throws, for malformed keys and signatures', () => {
    const pair = ed25519KeyPair();
    const message = sodium.from_string('m');
    const signature = sign(pair.secretKey, message);
    expect(verify(pair.publicKey, message, signature)).toBe(true);
    expect(verify(pair.publicKey.subarray(1), message, signature)).toBe(false);
    expect(verify(pair.publicKey, message, signature.subarray(1))).toBe(false);
    expect(verify(new Uint8Array(32), message, signature)).toBe(false);
    expect(verify(ed25519KeyPair().publicKey, message, signature)).toBe(false);
    expect(reasonOf(() => sign(pair.secretKey.subarray(32), message))).toBe('BAD_LENGTH');
  });
});

describe('byte helpers and HKDF bounds', () => {
  it('equalBytes compares content and length', () => {
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(equalBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('transcript keeps field boundaries apart', () => {
    const ab = transcript('t', Uint8Array.of(1, 2), Uint8Array.of(3));
    const a_b = transcript('t', Uint8Array.of(1), Uint8Array.of(2, 3));
    expect(equalBytes(ab, a_b)).toBe(false);
    expect(equalBytes(transcript('t1'), transcript('t', Uint8Array.of(0x31)))).toBe(false);
  });

  it('HKDF refuses empty, oversized output and a short PRK', () => {
    const prk = hmacSha256(new Uint8Array(32), new Uint8Array(0));
    expect(hkdfExpand(prk, new Uint8Array(0), 255 * 32)).toHaveLength(255 * 32);
    expect(reasonOf(() => hkdfExpand(prk, new Uint8Array(0), 255 * 32 + 1))).toBe('BAD_LENGTH');
    expect(reasonOf(() => hkdfExpand(prk, new Uint8Array(0), 0))).toBe('BAD_LENGTH');
    expect(reasonOf(() => hkdfExpand(prk.subarray(1), new Uint8Array(0), 32))).toBe('BAD_LENGTH');
  });

  it('HMAC-SHA-256 matches RFC 4231 test case 2', () => {
    const mac = hmacSha256(
      sodium.from_string('Jefe'),
      sodium.from_string('what do ya want for nothing?'),
    );
    expect(sodium.to_hex(mac)).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});
