// Strict base64url (RFC 4648 §5): the RFC's §10 vectors, the URL-safe alphabet, and every
// non-canonical form refused.
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../src/encoding/base64url.js';
import { fromUtf8, utf8 } from '../src/crypto/primitives/bytes.js';

const RFC4648 = [
  ['', ''],
  ['f', 'Zg'],
  ['fo', 'Zm8'],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg'],
  ['fooba', 'Zm9vYmE'],
  ['foobar', 'Zm9vYmFy'],
] as const;

describe('base64url', () => {
  it.each(RFC4648)('RFC 4648 §10: %j ↔ %j (padding dropped)', (plain, encoded) => {
    expect(toBase64Url(utf8(plain))).toBe(encoded);
    expect(fromUtf8(fromBase64Url(encoded)!)).toBe(plain);
  });

  it('uses - and _ where base64 has + and /', () => {
    expect(toBase64Url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
    expect(fromBase64Url('-_-_')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  it('refuses padding, the +/ alphabet, other characters, impossible lengths and non-zero trailing bits', () => {
    for (const text of ['Zg==', 'Zg=', '+/+/', 'Zm9v Yg', 'Z', 'Zm9vY', 'Zh', 'Zm9', 'Zм']) {
      expect(fromBase64Url(text)).toBeUndefined();
    }
  });

  it('round-trips every length up to 40 bytes', () => {
    for (let length = 0; length <= 40; length += 1) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
      expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
    }
  });
});
