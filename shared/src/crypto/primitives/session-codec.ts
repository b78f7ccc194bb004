// A tiny length-checked binary writer and reader for the session and prekey-store
// serializations, so every field is read with its expected length and nothing is guessed.
import { concatBytes, expectLength, u32be } from './bytes.js';
import { CryptoError } from './errors.js';

export const U32_MAX = 0xffff_ffff;

export function isU32(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= U32_MAX;
}

/** Throws BAD_LENGTH unless `value` fits an unsigned 32-bit field; `what` names it. */
export function expectU32(value: number, what: string): number {
  if (!isU32(value))
    throw new CryptoError('BAD_LENGTH', `${what} must be an unsigned 32-bit integer`);
  return value;
}

export class ByteWriter {
  private readonly parts: Uint8Array[] = [];

  bytes(value: Uint8Array): this {
    this.parts.push(value);
    return this;
  }

  /** A field whose length the reader knows in advance; checked here too, so a bug cannot shift fields. */
  fixed(value: Uint8Array, length: number, what: string): this {
    expectLength(value, length, what);
    this.parts.push(value);
    return this;
  }

  /** A field of variable length, prefixed with its 32-bit length. */
  variable(value: Uint8Array): this {
    this.parts.push(u32be(value.length), value);
    return this;
  }

  u8(value: number): this {
    this.parts.push(Uint8Array.of(value & 0xff));
    return this;
  }

  u32(value: number, what: string): this {
    this.parts.push(u32be(expectU32(value, what)));
    return this;
  }

  /** Milliseconds since the epoch (or any non-negative safe integer), as two 32-bit halves. */
  u53(value: number, what: string): this {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new CryptoError('BAD_LENGTH', `${what} must be a non-negative safe integer`);
    }
    this.parts.push(u32be(Math.floor(value / 2 ** 32)), u32be(value % 2 ** 32));
    return this;
  }

  optional(value: Uint8Array | null, length: number, what: string): this {
    if (value === null) return this.u8(0);
    return this.u8(1).fixed(value, length, what);
  }

  finish(): Uint8Array {
    return concatBytes(...this.parts);
  }
}

export class ByteReader {
  private offset = 0;

  constructor(private readonly data: Uint8Array) {}

  /** A copy, so the caller may wipe it without touching the input (and vice versa). */
  fixed(length: number): Uint8Array {
    if (this.offset + length > this.data.length)
      throw new CryptoError('MALFORMED', 'truncated data');
    const out = this.data.slice(this.offset, this.offset + length);
    this.offset += length;
    return out;
  }

  variable(maxLength: number): Uint8Array {
    const length = this.u32();
    if (length > maxLength) throw new CryptoError('MALFORMED', 'field too long');
    return this.fixed(length);
  }

  u8(): number {
    if (this.offset + 1 > this.data.length) throw new CryptoError('MALFORMED', 'truncated data');
    const value = this.data[this.offset]!;
    this.offset += 1;
    return value;
  }

  u32(): number {
    const bytes = this.fixed(4);
    return new DataView(bytes.buffer).getUint32(0, false);
  }

  u53(): number {
    const high = this.u32();
    const low = this.u32();
    const value = high * 2 ** 32 + low;
    if (!Number.isSafeInteger(value)) throw new CryptoError('MALFORMED', 'integer out of range');
    return value;
  }

  flag(): boolean {
    const value = this.u8();
    if (value > 1) throw new CryptoError('MALFORMED', 'bad flag');
    return value === 1;
  }

  optional(length: number): Uint8Array | null {
    return this.flag() ? this.fixed(length) : null;
  }

  /** Everything not read yet, without copying. */
  rest(): Uint8Array {
    const out = this.data.subarray(this.offset);
    this.offset = this.data.length;
    return out;
  }

  /** Refuses trailing bytes: a serialization has exactly one valid encoding. */
  end(): void {
    if (this.offset !== this.data.length) throw new CryptoError('MALFORMED', 'trailing data');
  }
}
