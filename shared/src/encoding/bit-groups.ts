// The decoding step the RFC 4648 codecs share: each character of an alphabet carries a fixed
// number of bits, read most significant first into whole bytes. Strict, so that one byte string
// has exactly one textual form: a character outside the alphabet or a non-zero bit left over
// after the last whole byte makes the text undefined. Each codec checks its lengths first.

/** A lookup from character code (below 128) to its value in `alphabet`, or -1. */
export function decodeTable(alphabet: string): Int8Array {
  const table = new Int8Array(128).fill(-1);
  for (let i = 0; i < alphabet.length; i += 1) table[alphabet.charCodeAt(i)] = i;
  return table;
}

/** The bytes `text` carries at `bitsPerCharacter` bits a character; undefined if not canonical. */
export function decodeBitGroups(
  text: string,
  table: Int8Array,
  bitsPerCharacter: number,
): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * bitsPerCharacter) / 8));
  let buffer = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    const value = code < 128 ? table[code]! : -1;
    if (value < 0) return undefined;
    buffer = (buffer << bitsPerCharacter) | value;
    bits += bitsPerCharacter;
    if (bits >= 8) {
      bits -= 8;
      out[o] = (buffer >> bits) & 0xff;
      o += 1;
    }
    buffer &= (1 << bits) - 1;
  }
  if (buffer !== 0) return undefined; // non-zero trailing bits
  return out;
}
