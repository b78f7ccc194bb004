// Published known-answer tests pin the primitives: RFC 5869 (HKDF-SHA-256), RFC 7748 §6.1
// (X25519) and RFC 8032 §7.1 (Ed25519), read from committed fixtures.
import { describe, expect, it } from 'vitest';
import hkdfVectors from './fixtures/rfc5869-hkdf-sha256.json' with { type: 'json' };
import x25519Vectors from './fixtures/rfc7748-x25519.json' with { type: 'json' };
import ed25519Vectors from './fixtures/rfc8032-ed25519.json' with { type: 'json' };
import { CryptoError } from '../src/crypto/primitives/errors.js';
import { hkdf, hkdfExpand, hkdfExtract } from '../src/crypto/primitives/hkdf.js';
import {
  ed25519KeyPairFromSeed,
  sign,
  verify,
  x25519,
  x25519KeyPair,
  x25519KeyPairFromSecret,
} from '../src/crypto/primitives/primitives.js';
import { sodium } from '../src/crypto/primitives/sodium.js';

const hex = (text: string): Uint8Array => sodium.from_hex(text);
const toHex = (bytes: Uint8Array): string => sodium.to_hex(bytes);

function flipBit(bytes: Uint8Array, index: number): Uint8Array {
  const copy = bytes.slice();
  copy[index >> 3]! ^= 1 << (index & 7);
  return copy;
}

describe('RFC 5869 HKDF-SHA-256', () => {
  it('has the three SHA-256 cases', () => {
    expect(hkdfVectors.cases.map((c) => c.name.slice(0, 3))).toEqual(['A.1', 'A.2', 'A.3']);
  });

  for (const vector of hkdfVectors.cases) {
    it(`${vector.name}: extract, expand and the one-shot form match`, () => {
      const prk = hkdfExtract(hex(vector.salt), hex(vector.ikm));
      expect(toHex(prk)).toBe(vector.prk);
      expect(toHex(hkdfExpand(prk, hex(vector.info), vector.length))).toBe(vector.okm);
      expect(toHex(hkdf(hex(vector.ikm), hex(vector.salt), hex(vector.info), vector.length))).toBe(
        vector.okm,
      );
    });
  }
});

describe('RFC 7748 §6.1 X25519', () => {
  const alice = x25519Vectors.alice;
  const bob = x25519Vectors.bob;

  it('derives both published public keys from the private keys', () => {
    expect(toHex(x25519KeyPairFromSecret(hex(alice.privateKey)).publicKey)).toBe(alice.publicKey);
    expect(toHex(x25519KeyPairFromSecret(hex(bob.privateKey)).publicKey)).toBe(bob.publicKey);
  });

  it('computes the published shared secret from either side', () => {
    expect(toHex(x25519(hex(alice.privateKey), hex(bob.publicKey)))).toBe(
      x25519Vectors.sharedSecret,
    );
    expect(toHex(x25519(hex(bob.privateKey), hex(alice.publicKey)))).toBe(
      x25519Vectors.sharedSecret,
    );
  });

  it('rejects every low-order point (all-zero shared secret) with BAD_KEY', () => {
    const secrets = [hex(alice.privateKey), hex(bob.privateKey), x25519KeyPair().secretKey];
    for (const point of x25519Vectors.lowOrderPoints) {
      for (const secret of secrets) {
        let caught: unknown;
        try {
          x25519(secret, hex(point));
        } catch (error) {
          caught = error;
        }
        expect(caught, point).toBeInstanceOf(CryptoError);
        expect((caught as CryptoError).reason).toBe('BAD_KEY');
      }
    }
  });
});

describe('RFC 8032 §7.1 Ed25519', () => {
  it('has tests 1, 2, 3, 1024 and SHA(abc)', () => {
    expect(ed25519Vectors.cases.map((c) => c.name)).toEqual([
      'TEST 1',
      'TEST 2',
      'TEST 3',
      'TEST 1024',
      'TEST SHA(abc)',
    ]);
    const sha = ed25519Vectors.cases[4]!;
    expect(sha.message).toBe(toHex(sodium.crypto_hash_sha512(sodium.from_string('abc'))));
    expect(hex(ed25519Vectors.cases[3]!.message)).toHaveLength(1023);
  });

  for (const vector of ed25519Vectors.cases) {
    it(`${vector.name}: seed → public key, signature, and verification`, () => {
      const pair = ed25519KeyPairFromSeed(hex(vector.secretKey));
      expect(toHex(pair.publicKey)).toBe(vector.publicKey);
      const message = hex(vector.message);
      expect(toHex(sign(pair.secretKey, message))).toBe(vector.signature);
      expect(verify(hex(vector.publicKey), message, hex(vector.signature))).toBe(true);
    });

    it(`${vector.name}: a flipped bit in signature, message or key fails`, () => {
      const publicKey = hex(vector.publicKey);
      const message = hex(vector.message);
      const signature = hex(vector.signature);
      for (const bit of [0, 255, 256, 511]) {
        expect(verify(publicKey, message, flipBit(signature, bit))).toBe(false);
      }
      if (message.length > 0) {
        expect(verify(publicKey, flipBit(message, 0), signature)).toBe(false);
        expect(verify(publicKey, flipBit(message, message.length * 8 - 1), signature)).toBe(false);
      } else {
        expect(verify(publicKey, Uint8Array.of(0), signature)).toBe(false);
      }
      expect(verify(flipBit(publicKey, 0), message, signature)).toBe(false);
    });
  }
});
