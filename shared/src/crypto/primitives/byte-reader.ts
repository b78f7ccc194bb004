// Bounds-checked sequential parsing for the binary formats in this folder, plus the 64-bit
// millisecond timestamps they carry; any shortfall or leftover byte is MALFORMED.
import { concatBytes, readU32be, u32be } from './bytes.js';
import { CryptoError } from './errors.js';

export const U64_BYTES = 8;

/** A millisecond timestamp (a safe integer, < 2^53) as 8 big-endian bytes, in two u32 halves. */
export function u64be(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new CryptoError('MALFORMED', 'value must be a non-negative safe integer');
  }
  return concatBytes(u32be(Math.floor(value / 2 ** 32)), u32be(value % 2 ** 32));
}

export class ByteReader {
  private offset: number;

  constructor(
    private readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** The next `length` bytes, copied so later wiping of the source cannot change them. */
  take(length: number): Uint8Array {
    if (!Number.isInteger(length) || length < 0 || length > this.remaining) {
      throw new CryptoError('MALFORMED', 'truncated');
    }
    const out = this.bytes.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  u8(): number {
    return this.take(1)[0]!;
  }

  u32(): number {
    return readU32be(this.take(4), 0);
  }

  /** A u64 that must fit a safe integer; larger values are MALFORMED rather than rounded. */
  u64(): number {
    const raw = this.take(U64_BYTES);
    const high = readU32be(raw, 0);
    if (high >= 2 ** 21) throw new CryptoError('MALFORMED', 'integer out of range');
    return high * 2 ** 32 + readU32be(raw, 4);
  }

  /** Everything left. */
  rest(): Uint8Array {
    return this.take(this.remaining);
  }

  end(): void {
    if (this.remaining !== 0) throw new CryptoError('MALFORMED', 'trailing bytes');
  }
}
