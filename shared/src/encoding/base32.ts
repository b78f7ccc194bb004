// Strict, dependency-free base32 (RFC 4648 §6, upper case, no padding), for text that must fit a
// QR code's alphanumeric mode (A–Z, 2–7 are in its 45-character set) and survive being typed.
// Non-canonical input (padding, lower case, stray characters, an impossible length, non-zero
// trailing bits) is rejected, so one byte string has exactly one textual form.

import { decodeBitGroups, decodeTable } from './bit-groups.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const DECODE = decodeTable(ALPHABET);

export function toBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >> bits) & 31]!;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31]!;
  return out;
}

/** Decodes canonical base32; returns undefined for anything else. */
export function fromBase32(text: string): Uint8Array | undefined {
  // 8 characters carry 5 bytes; a remainder of 1, 3 or 6 characters encodes no whole byte.
  if ([1, 3, 6].includes(text.length % 8)) return undefined;
  return decodeBitGroups(text, DECODE, 5);
}
