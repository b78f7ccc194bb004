// Strict base32 (RFC 4648 §6): the RFC's §10 vectors, and every non-canonical form refused.
import { describe, expect, it } from 'vitest';
import { fromBase32, toBase32 } from '../src/encoding/base32.js';
import { fromUtf8, utf8 } from '../src/crypto/primitives/bytes.js';

const RFC4648 = [
  ['', ''],
  ['f', 'MY'],
  ['fo', 'MZXQ'],
  ['foo', 'MZXW6'],
  ['foob', 'MZXW6YQ'],
  ['fooba', 'MZXW6YTB'],
  ['foobar', 'MZXW6YTBOI'],
] as const;

describe('base32', () => {
  it.each(RFC4648)('RFC 4648 §10: %j ↔ %j (padding dropped)', (plain, encoded) => {
    expect(toBase32(utf8(plain))).toBe(encoded);
    expect(fromUtf8(fromBase32(encoded)!)).toBe(plain);
  });

  it('refuses padding, lower case, other characters, impossible lengths and non-zero trailing bits', () => {
    for (const text of ['MY======', 'my', 'MY1', 'M', 'MZX', 'MZXW6Y', 'MZ', 'MZXW6YTBOJ', 'МУ']) {
      expect(fromBase32(text)).toBeUndefined();
    }
  });

  it('round-trips every length up to 40 bytes', () => {
    for (let length = 0; length <= 40; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      expect(fromBase32(toBase32(bytes))).toEqual(bytes);
    }
  });
});
