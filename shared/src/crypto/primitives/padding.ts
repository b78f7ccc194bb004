// Pads plaintexts to a few fixed size buckets (ISO/IEC 7816-4 via sodium.pad) so that a
// ciphertext's length tells an observer only which bucket its plaintext fell into.
import { CryptoError } from './errors.js';
import { sodium } from './sodium.js';

/** Padded sizes, smallest first: 256 B, 1 KiB, 4 KiB, 16 KiB, 64 KiB. */
export const PADDING_BUCKETS = [256, 1024, 4096, 16384, 65536] as const;

export const MAX_PADDED_BYTES = 65536;

/** ISO/IEC 7816-4 always adds the 0x80 marker, so a bucket holds one byte less than its size. */
export const MAX_UNPADDED_BYTES = MAX_PADDED_BYTES - 1;

/** The bucket a plaintext of `length` bytes pads to; BAD_LENGTH above MAX_UNPADDED_BYTES. */
export function paddedLength(length: number): number {
  if (!Number.isInteger(length) || length < 0) {
    throw new CryptoError('BAD_LENGTH', 'length must be a non-negative integer');
  }
  for (const bucket of PADDING_BUCKETS) {
    if (length < bucket) return bucket;
  }
  throw new CryptoError('BAD_LENGTH', `plaintext must be at most ${MAX_UNPADDED_BYTES} bytes`);
}

export function isPaddingBucket(length: number): boolean {
  return (PADDING_BUCKETS as readonly number[]).includes(length);
}

/** Pads to the smallest bucket that holds `plaintext` plus the 0x80 marker. */
export function padToBucket(plaintext: Uint8Array): Uint8Array {
  const bucket = paddedLength(plaintext.length);
  const padded = sodium.pad(plaintext, bucket);
  // sodium.pad rounds up to a multiple of the block size; with length < bucket that is the bucket.
  if (padded.length !== bucket)
    throw new CryptoError('BAD_LENGTH', 'padding produced an unexpected length');
  return padded;
}

/** Removes bucket padding; MALFORMED unless the length is a bucket and the padding is canonical. */
export function unpadFromBucket(padded: Uint8Array): Uint8Array {
  if (!isPaddingBucket(padded.length))
    throw new CryptoError('MALFORMED', 'padded length is not a bucket');
  try {
    // slice: unpad returns a view over a copy of the whole bucket; keep only the plaintext.
    return sodium.unpad(padded, padded.length).slice();
  } catch {
    throw new CryptoError('MALFORMED', 'invalid padding');
  }
}
