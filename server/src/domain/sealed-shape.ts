// The server cannot open a sealed envelope (request details, an offer's note), but it can refuse
// what is plainly not one before storing it: the format header of a sealed envelope and a length
// that a sealed envelope of some padding bucket has (crypto.md §6.2), no larger than allowed.
// That costs nothing, learns nothing (every envelope of a bucket has the same length), and keeps
// junk out of what moderators' clients will try to open.
import {
  FORMAT_HEADER_BYTES,
  PADDING_BUCKETS,
  SUITE,
  equalBytes,
  formatHeader,
  sealedEnvelopeLength,
} from '@kolokol/shared/crypto';
import { AppError } from '../errors.js';

const HEADER = formatHeader(SUITE.sealedEnvelope);
/** Every length a sealed envelope can have: one per padding bucket. */
const LENGTHS: readonly number[] = PADDING_BUCKETS.map((bucket) =>
  sealedEnvelopeLength(bucket - 1),
);

/** BAD_REQUEST naming `field` unless `bytes` looks like a sealed envelope of at most `maxBytes`. */
export function checkSealedEnvelope(bytes: Uint8Array, maxBytes: number, field: string): void {
  const fits = LENGTHS.some((length) => length === bytes.length && length <= maxBytes);
  if (!fits || !equalBytes(bytes.subarray(0, FORMAT_HEADER_BYTES), HEADER)) {
    throw new AppError('BAD_REQUEST', `${field}: not a sealed envelope`);
  }
}
